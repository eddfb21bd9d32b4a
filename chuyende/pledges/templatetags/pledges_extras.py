from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key], or "" (labels of rating codes, counts by status)."""
    if not mapping:
        return ""
    return mapping.get(key, "")
