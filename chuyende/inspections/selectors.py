"""Reads for inspections: lists, the detail, overdue recommendations — fixed query counts."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from chuyende.core.scoping import user_scope
from chuyende.core.text import fold
from chuyende.org.choices import UnitKind
from chuyende.org.models import Unit
from chuyende.org.selectors import ancestor_paths, ancestors_by_path
from chuyende.plans.choices import PlanStatus
from chuyende.plans.models import Plan, Task

from .choices import InspectionStatus, RecommendationStatus
from .models import Finding, Inspection, InspectionPlan, InspectionPoint, Recommendation, overdue_q

UNIT_OPTIONS_LIMIT = 40
OVERDUE_LIMIT = 5


# Plans ------------------------------------------------------------------------------------------


def issuers(user):
    """Units where the user can issue an inspection plan (not the small union groups)."""
    return (
        Unit.objects.for_user(user, "manage")
        .filter(active=True, numchild__gt=0)
        .exclude(kind=UnitKind.SECTION)
        .order_by("depth", "sort_key")
    )


def plan_choices(*, unit: Unit):
    """Plans an inspection plan of `unit` can check: the unit's own and those above it."""
    return (
        Plan.objects.filter(unit__path__in=[*ancestor_paths(unit.path), unit.path])
        .exclude(status=PlanStatus.DRAFT)
        .order_by("-issued_on", "-id")
    )


def task_choices(*, plan: Plan | None):
    if plan is None:
        return Task.objects.none()
    return plan.tasks.order_by("position", "id")


def inspectable_units(*, unit: Unit):
    """Units `unit` can inspect: active units strictly below it."""
    return Unit.objects.filter(
        path__startswith=unit.path, depth__gt=unit.depth, active=True
    ).order_by("depth", "sort_key")


def unit_options(*, unit: Unit, query: str = "", chosen=(), limit=UNIT_OPTIONS_LIMIT):
    """The checkboxes of the units to inspect: those chosen, then the search matches (or the
    units right below when nothing is searched). Two queries."""
    base = inspectable_units(unit=unit)
    chosen_ids = [int(pk) for pk in chosen if str(pk).isdigit()]
    picked = list(base.filter(pk__in=chosen_ids)) if chosen_ids else []
    folded = fold(query)
    if folded:
        more = base.filter(Q(search_name__contains=folded) | Q(code__iexact=query.strip()))
    else:
        more = base.filter(depth=unit.depth + 1)
    seen = {u.pk for u in picked}
    extra = [u for u in more.exclude(pk__in=seen)[:limit]]
    return picked + extra


def plan_list(*, user, query: str = "", year: int | None = None):
    qs = (
        InspectionPlan.objects.for_user(user)
        .select_related("unit", "plan")
        .annotate(
            n_inspections=Count("inspections", distinct=True),
            n_concluded=Count(
                "inspections",
                filter=Q(
                    inspections__status__in=[InspectionStatus.CONCLUDED, InspectionStatus.CLOSED]
                ),
                distinct=True,
            ),
        )
    )
    words = query.strip()
    if words:
        qs = qs.filter(Q(title__icontains=words) | Q(number__icontains=words))
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "-start_on", "-id")


def plan_detail(*, user, inspection_plan: InspectionPlan):
    """The plan's points and its inspections in the user's scope (two queries)."""
    points = list(inspection_plan.points.select_related("task"))
    inspections = list(
        Inspection.objects.for_user(user)
        .filter(inspection_plan=inspection_plan)
        .select_related("unit")
        .annotate(
            n_findings=Count("findings", distinct=True),
            n_recommendations=Count("recommendations", distinct=True),
            n_open=Count(
                "recommendations",
                filter=~Q(recommendations__status=RecommendationStatus.CLOSED),
                distinct=True,
            ),
        )
        .order_by("unit__path")
    )
    return points, inspections


# Inspections -----------------------------------------------------------------------------------


def inspection_list(
    *,
    user,
    unit: Unit | None = None,
    status: str = "",
    overdue: bool = False,
    start=None,
    end=None,
):
    """Inspections in the user's scope: of the units inspected under `unit`, or held by it."""
    qs = Inspection.objects.for_user(user).select_related(
        "unit", "inspection_plan", "inspection_plan__unit"
    )
    if unit is not None:
        qs = qs.filter(
            Q(unit__path__startswith=unit.path)
            | Q(inspection_plan__unit__path__startswith=unit.path)
        )
    if status in InspectionStatus.values:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(pk__in=Recommendation.objects.filter(overdue_q()).values("inspection_id"))
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    return qs.annotate(
        n_open=Count(
            "recommendations",
            filter=~Q(recommendations__status=RecommendationStatus.CLOSED),
            distinct=True,
        ),
        n_overdue=Count(
            "recommendations",
            filter=overdue_q(prefix="recommendations__"),
            distinct=True,
        ),
    ).order_by("-date", "-id")


def my_inspections(*, user, limit=20):
    """Inspections of units where the user works (the inspected side): those in their scope that
    were not issued within it — a grassroots officer sees the visits of the levels above."""
    scope = user_scope(user)
    if scope.superuser:
        return []
    paths = scope.paths_for("view")
    if not paths:
        return []
    issued_here = Q()
    for path in paths:
        issued_here |= Q(inspection_plan__unit__path__startswith=path)
    return list(
        Inspection.objects.for_user(user)
        .exclude(issued_here)
        .select_related("unit", "inspection_plan", "inspection_plan__unit")
        .order_by("-date", "-id")[:limit]
    )


@dataclass
class PointRow:
    point: InspectionPoint
    finding: Finding | None


def inspection_detail(*, inspection: Inspection):
    """(point rows with their finding, recommendations) — three queries."""
    findings = {f.point_id: f for f in inspection.findings.select_related("recorded_by")}
    rows = [
        PointRow(point=p, finding=findings.get(p.pk))
        for p in inspection.inspection_plan.points.select_related("task").order_by("position", "id")
    ]
    recommendations = list(
        inspection.recommendations.select_related("answered_by", "closed_by").order_by(
            "due_on", "id"
        )
    )
    return rows, recommendations


def can_inspect(user, inspection: Inspection) -> bool:
    return user_scope(user).allows("manage", inspection.inspection_plan.unit.path)


def can_answer(user, inspection: Inspection) -> bool:
    return user_scope(user).allows("change", inspection.unit.path)


# Overdue recommendations ------------------------------------------------------------------------


@dataclass
class Overdue:
    rows: list
    total: int
    unit: Unit | None = None


def overdue_recommendations(*, user, unit: Unit | None = None, limit=OVERDUE_LIMIT) -> Overdue:
    """Recommendations past their due date and not closed, to the units of `unit`'s subtree
    (or of the whole scope), oldest due first; two queries."""
    qs = Recommendation.objects.for_user(user).filter(overdue_q())
    if unit is not None:
        qs = qs.filter(inspection__unit__path__startswith=unit.path)
    total = qs.count()
    rows = []
    if total:
        rows = list(
            qs.select_related("inspection", "inspection__unit").order_by("due_on", "id")[:limit]
        )
    today = timezone.localdate()
    for row in rows:
        row.days_late = (today - row.due_on).days
    return Overdue(rows=rows, total=total, unit=unit)


# Documents --------------------------------------------------------------------------------------


def document_header(*, unit: Unit) -> tuple[str, str]:
    """(superior body, locality) of a document issued by `unit`: the unit above it, and the
    province's name ('Đắk Lắk') found in the names above (one query)."""
    above = ancestors_by_path([unit.path])
    parent = above.get(unit.path[: -Unit.steplen])
    names = [above[p].name for p in sorted(above)] + [unit.name]
    markers = (" tỉnh ", " thành phố ")
    locality = next((n.split(m, 1)[1].strip() for n in names for m in markers if m in n), "")
    return (parent.name if parent else ""), locality
