"""Member figures for the reports (see chuyende.reports.registry): one grouped query each."""

import datetime

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuyende.reports.registry import indicator

from .choices import MAJORITY_ETHNICITY, Gender, MemberStatus
from .models import Member


def instants(start, end) -> tuple:
    """(first instant of `start`, first instant after `end`), local time: filter a datetime
    with `__gte`/`__lt` on these rather than `__date__range`, which casts every row's value
    (a Python function call per row on SQLite)."""
    first = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    after = timezone.make_aware(datetime.datetime.combine(end, datetime.time.min))
    return first, after + datetime.timedelta(days=1)


def grouped(queryset, *, width, value, path="unit__path") -> dict:
    """{path prefix: value} over the rows of `queryset`, grouped by the first `width` characters
    of their unit's path, in one query."""
    return {
        prefix: result or 0
        for prefix, result in queryset.annotate(prefix=Substr(path, 1, width))
        .order_by()
        .values("prefix")
        .annotate(result=value)
        .values_list("prefix", "result")
    }


def _members(root_path, end, extra=None):
    """Active members of the subtree who had joined by the end of the period."""
    return Member.objects.filter(
        Q(joined_on__isnull=True) | Q(joined_on__lte=end),
        extra or Q(),
        unit__path__startswith=root_path,
        status=MemberStatus.ACTIVE,
    )


@indicator(
    "org.members",
    _("Active union members"),
    unit_of_measure=_("members"),
    position=10,
    drilldown="org:member_list",
)
def members(*, root_path, width, start, end, plan):
    return grouped(_members(root_path, end), width=width, value=Count("id"))


@indicator(
    "org.members_women",
    _("Women union members"),
    unit_of_measure=_("members"),
    position=11,
    drilldown="org:member_list",
)
def members_women(*, root_path, width, start, end, plan):
    return grouped(
        _members(root_path, end, Q(gender=Gender.FEMALE)), width=width, value=Count("id")
    )


@indicator(
    "org.members_minority",
    _("Ethnic-minority union members"),
    unit_of_measure=_("members"),
    position=12,
    drilldown="org:member_list",
)
def members_minority(*, root_path, width, start, end, plan):
    return grouped(
        _members(root_path, end, ~Q(ethnicity=MAJORITY_ETHNICITY)), width=width, value=Count("id")
    )
