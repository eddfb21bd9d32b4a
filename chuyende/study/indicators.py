"""Study figures for the reports (see chuyende.reports.registry): one grouped query each.

Participants are the members listed at a session (check-in, list, import; counted on the
session row, chuyende.study.counts) plus the people counted by head count; with a plan, only the sessions held for that plan's tasks count.
"""

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from chuyende.org.indicators import grouped
from chuyende.reports.registry import indicator, ratio

from .models import StudySession

DRILLDOWN = "study:session_list"


def _sessions(root_path, start, end, plan):
    rows = StudySession.objects.filter(unit__path__startswith=root_path, date__range=(start, end))
    return rows.filter(task__plan=plan) if plan is not None else rows


def _participants(root_path, width, start, end, plan, *, listed, headcount):
    """Listed members (the sessions' own counts, chuyende.study.counts) plus head counts."""
    rows = _sessions(root_path, start, end, plan)
    return grouped(rows, width=width, value=Sum(listed) + Sum(headcount))


@indicator(
    "study.sessions",
    _("Study sessions held"),
    unit_of_measure=_("sessions"),
    position=30,
    drilldown=DRILLDOWN,
)
def sessions_held(*, root_path, width, start, end, plan):
    return grouped(_sessions(root_path, start, end, plan), width=width, value=Count("id"))


@indicator(
    "study.participants",
    _("Study participants"),
    unit_of_measure=_("people"),
    position=31,
    drilldown=DRILLDOWN,
)
def participants(*, root_path, width, start, end, plan):
    return _participants(
        root_path, width, start, end, plan, listed="listed_count", headcount="headcount_total"
    )


@indicator(
    "study.participants_women",
    _("Women study participants"),
    unit_of_measure=_("people"),
    position=32,
    drilldown=DRILLDOWN,
)
def participants_women(*, root_path, width, start, end, plan):
    return _participants(
        root_path,
        width,
        start,
        end,
        plan,
        listed="listed_women",
        headcount="headcount_women",
    )


@indicator(
    "study.participants_minority",
    _("Ethnic-minority study participants"),
    unit_of_measure=_("people"),
    position=33,
    drilldown=DRILLDOWN,
)
def participants_minority(*, root_path, width, start, end, plan):
    return _participants(
        root_path,
        width,
        start,
        end,
        plan,
        listed="listed_minority",
        headcount="headcount_minority",
    )


@indicator(
    "study.expected",
    _("Participants expected at study sessions"),
    unit_of_measure=_("people"),
    position=34,
    drilldown=DRILLDOWN,
)
def expected(*, root_path, width, start, end, plan):
    return grouped(_sessions(root_path, start, end, plan), width=width, value=Sum("expected_count"))


ratio(
    "study.participation_rate",
    _("Study participation rate (%)"),
    numerator="study.participants",
    denominator="study.expected",
    position=35,
)
