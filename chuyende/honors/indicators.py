"""Honors figures for the reports (see chuyende.reports.registry): one grouped query each.

Nominations count where they were proposed, on the day they were proposed; awards count where
the nominee was proposed from, on the date of the decision. With a plan, only the nominations
answering one of its tasks count.
"""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from chuyende.org.indicators import grouped
from chuyende.reports.registry import indicator

from .choices import APPROVED, AwardKind
from .models import Award, Nomination

DRILLDOWN = "honors:nomination_list"


def _nominations(root_path, start, end, plan):
    rows = Nomination.objects.filter(
        unit__path__startswith=root_path, submitted_on__range=(start, end)
    )
    return rows.filter(task__plan=plan) if plan is not None else rows


def _awards(root_path, start, end, plan, kind):
    rows = Award.objects.filter(
        nomination__unit__path__startswith=root_path,
        decision__date__range=(start, end),
        decision__award_kind=kind,
    )
    return rows.filter(nomination__task__plan=plan) if plan is not None else rows


@indicator(
    "honors.nominations",
    _("Good examples proposed for praise or awards"),
    unit_of_measure=_("nominations"),
    position=80,
    drilldown=DRILLDOWN,
)
def nominations(*, root_path, width, start, end, plan):
    return grouped(_nominations(root_path, start, end, plan), width=width, value=Count("id"))


@indicator(
    "honors.approved",
    _("Good examples praised or awarded"),
    unit_of_measure=_("nominations"),
    position=81,
    drilldown=DRILLDOWN,
)
def approved(*, root_path, width, start, end, plan):
    rows = _nominations(root_path, start, end, plan).filter(status__in=APPROVED)
    return grouped(rows, width=width, value=Count("id"))


@indicator(
    "honors.giay_khen",
    _("Giấy khen granted"),
    unit_of_measure=_("awards"),
    position=82,
    drilldown=DRILLDOWN,
)
def giay_khen(*, root_path, width, start, end, plan):
    rows = _awards(root_path, start, end, plan, AwardKind.GIAY_KHEN)
    return grouped(rows, width=width, value=Count("id"), path="nomination__unit__path")


@indicator(
    "honors.bang_khen",
    _("Bằng khen granted"),
    unit_of_measure=_("awards"),
    position=83,
    drilldown=DRILLDOWN,
)
def bang_khen(*, root_path, width, start, end, plan):
    rows = _awards(root_path, start, end, plan, AwardKind.BANG_KHEN)
    return grouped(rows, width=width, value=Count("id"), path="nomination__unit__path")
