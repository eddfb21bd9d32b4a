"""Template filters of the own-data page."""

import datetime

from django import template
from django.utils import formats

register = template.Library()


def _text(value) -> str:
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if value is True:
        return "✓"
    if value is False:
        return "—"
    return "" if value is None else str(value)


@register.filter
def lines(value) -> list[str]:
    """Nested lists and dicts of a record (commitments, self-assessment) as lines of text."""
    out: list[str] = []

    def walk(item, prefix=""):
        if isinstance(item, dict):
            for key, inner in item.items():
                walk(inner, f"{prefix}{key}: ")
        elif isinstance(item, (list, tuple)):
            for inner in item:
                walk(inner, prefix)
        else:
            text = _text(item)
            if text:
                out.append(prefix + text)

    walk(value)
    return out


@register.filter
def plain(value) -> str:
    """A single value as text (dates in the local format, yes/no as ✓/—)."""
    return _text(value)
