"""Stored files are served only through scoped views; this opens one for such a view."""

from django.http import Http404


def open_stored(field):
    """The open file of a FileField, or Http404 when there is none or it is gone from storage."""
    if not field:
        raise Http404
    try:
        return field.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
