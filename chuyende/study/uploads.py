"""Checks on uploaded files: the type is read from the file's first bytes, never trusted from
its name or the browser, and the size is capped."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_PHOTO = 5 * 1024 * 1024
MAX_MINUTES = 10 * 1024 * 1024
PHOTO_ACCEPT = ".jpg,.jpeg,.png,.webp"
MINUTES_ACCEPT = ".pdf,.docx,.doc,.odt,.jpg,.jpeg,.png"

# (content type, extensions, test on the first bytes)
_SIGNATURES = {
    "image/jpeg": ((".jpg", ".jpeg"), lambda head: head.startswith(b"\xff\xd8\xff")),
    "image/png": ((".png",), lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "image/webp": ((".webp",), lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
    "application/pdf": ((".pdf",), lambda head: head.startswith(b"%PDF-")),
    # .docx and .odt are zip files; .doc is an OLE2 compound file.
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        (".docx",),
        lambda head: head.startswith(b"PK\x03\x04"),
    ),
    "application/vnd.oasis.opendocument.text": (
        (".odt",),
        lambda head: head.startswith(b"PK\x03\x04"),
    ),
    "application/msword": ((".doc",), lambda head: head.startswith(b"\xd0\xcf\x11\xe0")),
}
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
MINUTES_TYPES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
    "application/msword",
    "image/jpeg",
    "image/png",
)


def sniff(upload, allowed) -> str | None:
    """The content type among `allowed` that both the name and the first bytes agree on."""
    name = (getattr(upload, "name", "") or "").lower()
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for content_type in allowed:
        extensions, test = _SIGNATURES[content_type]
        if name.endswith(extensions) and test(head):
            return content_type
    return None


def check_photo(upload) -> str:
    """The photo's content type; ValidationError when it is too big or not a JPEG/PNG/WebP."""
    if upload.size > MAX_PHOTO:
        raise ValidationError(
            {"image": _("The photo is larger than %(size)s.") % {"size": filesizeformat(MAX_PHOTO)}}
        )
    content_type = sniff(upload, PHOTO_TYPES)
    if content_type is None:
        raise ValidationError({"image": _("Upload a photo as a JPEG, PNG or WebP image.")})
    return content_type


def check_minutes(upload) -> str:
    if upload.size > MAX_MINUTES:
        raise ValidationError(
            {
                "minutes": _("The minutes file is larger than %(size)s.")
                % {"size": filesizeformat(MAX_MINUTES)}
            }
        )
    content_type = sniff(upload, MINUTES_TYPES)
    if content_type is None:
        raise ValidationError(
            {"minutes": _("Upload the minutes as a PDF, Word or OpenDocument file, or a photo.")}
        )
    return content_type


def content_type_of(name: str) -> str:
    """The content type to serve a stored file with, from the extension it was checked with."""
    lower = name.lower()
    for content_type, (extensions, _test) in _SIGNATURES.items():
        if lower.endswith(extensions):
            return content_type
    return "application/octet-stream"
