from django import template

from chuyende.core import masking

register = template.Library()

register.filter("mask_phone", masking.mask_phone)
register.filter("mask_id_number", masking.mask_id_number)
register.filter("mask_email", masking.mask_email)
register.filter("mask_date", masking.mask_date)


@register.simple_tag
def percent(part, whole):
    """part/whole as a percentage with one decimal and a dot, for CSS widths."""
    if not whole:
        return "0"
    return f"{100 * part / whole:.1f}"


@register.filter
def isodate(value):
    """A date given as ISO text (from a parsed document) as a date, for |date formatting."""
    import datetime

    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return value
