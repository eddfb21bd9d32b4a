"""`{% overdue_recommendations unit %}`: the overdue recommendations box for a unit's page or
the dashboard (unit omitted: the user's whole scope)."""

from django import template

from chuyende.inspections import selectors

register = template.Library()


@register.inclusion_tag("inspections/_overdue.html", takes_context=True)
def overdue_recommendations(context, unit=None, limit=selectors.OVERDUE_LIMIT):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"overdue": None}
    return {"overdue": selectors.overdue_recommendations(user=user, unit=unit, limit=limit)}
