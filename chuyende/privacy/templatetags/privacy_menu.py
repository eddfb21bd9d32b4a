"""{% privacy_menu as menu %}: the personal-data entries the user may open (privacy/menu.py)."""

from django import template

from chuyende.privacy.menu import menu_for

register = template.Library()


@register.simple_tag(takes_context=True)
def privacy_menu(context):
    return menu_for(context.get("request"))
