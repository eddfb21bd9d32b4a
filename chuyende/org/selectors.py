"""Reads across relations and roll-ups, each in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import Substr

from chuyende.core.scoping import user_scope
from chuyende.core.text import fold

from .choices import MAJORITY_ETHNICITY, MemberStatus, UnitKind
from .models import Member, Unit

STEP = Unit.steplen


def scope_roots(*, user):
    """The top units of the user's scope: where the tree starts for them."""
    scope = user_scope(user)
    if scope.superuser:
        return Unit.objects.filter(depth=1)
    paths = set(scope.paths_for("view")) | set(scope.member_unit_paths)
    tops = [p for p in sorted(paths) if not any(p != q and p.startswith(q) for q in paths)]
    return Unit.objects.filter(path__in=tops)


def ancestor_paths(path: str) -> list[str]:
    return [path[:i] for i in range(STEP, len(path), STEP)]


def ancestors_by_path(paths) -> dict[str, Unit]:
    """All ancestors of the given paths, in one query (names for breadcrumbs)."""
    wanted = {a for p in paths for a in ancestor_paths(p)}
    if not wanted:
        return {}
    return {
        u.path: u
        for u in Unit.objects.filter(path__in=wanted).only(
            "id", "path", "name", "short_name", "depth"
        )
    }


def breadcrumbs(*, unit: Unit, user) -> list[tuple[Unit, bool]]:
    """(ancestor, visible to the user) pairs from the root down to the unit's parent."""
    scope = user_scope(user)
    found = ancestors_by_path([unit.path])
    return [(found[p], scope.allows("view", p)) for p in ancestor_paths(unit.path) if p in found]


def unit_search(*, user, query: str, limit: int = 50):
    """Units in scope whose name, short name or code contains the query, accents ignored."""
    folded = fold(query)
    qs = (
        Unit.objects.for_user(user)
        .filter(search_name__contains=folded)
        .order_by("depth", "sort_key")
    )
    units = list(qs[:limit])
    parents = ancestors_by_path([u.path for u in units])
    for u in units:
        u.trail = [parents[p] for p in ancestor_paths(u.path) if p in parents]
    return units


def children_with_counts(*, unit: Unit, user):
    """The unit's children in scope, each with its number of sub-units and active members."""
    children = list(
        Unit.objects.for_user(user)
        .filter(path__startswith=unit.path, depth=unit.depth + 1)
        .order_by("-active", "sort_key")
    )
    if not children:
        return children
    width = (unit.depth + 1) * STEP
    member_counts = dict(
        Member.objects.filter(
            unit__path__startswith=unit.path, unit__depth__gt=unit.depth, status=MemberStatus.ACTIVE
        )
        .annotate(prefix=Substr("unit__path", 1, width))
        .values("prefix")
        .annotate(n=Count("id"))
        .values_list("prefix", "n")
    )
    unit_counts = dict(
        Unit.objects.filter(path__startswith=unit.path, depth__gt=unit.depth + 1, active=True)
        .annotate(prefix=Substr("path", 1, width))
        .values("prefix")
        .annotate(n=Count("id"))
        .values_list("prefix", "n")
    )
    for child in children:
        child.member_count = member_counts.get(child.path, 0)
        child.descendant_count = unit_counts.get(child.path, 0)
    return children


@dataclass
class Figures:
    members: int
    by_gender: dict
    ethnic_minority: int
    by_ethnicity: list
    units_by_kind: list
    officers: int

    @property
    def female(self):
        return self.by_gender.get("female", 0)


def figures_for(*, member_qs, unit_qs) -> Figures:
    """Counts of members by gender and ethnicity, and of units by kind (4 queries)."""
    active = member_qs.filter(status=MemberStatus.ACTIVE)
    by_gender = dict(
        active.order_by().values("gender").annotate(n=Count("id")).values_list("gender", "n")
    )
    by_ethnicity = list(
        active.order_by()
        .values("ethnicity")
        .annotate(n=Count("id"))
        .order_by("-n", "ethnicity")
        .values_list("ethnicity", "n")
    )
    officers = active.exclude(union_position="").count()
    kind_labels = dict(UnitKind.choices)
    units_by_kind = [
        (kind_labels.get(kind, kind), n)
        for kind, n in unit_qs.filter(active=True)
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    ]
    order = {label: i for i, (_, label) in enumerate(UnitKind.choices)}
    units_by_kind.sort(key=lambda pair: order.get(pair[0], 99))
    total = sum(by_gender.values())
    minority = sum(n for eth, n in by_ethnicity if eth != MAJORITY_ETHNICITY)
    return Figures(total, by_gender, minority, by_ethnicity, units_by_kind, officers)


def dashboard_figures(*, user) -> Figures:
    return figures_for(member_qs=Member.objects.for_user(user), unit_qs=Unit.objects.for_user(user))


def unit_figures(*, unit: Unit) -> Figures:
    """Figures for the unit's whole subtree; the caller has checked the unit is in scope."""
    return figures_for(
        member_qs=Member.objects.filter(unit__path__startswith=unit.path),
        unit_qs=Unit.objects.filter(path__startswith=unit.path),
    )


def unit_officers(*, unit: Unit):
    return list(
        Member.objects.filter(unit=unit, status=MemberStatus.ACTIVE)
        .exclude(union_position="")
        .order_by("union_position", "sort_key")
    )


def member_search(*, user, unit: Unit | None = None, gender="", ethnicity="", status="", query=""):
    """Members in scope matching the filters, in Vietnamese name order."""
    qs = Member.objects.for_user(user).select_related("unit")
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if gender:
        qs = qs.filter(gender=gender)
    if ethnicity == "minority":
        qs = qs.exclude(ethnicity=MAJORITY_ETHNICITY)
    elif ethnicity:
        qs = qs.filter(ethnicity=ethnicity)
    if status:
        qs = qs.filter(status=status)
    folded = fold(query)
    if folded:
        qs = qs.filter(search_name__contains=folded)
    return qs.order_by("sort_key", "id")
