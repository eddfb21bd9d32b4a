"""Checks on uploaded screenshots, through the shared chuyende.core.uploads: an image by its
bytes (its name must say an image too), and not too large."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from chuyende.core import uploads

MAX_SCREENSHOT = 5 * 1024 * 1024
SCREENSHOT_KINDS = uploads.IMAGES


def image_kind(head: bytes) -> tuple[str, str] | None:
    """(extension, content type) of an image from its first bytes, None if not PNG, JPEG, GIF or
    WebP (a stored screenshot is served by what it is)."""
    for key in SCREENSHOT_KINDS:
        kind = uploads.KINDS[key]
        if kind.test(head, None):
            return kind.extensions[0].lstrip("."), kind.content_type
    return None


def screenshot_extension(upload) -> str:
    """The extension to store the screenshot under; ValidationError if it is not a PNG, JPEG,
    GIF or WebP image of at most 5 MB."""
    try:
        kind = uploads.check_upload(upload, SCREENSHOT_KINDS, limit=MAX_SCREENSHOT)
    except ValidationError as error:
        if error.code == "empty":
            raise ValidationError(_("The screenshot file is empty.")) from None
        if error.code == "too_big":
            raise ValidationError(_("The screenshot is larger than 5 MB.")) from None
        raise ValidationError(
            _("The screenshot must be an image (PNG, JPEG, WebP or GIF).")
        ) from None
    return kind.extensions[0].lstrip(".")


def check_screenshot(upload) -> str:
    try:
        return screenshot_extension(upload)
    except ValidationError as error:
        raise ValidationError({"screenshot": error.messages}) from None
