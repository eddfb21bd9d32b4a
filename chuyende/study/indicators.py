"""Study figures for the reports (see chuyende.reports.registry): one grouped query each.

Participants are the members listed at a session (check-in, list, import) plus the people
counted by head count; with a plan, only the sessions held for that plan's tasks count.
"""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from chuyende.org.choices import MAJORITY_ETHNICITY, Gender
from chuyende.org.indicators import grouped
from chuyende.reports.registry import indicator, ratio

from .models import Attendance, StudySession

DRILLDOWN = "study:session_list"


def _sessions(root_path, start, end, plan):
    rows = StudySession.objects.filter(unit__path__startswith=root_path, date__range=(start, end))
    return rows.filter(task__plan=plan) if plan is not None else rows


def _listed(member_filter):
    """Per session: the members listed at it (matching the filter), as a correlated subquery."""
    return Coalesce(
        Subquery(
            Attendance.objects.filter(member_filter, session=OuterRef("pk"))
            .order_by()
            .values("session")
            .annotate(n=Count("id"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _participants(root_path, width, start, end, plan, *, member_filter, headcount):
    rows = _sessions(root_path, start, end, plan).annotate(listed=_listed(member_filter))
    return grouped(rows, width=width, value=Sum("listed") + Sum(headcount))


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
        root_path, width, start, end, plan, member_filter=Q(), headcount="headcount_total"
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
        member_filter=Q(member__gender=Gender.FEMALE),
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
        member_filter=~Q(member__ethnicity=MAJORITY_ETHNICITY),
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
