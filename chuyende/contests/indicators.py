"""Contest figures for the reports (see chuyende.reports.registry): one grouped query each,
over the per-unit tallies of the rounds that opened in the period."""

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from chuyende.org.indicators import grouped, instants
from chuyende.reports.registry import indicator

from .models import UnitTally

DRILLDOWN = "contests:contest_list"


def _tallies(root_path, start, end, plan):
    first, after = instants(start, end)
    rows = UnitTally.objects.filter(
        path__startswith=root_path, round__opens_at__gte=first, round__opens_at__lt=after
    )
    return rows.filter(round__contest__plan=plan) if plan is not None else rows


@indicator(
    "contests.entries",
    _("Online contest entries"),
    unit_of_measure=_("entries"),
    position=60,
    drilldown=DRILLDOWN,
)
def entries(*, root_path, width, start, end, plan):
    return grouped(
        _tallies(root_path, start, end, plan), width=width, value=Sum("entries"), path="path"
    )


@indicator(
    "contests.entrants",
    _("People taking part in online contests (per round)"),
    unit_of_measure=_("people"),
    position=61,
    drilldown=DRILLDOWN,
)
def entrants(*, root_path, width, start, end, plan):
    return grouped(
        _tallies(root_path, start, end, plan), width=width, value=Sum("entrants"), path="path"
    )
