"""Reads: the token page, and the API's lists (every queryset starts from
Model.objects.for_user, chuyende.core.scoping, or from another app's selector that does)."""

from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr

from chuyende.contests.models import Contest, Round
from chuyende.core.text import fold
from chuyende.org import selectors as org_selectors
from chuyende.org.models import Member, RoleAssignment, Unit
from chuyende.outreach import selectors as outreach_selectors
from chuyende.plans.models import Assignment, Plan, Task, overdue_q
from chuyende.pledges.models import Pledge
from chuyende.reports.models import Report, ReportForm, ReportingPeriod
from chuyende.study import selectors as study_selectors
from chuyende.study.models import Attendance

from .models import PersonalAccessToken


def tokens_of(*, user):
    """The user's own tokens, newest first (a token belongs to its owner alone)."""
    return PersonalAccessToken.objects.filter(owner=user).order_by("-created_at", "-id")


# Reads of the API -------------------------------------------------------------------------------
# Every queryset starts from Model.objects.for_user (chuyende.core.scoping) or from another app's
# selector that does; the filters below only narrow what the caller already sees.


def _under(queryset, unit, lookup="unit__path"):
    return queryset.filter(**{f"{lookup}__startswith": unit.path}) if unit else queryset


def units(*, user, q="", kind="", active=None, parent=None, under=None):
    """Units in scope; `parent`: only its direct children; `under`: its subtree."""
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Unit.steplen)
    qs = Unit.objects.for_user(user).annotate(
        parent_id=Subquery(Unit.objects.filter(path=parent_path).order_by().values("pk")[:1])
    )
    if parent is not None:
        qs = qs.filter(path__startswith=parent.path, depth=parent.depth + 1)
    qs = _under(qs, under, "path")
    if kind:
        qs = qs.filter(kind=kind)
    if active is not None:
        qs = qs.filter(active=active)
    folded = fold(q)
    if folded:
        qs = qs.filter(search_name__contains=folded)
    return qs


def members(*, user, unit=None, gender="", ethnicity="", status="", q=""):
    """The member list of the screens (keyset-paged by chuyende.org.selectors.member_page)."""
    return org_selectors.member_search(
        user=user, unit=unit, gender=gender, ethnicity=ethnicity, status=status, query=q
    )


def member_count(*, user, unit=None, gender="", ethnicity="", status="", q=""):
    return org_selectors.member_count(
        user=user, unit=unit, gender=gender, ethnicity=ethnicity, status=status, query=q
    )


def plans(*, user, unit=None, status="", year=None, q=""):
    qs = Plan.objects.for_user(user).select_related("unit")
    if unit is not None:
        qs = qs.filter(unit=unit)
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(issued_on__year=year)
    words = " ".join(q.split())
    if words:
        qs = qs.filter(Q(title__icontains=words) | Q(number__icontains=words))
    return qs


def tasks(*, user, plan=None, due_from=None, due_to=None, q=""):
    qs = Task.objects.for_user(user)
    if plan is not None:
        qs = qs.filter(plan=plan)
    if due_from:
        qs = qs.filter(due_on__gte=due_from)
    if due_to:
        qs = qs.filter(due_on__lte=due_to)
    words = " ".join(q.split())
    if words:
        qs = qs.filter(title__icontains=words)
    return qs


def assignments(*, user, unit=None, task=None, plan=None, status=""):
    qs = Assignment.objects.for_user(user).select_related("unit", "task")
    qs = _under(qs, unit)
    if task is not None:
        qs = qs.filter(task=task)
    if plan is not None:
        qs = qs.filter(task__plan=plan)
    if status == "overdue":
        qs = qs.filter(overdue_q())
    elif status:
        qs = qs.filter(status=status)
    return qs


def study_sessions(*, user, unit=None, task=None, q="", date_from=None, date_to=None):
    qs = study_selectors.session_list(user=user, unit=unit, task=task, query=q)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return qs


def attendance(*, user, session):
    return (
        Attendance.objects.for_user(user)
        .filter(session=session)
        .select_related("member", "member__unit")
    )


def posts(*, user, unit=None, channel="", status="", date_from=None, date_to=None, q=""):
    return outreach_selectors.post_search(
        user=user,
        unit=unit,
        query=q,
        channel=channel,
        status=status,
        start=date_from,
        end=date_to,
    ).select_related("task")


def own_pledges(*, user, year=None, current=None):
    """The caller's own pledges (every version): the member record linked to their account."""
    qs = Pledge.objects.for_user(user).filter(member__user=user).select_related("template")
    if year:
        qs = qs.filter(year=year)
    if current is not None:
        qs = qs.filter(is_current=current)
    return qs


def contests(*, user, unit=None, published=None, q=""):
    qs = Contest.objects.for_user(user).select_related("unit").prefetch_related("rounds")
    qs = _under(qs, unit)
    if published is not None:
        qs = qs.filter(published=published)
    words = " ".join(q.split())
    if words:
        qs = qs.filter(title__icontains=words)
    return qs


def rounds(*, user, contest=None):
    qs = Round.objects.for_user(user).select_related("contest")
    if contest is not None:
        qs = qs.filter(contest=contest)
    return qs


def report_forms(*, user, plan=None, period_kind=""):
    qs = (
        ReportForm.objects.for_user(user).select_related("recipient").prefetch_related("indicators")
    )
    if plan is not None:
        qs = qs.filter(plan=plan)
    if period_kind:
        qs = qs.filter(period_kind=period_kind)
    return qs


def periods(*, kind="", year=None):
    """Reporting periods are the calendar of every unit: not unit-bound data."""
    qs = ReportingPeriod.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(start__year=year)
    return qs


def reports(*, user, unit=None, form=None, period="", status=""):
    qs = Report.objects.for_user(user).select_related("unit", "period", "form", "form__recipient")
    qs = _under(qs, unit)
    if form is not None:
        qs = qs.filter(form=form)
    if period:
        qs = qs.filter(period__code=period)
    if status:
        qs = qs.filter(status=status)
    return qs


def roles_of(*, user):
    """The caller's own role assignments (what their tokens can reach)."""
    return list(
        RoleAssignment.objects.filter(user=user, unit__active=True)
        .select_related("unit")
        .order_by("unit__path", "role")
    )


def own_member(*, user):
    return Member.objects.filter(user=user).values_list("pk", flat=True).first()
