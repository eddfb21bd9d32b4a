"""Checks on uploaded screenshots: an image by its bytes (not its name), and not too large."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_SCREENSHOT = 5 * 1024 * 1024
ACCEPT = "image/png,image/jpeg,image/webp,image/gif"

# (magic bytes test, extension, content type)
IMAGE_KINDS = [
    (lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"), "png", "image/png"),
    (lambda head: head.startswith(b"\xff\xd8\xff"), "jpg", "image/jpeg"),
    (lambda head: head[:6] in (b"GIF87a", b"GIF89a"), "gif", "image/gif"),
    (lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP", "webp", "image/webp"),
]


def image_kind(head: bytes) -> tuple[str, str] | None:
    """(extension, content type) of an image from its first bytes, None if not PNG, JPEG, GIF or
    WebP."""
    for test, extension, content_type in IMAGE_KINDS:
        if test(head):
            return extension, content_type
    return None


def check_screenshot(upload) -> str:
    """The extension to store the screenshot under; ValidationError if it is not a PNG, JPEG,
    GIF or WebP image of at most 5 MB."""
    if upload.size == 0:
        raise ValidationError({"screenshot": _("The screenshot file is empty.")})
    if upload.size > MAX_SCREENSHOT:
        raise ValidationError({"screenshot": _("The screenshot is larger than 5 MB.")})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = image_kind(head)
    if kind is None:
        raise ValidationError(
            {"screenshot": _("The screenshot must be an image (PNG, JPEG, WebP or GIF).")}
        )
    return kind[0]
