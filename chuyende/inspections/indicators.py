"""Inspection figures for the reports (see chuyende.reports.registry): one grouped query each.

The figures belong to the inspecting unit (the issuer of the inspection plan): an upper-level
union's report counts the inspections it and the units below it held. The period is the date of
the inspection; with a plan, only the inspection plans checking that plan count.
"""

from django.db.models import Count, F
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from chuyende.org.indicators import grouped
from chuyende.reports.registry import indicator, ratio

from .choices import InspectionStatus, RecommendationStatus
from .models import Inspection, Recommendation

DRILLDOWN = "inspections:inspection_list"
HELD = (InspectionStatus.CONCLUDED, InspectionStatus.CLOSED)
ISSUER_PATH = "inspection_plan__unit__path"


def _inspections(root_path, start, end, plan):
    rows = Inspection.objects.filter(
        inspection_plan__unit__path__startswith=root_path,
        date__range=(start, end),
        status__in=HELD,
    )
    return rows.filter(inspection_plan__plan=plan) if plan is not None else rows


def _recommendations(root_path, start, end, plan):
    rows = Recommendation.objects.filter(
        inspection__inspection_plan__unit__path__startswith=root_path,
        inspection__date__range=(start, end),
        inspection__status__in=HELD,
    )
    return rows.filter(inspection__inspection_plan__plan=plan) if plan is not None else rows


@indicator(
    "inspections.held",
    _("Inspections held"),
    unit_of_measure=_("inspections"),
    position=80,
    drilldown=DRILLDOWN,
)
def inspections_held(*, root_path, width, start, end, plan):
    return grouped(
        _inspections(root_path, start, end, plan), width=width, value=Count("id"), path=ISSUER_PATH
    )


@indicator(
    "inspections.recommendations",
    _("Inspection recommendations issued"),
    unit_of_measure=_("recommendations"),
    position=81,
    drilldown=DRILLDOWN,
)
def recommendations_issued(*, root_path, width, start, end, plan):
    return grouped(
        _recommendations(root_path, start, end, plan),
        width=width,
        value=Count("id"),
        path=f"inspection__{ISSUER_PATH}",
    )


@indicator(
    "inspections.closed_on_time",
    _("Inspection recommendations closed on time"),
    unit_of_measure=_("recommendations"),
    position=82,
    drilldown=DRILLDOWN,
)
def recommendations_closed_on_time(*, root_path, width, start, end, plan):
    rows = (
        _recommendations(root_path, start, end, plan)
        .filter(status=RecommendationStatus.CLOSED)
        .annotate(closed_day=TruncDate("closed_at"))
        .filter(closed_day__lte=F("due_on"))
    )
    return grouped(
        rows,
        width=width,
        value=Count("id"),
        path=f"inspection__{ISSUER_PATH}",
    )


ratio(
    "inspections.closed_on_time_rate",
    _("Inspection recommendations closed on time (%)"),
    numerator="inspections.closed_on_time",
    denominator="inspections.recommendations",
    position=83,
)
