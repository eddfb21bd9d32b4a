"""{% chuyende_version %}: this release's version (chuyende.__version__), for the page footer."""

from django import template

from chuyende import __version__

register = template.Library()


@register.simple_tag
def chuyende_version() -> str:
    return __version__
