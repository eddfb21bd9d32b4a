"""Pledge figures for the reports (see chuyende.reports.registry): two grouped queries for all
of them — pledges by status, evaluations by rating — shared by the indicators that read them.

A pledge counts for a period when it is of a year the period covers and was submitted by the
period's end; a rating counts when it was set by the period's end. Only the current version of
each pledge counts, so a member is counted once.
"""

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from chuyende.org.indicators import instants
from chuyende.reports.registry import indicator, ratio, shared

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
        submitted_at__lt=instants(end, end)[1],  # a plain comparison: no date cast per row
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
        rated_at__lt=instants(end, end)[1],
    )
    if plan is not None:
        rows = rows.filter(pledge__template__plan=plan)
    return rows


def _plan_key(plan):
    return plan.pk if plan is not None else None


def _by_status(root_path, width, start, end, plan) -> dict:
    """{prefix: {status: pledges}} in one query, shared by the pledge indicators."""

    def compute():
        found: dict[str, dict] = {}
        rows = (
            _pledges(root_path, start, end, plan)
            .annotate(prefix=Substr(PATH, 1, width))
            .order_by()
            .values_list("prefix", "status")
            .annotate(n=Count("id"))
        )
        for prefix, status, n in rows:
            found.setdefault(prefix, {})[status] = n
        return found

    return shared(("pledges.status", root_path, width, start, end, _plan_key(plan)), compute)


def _by_rating(root_path, width, start, end, plan) -> dict:
    """{prefix: {(final rating, union title): members}} in one query, shared likewise."""

    def compute():
        found: dict[str, dict] = {}
        rows = (
            _rated(root_path, start, end, plan, Q())
            .annotate(prefix=Substr(f"pledge__{PATH}", 1, width))
            .order_by()
            .values_list("prefix", "final_rating", "union_title")
            .annotate(n=Count("id"))
        )
        for prefix, rating, title, n in rows:
            found.setdefault(prefix, {})[(rating, bool(title))] = n
        return found

    return shared(("pledges.rating", root_path, width, start, end, _plan_key(plan)), compute)


@indicator(
    "pledges.written",
    _("Members who wrote a personal pledge"),
    unit_of_measure=_("members"),
    position=40,
    drilldown=DRILLDOWN,
)
def written(*, root_path, width, start, end, plan):
    return {
        prefix: sum(counts.values())
        for prefix, counts in _by_status(root_path, width, start, end, plan).items()
    }


@indicator(
    "pledges.accepted",
    _("Personal pledges accepted by the union"),
    unit_of_measure=_("pledges"),
    position=41,
    drilldown=DRILLDOWN,
)
def accepted(*, root_path, width, start, end, plan):
    return {
        prefix: counts.get(PledgeStatus.ACCEPTED, 0)
        for prefix, counts in _by_status(root_path, width, start, end, plan).items()
        if counts.get(PledgeStatus.ACCEPTED)
    }


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
        found = {}
        for prefix, counts in _by_rating(root_path, width, start, end, plan).items():
            n = sum(v for (level, _title), v in counts.items() if level == rating)
            if n:
                found[prefix] = n
        return found

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
    found = {}
    for prefix, counts in _by_rating(root_path, width, start, end, plan).items():
        n = sum(v for (_level, title), v in counts.items() if title)
        if n:
            found[prefix] = n
    return found
