"""Checks on uploaded photos and evidence: the type is read from the file's first bytes (never
trusted from its name or the browser) and the size is capped, as in `chuyende.study.uploads`."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from chuyende.study.uploads import MINUTES_TYPES, PHOTO_TYPES, sniff

MAX_PHOTO = 5 * 1024 * 1024
MAX_FILE = 10 * 1024 * 1024
MAX_PHOTOS = 6
MAX_FILES = 5
PHOTO_ACCEPT = ".jpg,.jpeg,.png,.webp"
FILE_ACCEPT = ".pdf,.docx,.doc,.odt,.jpg,.jpeg,.png"
FILE_TYPES = MINUTES_TYPES  # documents and scans, the same kinds as a session's minutes


def check_photos(uploads) -> list[str]:
    """The content type of each photo; ValidationError on the first too big or not an image."""
    uploads = list(uploads or [])
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError({"photos": _("At most %(n)s photos.") % {"n": MAX_PHOTOS}})
    types = []
    for upload in uploads:
        if upload.size > MAX_PHOTO:
            raise ValidationError(
                {
                    "photos": _("The photo %(name)s is larger than %(size)s.")
                    % {"name": upload.name, "size": filesizeformat(MAX_PHOTO)}
                }
            )
        content_type = sniff(upload, PHOTO_TYPES)
        if content_type is None:
            raise ValidationError(
                {"photos": _("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": upload.name}}
            )
        types.append(content_type)
    return types


def check_files(uploads) -> list[str]:
    uploads = list(uploads or [])
    if len(uploads) > MAX_FILES:
        raise ValidationError({"files": _("At most %(n)s evidence files.") % {"n": MAX_FILES}})
    types = []
    for upload in uploads:
        if upload.size > MAX_FILE:
            raise ValidationError(
                {
                    "files": _("The file %(name)s is larger than %(size)s.")
                    % {"name": upload.name, "size": filesizeformat(MAX_FILE)}
                }
            )
        content_type = sniff(upload, FILE_TYPES)
        if content_type is None:
            raise ValidationError(
                {
                    "files": _("%(name)s is not a PDF, Word or OpenDocument file or a photo.")
                    % {"name": upload.name}
                }
            )
        types.append(content_type)
    return types
