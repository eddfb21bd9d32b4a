"""Checks on the files of a study session, through the shared chuyende.core.uploads: the type is
read from the file's content (never trusted from its name or the browser) and the size is
capped."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from chuyende.core import uploads

MAX_PHOTO = 5 * 1024 * 1024
MAX_MINUTES = 10 * 1024 * 1024
PHOTO_KINDS = uploads.PHOTOS
MINUTES_KINDS = (*uploads.DOCUMENTS, "jpeg", "png")
PHOTO_TYPES = tuple(uploads.KINDS[k].content_type for k in PHOTO_KINDS)
MINUTES_TYPES = tuple(uploads.KINDS[k].content_type for k in MINUTES_KINDS)


def photo_kind(upload) -> str:
    """The photo's content type; ValidationError when it is too big or not a JPEG/PNG/WebP."""
    try:
        return uploads.check_upload(upload, PHOTO_KINDS, limit=MAX_PHOTO).content_type
    except ValidationError as error:
        if error.code == "too_big":
            raise ValidationError(
                _("The photo is larger than %(size)s.") % {"size": filesizeformat(MAX_PHOTO)}
            ) from None
        raise ValidationError(_("Upload a photo as a JPEG, PNG or WebP image.")) from None


def minutes_kind(upload) -> str:
    try:
        return uploads.check_upload(upload, MINUTES_KINDS, limit=MAX_MINUTES).content_type
    except ValidationError as error:
        if error.code == "too_big":
            raise ValidationError(
                _("The minutes file is larger than %(size)s.")
                % {"size": filesizeformat(MAX_MINUTES)}
            ) from None
        raise ValidationError(
            _("Upload the minutes as a PDF, Word or OpenDocument file, or a photo.")
        ) from None


def check_photo(upload) -> str:
    try:
        return photo_kind(upload)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from None


def check_minutes(upload) -> str:
    try:
        return minutes_kind(upload)
    except ValidationError as error:
        raise ValidationError({"minutes": error.messages}) from None


def content_type_of(name: str) -> str:
    """The content type to serve a stored file with, from the extension it was checked with."""
    kind = uploads.kind_of_name(name)
    return kind.content_type if kind else "application/octet-stream"
