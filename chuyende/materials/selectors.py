"""Reads for the materials library: search, download counts and roll-ups — fixed query counts."""

from django.db.models import Count, Max
from django.db.models.functions import Substr

from chuyende.core.text import fold
from chuyende.org.models import Member, RoleAssignment, Unit
from chuyende.org.selectors import scope_roots
from chuyende.plans.models import Plan, Task

from .models import Material, MaterialDownload

MAX_SUGGESTIONS = 40


def downloader_unit(*, user) -> Unit | None:
    """The unit a download is counted for: the deepest unit where the user holds a role, else
    the unit of their member record (two queries at most)."""
    assignment = (
        RoleAssignment.objects.filter(user=user, unit__active=True)
        .select_related("unit")
        .order_by("-unit__depth", "unit__path")
        .first()
    )
    if assignment is not None:
        return assignment.unit
    member = Member.objects.filter(user=user).select_related("unit").first()
    return member.unit if member is not None else None


def material_search(*, user, plan_id=None, kind="", audience="", query=""):
    """Materials the user may see, newest first, filtered by plan, kind, audience and title
    (accents and case ignored)."""
    qs = Material.objects.for_user(user).select_related("unit", "plan")
    if plan_id:
        qs = qs.filter(plan_id=plan_id)
    if kind:
        qs = qs.filter(kind=kind)
    audience_key = fold(audience).replace("|", " ").strip()
    if audience_key:
        qs = qs.filter(audience_keys__contains=f"|{audience_key}|")
    folded = fold(query)
    if folded:
        qs = qs.filter(search_title__contains=folded)
    return qs.order_by("-created_at", "-id")


def download_totals(*, user, materials) -> dict[int, int]:
    """Downloads of each material counted in the user's scope (their subtree): one query."""
    ids = [m.pk for m in materials]
    if not ids:
        return {}
    return dict(
        MaterialDownload.objects.for_user(user)
        .filter(material_id__in=ids)
        .order_by()
        .values("material_id")
        .annotate(n=Count("id"))
        .values_list("material_id", "n")
    )


def distinct_texts(values) -> list[str]:
    """The texts in their order, without repeats (accents and case ignored)."""
    seen = set()
    result = []
    for value in values:
        key = fold(value)
        if key and key not in seen:
            seen.add(key)
            result.append(value)
    return result


def filter_choices(*, user) -> tuple[list[Plan], list[str]]:
    """The plans and audiences of the materials the user sees, for the list's filters (2 queries)."""
    visible = Material.objects.for_user(user)
    plans = list(
        Plan.objects.for_user(user)
        .filter(pk__in=visible.exclude(plan=None).values("plan_id"))
        .order_by("-issued_on", "-id")
    )
    audiences = distinct_texts(
        a for row in visible.values_list("audiences", flat=True) for a in row
    )
    return plans, sorted(audiences, key=fold)


def audience_suggestions(*, user, plan: Plan | None = None) -> list[str]:
    """Audiences to offer when tagging a material: those of the plan's tasks (or of the tasks of
    every plan the user sees), then those already used on materials (2 queries)."""
    tasks = Task.objects.filter(plan=plan) if plan is not None else Task.objects.for_user(user)
    from_tasks = tasks.order_by("-plan__issued_on", "plan_id", "position").values_list(
        "audiences", flat=True
    )[:200]
    used = Material.objects.for_user(user).values_list("audiences", flat=True)[:200]
    values = [a for row in from_tasks for a in row] + [a for row in used for a in row]
    return distinct_texts(values)[:MAX_SUGGESTIONS]


def stats_start(*, user) -> Unit | None:
    """Where the download roll-up starts: the top unit of the user's scope."""
    return scope_roots(user=user).order_by("depth", "path").first()


EMPTY = {"downloads": 0, "units": 0, "last": None}


def downloads_by_child(*, material: Material, user, unit: Unit):
    """Downloads of a material in `unit`'s subtree, per child unit (each child's whole subtree):
    downloads, units reached out of the active units there, last download. Three queries.

    Returns (own, rows, total): own = the unit's own downloads; rows = [(child, counts)].
    """
    width = (unit.depth + 1) * Unit.steplen
    children = list(
        Unit.objects.for_user(user)
        .filter(path__startswith=unit.path, depth=unit.depth + 1)
        .order_by("-active", "sort_key")
    )
    grouped = (
        MaterialDownload.objects.for_user(user)
        .filter(material=material, unit__path__startswith=unit.path)
        .annotate(prefix=Substr("unit__path", 1, width))
        .order_by()
        .values("prefix")
        .annotate(downloads=Count("id"), units=Count("unit", distinct=True), last=Max("at"))
    )
    by_prefix = {row["prefix"]: row for row in grouped}
    unit_counts = dict(
        Unit.objects.filter(path__startswith=unit.path, depth__gt=unit.depth, active=True)
        .annotate(prefix=Substr("path", 1, width))
        .order_by()
        .values("prefix")
        .annotate(n=Count("id"))
        .values_list("prefix", "n")
    )
    rows = []
    for child in children:
        counts = dict(by_prefix.get(child.path, EMPTY))
        counts["unit_total"] = unit_counts.get(child.path, 0)
        rows.append((child, counts))
    own = by_prefix.get(unit.path, EMPTY)
    total = sum(row["downloads"] for row in by_prefix.values())
    return own, rows, total
