"""Reads for plans: the board, drill-down, per-unit tasks, timeline — fixed query counts."""

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from chuyende.core.text import fold
from chuyende.org.choices import UnitKind
from chuyende.org.models import Unit

from .choices import AssignmentStatus
from .models import Assignment, Occasion, Plan, Task


def plan_fields_from_parsed(parsed: dict) -> dict:
    """The Plan fields of a parsed document (specs/plan-document.md)."""
    from .services import _date

    return {
        "kind": (parsed.get("kind") or "KẾ HOẠCH")[:60],
        "number": (parsed.get("number") or "")[:60],
        "issuer": (parsed.get("issuer") or "")[:255],
        "issuer_parent": (parsed.get("issuer_parent") or "")[:255],
        "place": (parsed.get("place") or "")[:100],
        "issued_on": _date(parsed.get("date")),
        "title": parsed.get("title") or "",
        "references": parsed.get("references") or [],
        "sections": parsed.get("sections") or [],
        "reporting": parsed.get("reporting") or [],
        "recipients": parsed.get("recipients") or [],
        "signer": parsed.get("signer") or {},
    }


def possible_duplicates(*, number: str, unit: Unit, exclude_pk=None):
    """Plans of the same issuing unit with the same number (spaces and accents ignored)."""
    key = fold(number).replace(" ", "")
    if not key:
        return Plan.objects.none()
    qs = Plan.objects.filter(unit=unit, number_key=key)
    return qs.exclude(pk=exclude_pk) if exclude_pk else qs


def _status_counts(today):
    overdue = Q(due_on__lt=today) & ~Q(status=AssignmentStatus.DONE)
    return {
        "done": Count("id", filter=Q(status=AssignmentStatus.DONE)),
        "overdue": Count("id", filter=overdue),
        "in_progress": Count("id", filter=Q(status=AssignmentStatus.IN_PROGRESS) & ~overdue),
        "not_started": Count("id", filter=Q(status=AssignmentStatus.NOT_STARTED) & ~overdue),
        "total": Count("id"),
    }


def plan_board(*, plan: Plan, user, unit: Unit | None = None):
    """Per task: how many assigned units (in the user's scope, below `unit`) are in each status.

    Two queries whatever the number of tasks and assignments.
    """
    today = timezone.localdate()
    tasks = list(Task.objects.filter(plan=plan).order_by("position", "id"))
    qs = Assignment.objects.for_user(user).filter(task__plan=plan)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    counts = {
        row["task_id"]: row
        for row in qs.order_by().values("task_id").annotate(**_status_counts(today))
    }
    empty = {"done": 0, "overdue": 0, "in_progress": 0, "not_started": 0, "total": 0}
    for task in tasks:
        task.counts = counts.get(task.pk, empty)
    return tasks


def task_drilldown(*, task: Task, user, unit: Unit):
    """For one task, status counts per child unit of `unit` (each child's whole subtree)."""
    today = timezone.localdate()
    width = (unit.depth + 1) * Unit.steplen
    children = list(
        Unit.objects.for_user(user)
        .filter(path__startswith=unit.path, depth=unit.depth + 1)
        .order_by("sort_key")
    )
    rows = (
        Assignment.objects.for_user(user)
        .filter(task=task, unit__path__startswith=unit.path, unit__depth__gt=unit.depth)
        .annotate(prefix=Substr("unit__path", 1, width))
        .order_by()
        .values("prefix")
        .annotate(**_status_counts(today))
    )
    by_prefix = {row["prefix"]: row for row in rows}
    result = [(child, by_prefix[child.path]) for child in children if child.path in by_prefix]
    own = (
        Assignment.objects.for_user(user)
        .filter(task=task, unit=unit)
        .select_related("unit")
        .first()
    )
    return own, result


def unit_assignments(*, unit: Unit, user):
    """The tasks handed to one unit, with plan, due date and status."""
    return list(
        Assignment.objects.for_user(user)
        .filter(unit=unit)
        .select_related("task", "task__plan", "parent", "parent__unit")
        .order_by("due_on", "task__plan_id", "task__position")
    )


def my_assignments(*, user, limit=100):
    """Assignments of the units where the user can act, soonest due first."""
    return list(
        Assignment.objects.for_user(user, "change")
        .exclude(status=AssignmentStatus.DONE)
        .select_related("task", "task__plan", "unit")
        .order_by("due_on", "unit__sort_key")[:limit]
    )


def plan_timeline(*, plan: Plan):
    """Due dates of the tasks and the plan's occasions, in date order."""
    items = [(t.due_on, "task", t) for t in Task.objects.filter(plan=plan, due_on__isnull=False)]
    items += [(o.date, "occasion", o) for o in Occasion.objects.filter(plan=plan)]
    return sorted(items, key=lambda item: (item[0], item[1]))


def issuing_unit_guess(*, user, issuer: str):
    """The unit in the user's scope whose name matches the printed issuer, else their top unit."""
    from chuyende.org.selectors import scope_roots

    units = Unit.objects.for_user(user, "change").filter(active=True)
    folded = fold(issuer)
    if folded:
        match = units.filter(search_name__startswith=folded).order_by("depth").first()
        if match:
            return match
    roots = scope_roots(user=user)
    return units.filter(pk__in=roots.values("pk")).order_by("depth").first()


ASSIGNABLE_KINDS = [
    UnitKind.UPPER,
    UnitKind.GRASSROOTS,
    UnitKind.AFFILIATE,
    UnitKind.DEPARTMENT,
    UnitKind.SECTION,
]


def assignable_units(*, source: Unit):
    """The active units directly below `source`, which can be handed a task by name."""
    return Unit.objects.filter(
        path__startswith=source.path, depth=source.depth + 1, active=True, kind__in=ASSIGNABLE_KINDS
    ).order_by("kind", "sort_key")


def units_for_target(*, source: Unit, target: str, chosen):
    """The units a task goes to: every unit of a level in the subtree, or the chosen ones."""
    if target in (UnitKind.UPPER, UnitKind.GRASSROOTS):
        return list(
            Unit.objects.filter(
                path__startswith=source.path, depth__gt=source.depth, active=True, kind=target
            )
        )
    return list(chosen)


def drill_start(*, user, plan: Plan) -> Unit:
    """Where a drill-down starts: the plan's issuing unit if visible in full, else the user's top."""
    from chuyende.core.scoping import user_scope
    from chuyende.org.selectors import scope_roots

    if user_scope(user).allows("view", plan.unit.path):
        return plan.unit
    return scope_roots(user=user).order_by("depth").first() or plan.unit
