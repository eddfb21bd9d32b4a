"""Pledge figures for the reports (see chuyende.reports.registry): one grouped query each.

A pledge counts for a period when it is of a year the period covers and was submitted by the
period's end; a rating counts when it was set by the period's end. Only the current version of
each pledge counts, so a member is counted once.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from chuyende.org.indicators import grouped
from chuyende.reports.registry import indicator, ratio

from .choices import PledgeStatus, Rating
from .models import Evaluation, Pledge

DRILLDOWN = "pledges:pledge_list"
WRITTEN = (PledgeStatus.SUBMITTED, PledgeStatus.RETURNED, PledgeStatus.ACCEPTED)
PATH = "member__unit__path"


def _pledges(root_path, start, end, plan, **extra):
    rows = Pledge.objects.filter(
        member__unit__path__startswith=root_path,
        year__gte=start.year,
        year__lte=end.year,
        is_current=True,
        status__in=WRITTEN,
        submitted_at__date__lte=end,
        **extra,
    )
    return rows.filter(template__plan=plan) if plan is not None else rows


def _rated(root_path, start, end, plan, condition):
    rows = Evaluation.objects.filter(
        condition,
        pledge__member__unit__path__startswith=root_path,
        pledge__year__gte=start.year,
        pledge__year__lte=end.year,
        pledge__is_current=True,
        rated_at__date__lte=end,
    )
    if plan is not None:
        rows = rows.filter(pledge__template__plan=plan)
    return rows


@indicator(
    "pledges.written",
    _("Members who wrote a personal pledge"),
    unit_of_measure=_("members"),
    position=40,
    drilldown=DRILLDOWN,
)
def written(*, root_path, width, start, end, plan):
    return grouped(_pledges(root_path, start, end, plan), width=width, value=Count("id"), path=PATH)


@indicator(
    "pledges.accepted",
    _("Personal pledges accepted by the union"),
    unit_of_measure=_("pledges"),
    position=41,
    drilldown=DRILLDOWN,
)
def accepted(*, root_path, width, start, end, plan):
    rows = _pledges(root_path, start, end, plan, status=PledgeStatus.ACCEPTED)
    return grouped(rows, width=width, value=Count("id"), path=PATH)


ratio(
    "pledges.rate",
    _("Members with a personal pledge (%)"),
    numerator="pledges.written",
    denominator="org.members",
    position=42,
)


def _rating_indicator(code, name, rating, position):
    @indicator(
        code,
        name,
        unit_of_measure=_("members"),
        position=position,
        drilldown="pledges:rating",
    )
    def compute(*, root_path, width, start, end, plan):
        rows = _rated(root_path, start, end, plan, Q(final_rating=rating))
        return grouped(rows, width=width, value=Count("id"), path=f"pledge__{PATH}")

    return compute


rated_excellent = _rating_indicator(
    "pledges.rated_excellent",
    _("Members rated: excellently fulfilled duties"),
    Rating.EXCELLENT,
    43,
)
rated_good = _rating_indicator(
    "pledges.rated_good", _("Members rated: well fulfilled duties"), Rating.GOOD, 44
)
rated_fulfilled = _rating_indicator(
    "pledges.rated_fulfilled", _("Members rated: fulfilled duties"), Rating.FULFILLED, 45
)
rated_not_fulfilled = _rating_indicator(
    "pledges.rated_not_fulfilled",
    _("Members rated: did not fulfil duties"),
    Rating.NOT_FULFILLED,
    46,
)


@indicator(
    "pledges.union_title",
    _("Members granted the title of outstanding union member"),
    unit_of_measure=_("members"),
    position=47,
    drilldown="pledges:rating",
)
def union_title(*, root_path, width, start, end, plan):
    rows = _rated(root_path, start, end, plan, Q(union_title=True))
    return grouped(rows, width=width, value=Count("id"), path=f"pledge__{PATH}")
