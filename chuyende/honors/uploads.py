"""Checks on uploaded photos and evidence, through the shared chuyende.core.uploads: the type is
read from the file's content (never trusted from its name or the browser) and the size is
capped, as for a study session's files."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from chuyende.core import uploads

MAX_PHOTO = 5 * 1024 * 1024
MAX_FILE = 10 * 1024 * 1024
MAX_PHOTOS = 6
MAX_FILES = 5
PHOTO_KINDS = uploads.PHOTOS
FILE_KINDS = (*uploads.DOCUMENTS, "jpeg", "png")  # documents and scans, as a session's minutes


def photo_kind(upload) -> str:
    """The content type of one photo; ValidationError when too big or not an image."""
    try:
        return uploads.check_upload(upload, PHOTO_KINDS, limit=MAX_PHOTO).content_type
    except ValidationError as error:
        if error.code == "too_big":
            message = _("The photo %(name)s is larger than %(size)s.") % {
                "name": upload.name,
                "size": filesizeformat(MAX_PHOTO),
            }
        else:
            message = _("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": upload.name}
        raise ValidationError(message) from None


def file_kind(upload) -> str:
    try:
        return uploads.check_upload(upload, FILE_KINDS, limit=MAX_FILE).content_type
    except ValidationError as error:
        if error.code == "too_big":
            message = _("The file %(name)s is larger than %(size)s.") % {
                "name": upload.name,
                "size": filesizeformat(MAX_FILE),
            }
        else:
            message = _("%(name)s is not a PDF, Word or OpenDocument file or a photo.") % {
                "name": upload.name
            }
        raise ValidationError(message) from None


def _check_all(items, check, most, field, too_many) -> list[str]:
    items = list(items or [])
    if len(items) > most:
        raise ValidationError({field: too_many % {"n": most}})
    try:
        return [check(upload) for upload in items]
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


def check_photos(items) -> list[str]:
    """The content type of each photo; ValidationError on the first too big or not an image."""
    return _check_all(items, photo_kind, MAX_PHOTOS, "photos", _("At most %(n)s photos."))


def check_files(items) -> list[str]:
    return _check_all(items, file_kind, MAX_FILES, "files", _("At most %(n)s evidence files."))
