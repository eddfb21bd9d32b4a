"""Reads across relations and roll-ups, each in a fixed number of queries."""

import re
from collections import Counter
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from chuyende.core.scoping import user_scope
from chuyende.core.text import fold

from .choices import MAJORITY_ETHNICITY, MemberStatus, UnitKind
from .models import Member, MemberTally, Unit, UnitTally
from .search import matching

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


# Keyset paging ----------------------------------------------------------------------------------


class RowCompare(Func):
    """`(a, b, …) > (x, y, …)` as one row comparison: a single index range on (a, b, …) on
    PostgreSQL (the OR-of-ANDs Django would write cannot start an index scan at the key)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, columns, values, operator):
        self.operator = operator
        expressions = [F(c) for c in columns] + [Value(v) for v in values]
        super().__init__(*expressions)

    def as_sql(self, compiler, connection, **extra):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, more = compiler.compile(expression)
            parts.append(sql)
            params.extend(more)
        half = len(parts) // 2
        left, right = ", ".join(parts[:half]), ", ".join(parts[half:])
        return f"({left}) {self.operator} ({right})", params


DIGITS = re.compile(r"[0-9]+")


def make_cursor(*values) -> str:
    """An opaque-enough position in a list ordered by `values`: joined with '~'."""
    return "~".join(str(int(v)) if isinstance(v, bool) else str(v) for v in values)


def read_cursor(text, parts: int) -> list[str] | None:
    """The parts of a cursor, or None for anything malformed (the caller shows page one).
    Every part is digits: sort keys are (chuyende.core.text), and so are ids."""
    if not text or len(text) > 600:
        return None
    values = text.split("~")
    if len(values) != parts or not all(DIGITS.fullmatch(v) for v in values):
        return None
    if len(values[-1]) > 18:  # an id beyond a 64-bit integer
        return None
    return values


def _member_key(text) -> tuple[str, int] | None:
    values = read_cursor(text, 2)
    return (values[0], int(values[1])) if values else None


@dataclass
class MemberPage:
    members: list
    next_after: str | None  # cursor of the last row when more follow
    prev_before: str | None  # cursor of the first row when rows come before
    is_first: bool
    count: int | None = None  # the exact number of matches, when the tallies give it

    def __iter__(self):
        return iter(self.members)

    def __len__(self):
        return len(self.members)


def member_page(queryset, *, after="", before="", size=50) -> MemberPage:
    """One page of members in (sort_key, id) order, keyset-paged: `after` / `before` are the
    cursors of the last / first row of the neighbouring page. Deep pages cost what the first
    does. One query: the ids of the page are found on the columns of org_member_sort alone (an
    index-only walk on PostgreSQL), then their rows and units are read."""
    order = ("sort_key", "id")
    before_key = None if after else _member_key(before)
    after_key = _member_key(after)
    if before_key:
        ids = queryset.filter(RowCompare(order, before_key, "<")).order_by("-sort_key", "-id")
    else:
        if after_key:
            queryset = queryset.filter(RowCompare(order, after_key, ">"))
        ids = queryset.order_by(*order)
    rows = list(
        Member.objects.filter(pk__in=ids.values("pk")[: size + 1])
        .select_related("unit")
        .order_by(*order)
    )
    if before_key:
        if len(rows) <= size:  # back at the start: the first page, full, as paging forward
            return member_page(queryset, size=size)
        rows = rows[1:]
        first = make_cursor(rows[0].sort_key, rows[0].pk)
        last = make_cursor(rows[-1].sort_key, rows[-1].pk)
        return MemberPage(rows, last, first, False)
    later = len(rows) > size
    rows = rows[:size]
    next_after = make_cursor(rows[-1].sort_key, rows[-1].pk) if later else None
    prev_before = make_cursor(rows[0].sort_key, rows[0].pk) if after_key and rows else None
    return MemberPage(rows, next_after, prev_before, not after_key)


# Figures -----------------------------------------------------------------------------------------


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


def _figures(member_rows, unit_rows) -> Figures:
    """Figures from (gender, ethnicity, officer, n) rows of active members and (kind, n) rows of
    active units, however many rows share a key."""
    by_gender, by_ethnicity, officers = Counter(), Counter(), 0
    for gender, ethnicity, officer, n in member_rows:
        by_gender[gender] += n
        by_ethnicity[ethnicity] += n
        officers += n if officer else 0
    by_kind = Counter()
    for kind, n in unit_rows:
        by_kind[kind] += n
    kind_labels = dict(UnitKind.choices)
    order = {kind: i for i, (kind, _label) in enumerate(UnitKind.choices)}
    units_by_kind = [
        (kind_labels.get(kind, kind), n)
        for kind, n in sorted(by_kind.items(), key=lambda pair: order.get(pair[0], 99))
        if n
    ]
    ethnicities = sorted(
        ((e, n) for e, n in by_ethnicity.items() if n), key=lambda pair: (-pair[1], pair[0])
    )
    by_gender = {g: n for g, n in by_gender.items() if n}
    total = sum(by_gender.values())
    minority = sum(n for eth, n in ethnicities if eth != MAJORITY_ETHNICITY)
    return Figures(total, by_gender, minority, ethnicities, units_by_kind, officers)


def figures_for(*, member_qs, unit_qs) -> Figures:
    """The same figures counted live from member and unit rows (2 queries, linear in the rows:
    for checks and tests; the pages read the tallies)."""
    officer = ExpressionWrapper(~Q(union_position=""), output_field=BooleanField())
    member_rows = (
        member_qs.filter(status=MemberStatus.ACTIVE)
        .order_by()
        .annotate(officer=officer)
        .values("gender", "ethnicity", "officer")
        .annotate(n=Count("id"))
        .values_list("gender", "ethnicity", "officer", "n")
    )
    unit_rows = (
        unit_qs.filter(active=True)
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return _figures(list(member_rows), list(unit_rows))


TALLY_COLUMNS = ("status", "gender", "ethnicity", "officer", "n")
ACTIVE = MemberStatus.ACTIVE.value


def _under(paths, lookup) -> Q:
    return reduce(or_, [Q(**{f"{lookup}__startswith": p}) for p in paths])


def scope_tally_rows(*, user, unit: Unit | None = None) -> list[tuple] | None:
    """(status, gender, ethnicity, officer, n) rows that add up to the members the user sees
    (`Member.objects.for_user`), within `unit`'s subtree if given, in one query: the tallies of
    the tops of the user's scope, plus the user's own member record where it lies outside.
    None when the tallies cannot say (a unit seen only as the user's own unit)."""
    scope = user_scope(user)
    if unit is not None:
        if not scope.allows("view", unit.path):
            return None
        return list(MemberTally.objects.filter(unit=unit).values_list(*TALLY_COLUMNS))
    if scope.superuser:
        return list(MemberTally.objects.filter(unit__depth=1).values_list(*TALLY_COLUMNS))
    tops = scope.paths_for("view")
    own = Member.objects.filter(user=user).order_by()
    if tops:
        own = own.exclude(_under(tops, "unit__path"))
    own = own.annotate(
        officer=ExpressionWrapper(~Q(union_position=""), output_field=BooleanField()),
        n=Value(1, output_field=IntegerField()),
    ).values_list(*TALLY_COLUMNS)
    if not tops:
        return list(own)
    tallies = MemberTally.objects.filter(unit__path__in=tops).values_list(*TALLY_COLUMNS)
    return list(tallies.union(own, all=True))


def _scope_unit_rows(*, user) -> list[tuple]:
    """(kind, n) rows adding up to the active units the user sees (`Unit.objects.for_user`)."""
    scope = user_scope(user)
    if scope.superuser:
        return list(UnitTally.objects.filter(unit__depth=1).values_list("kind", "n"))
    tops = scope.paths_for("view")
    parts = []
    if tops:
        parts.append(UnitTally.objects.filter(unit__path__in=tops).values_list("kind", "n"))
    own_units = scope.member_unit_paths
    if own_units:
        own = Unit.objects.filter(path__in=own_units, active=True).order_by()
        if tops:
            own = own.exclude(_under(tops, "path"))
        parts.append(own.annotate(n=Value(1, output_field=IntegerField())).values_list("kind", "n"))
    if not parts:
        return []
    return list(parts[0].union(*parts[1:], all=True)) if len(parts) > 1 else list(parts[0])


def _active(rows):
    return [(g, e, bool(o), n) for status, g, e, o, n in rows or () if status == ACTIVE]


def dashboard_figures(*, user) -> Figures:
    """The figures of everything in the user's scope, from the tallies (2 queries)."""
    return _figures(_active(scope_tally_rows(user=user)), _scope_unit_rows(user=user))


def unit_figures(*, unit: Unit) -> Figures:
    """Figures for the unit's whole subtree from its tallies (2 queries); the caller has
    checked the unit is in scope."""
    return _figures(
        _active(MemberTally.objects.filter(unit=unit).values_list(*TALLY_COLUMNS)),
        UnitTally.objects.filter(unit=unit).values_list("kind", "n"),
    )


def member_count(*, user, unit=None, gender="", ethnicity="", status="", query="") -> int | None:
    """The exact number of members a list shows, from the tallies (1 query); None when the
    tallies cannot say (a name search)."""
    if fold(query):
        return None
    rows = scope_tally_rows(user=user, unit=unit)
    if rows is None:
        return None
    total = 0
    for s, g, e, _officer, n in rows:
        if (status and s != status) or (gender and g != gender):
            continue
        if ethnicity == "minority" and e == MAJORITY_ETHNICITY:
            continue
        if ethnicity and ethnicity != "minority" and e != ethnicity:
            continue
        total += n
    return total


# Units below a unit --------------------------------------------------------------------------------

CHILDREN_PER_PAGE = 100


@dataclass
class ChildrenPage:
    children: list
    next_after: str | None
    query: str
    is_first: bool

    def __iter__(self):
        return iter(self.children)

    def __len__(self):
        return len(self.children)

    def __bool__(self):
        return bool(self.children)


def _tally_sum(model, **filters):
    return Coalesce(
        Subquery(
            model.objects.filter(unit=OuterRef("pk"), **filters)
            .order_by()
            .values("unit")
            .annotate(total=Sum("n"))
            .values("total")
        ),
        0,
    )


def children_page(*, unit: Unit, user, after="", query="", size=None) -> ChildrenPage:
    """The unit's children in scope (open ones first, in name order), a page at a time, each
    with its active members and active sub-units from the tallies; one query whatever the
    number of children. `query` narrows them by name (accents ignored)."""
    size = size or CHILDREN_PER_PAGE
    children = Unit.objects.for_user(user).filter(depth=unit.depth + 1, path__startswith=unit.path)
    folded = fold(query)
    if folded:
        children = children.filter(search_name__contains=folded)
    values = read_cursor(after, 3)
    if values and values[0] in ("0", "1"):
        active = values[0] == "1"
        later = Q(active=active) & Q(
            RowCompare(("sort_key", "id"), (values[1], int(values[2])), ">")
        )
        children = children.filter(later | Q(active=False) if active else later)
    else:
        values = None
    rows = list(
        children.annotate(
            member_count=_tally_sum(MemberTally, status=MemberStatus.ACTIVE),
            subtree_units=_tally_sum(UnitTally),
        ).order_by("-active", "sort_key", "id")[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    for child in rows:
        child.descendant_count = child.subtree_units - (1 if child.active else 0)
    last = rows[-1] if rows else None
    next_after = make_cursor(last.active, last.sort_key, last.pk) if more else None
    return ChildrenPage(rows, next_after, query, values is None)


def unit_officers(*, unit: Unit):
    return list(
        Member.objects.filter(unit=unit, status=MemberStatus.ACTIVE)
        .exclude(union_position="")
        .order_by("union_position", "sort_key")
    )


# Sensitive fields ------------------------------------------------------------------------------


def sensitive_allowed(*, user, unit: Unit | None = None) -> bool:
    """Whether a list of members (the screen, its exports, the API) may show and filter by the
    sensitive fields (ethnicity; religion only ever through a reveal): the roles that may
    reveal personal data ("reveal" in chuyende.core.scoping: admin, manager, editor) over every
    member the list can hold — `unit`'s subtree, or without one the whole of the user's scope.
    A viewer, or an officer whose scope reaches where they may only view, sees neither column
    nor filter (a filter by ethnicity would tell each row's ethnicity)."""
    scope = user_scope(user)
    if scope.superuser:
        return True
    if unit is not None:
        return scope.allows("reveal", unit.path)
    tops = scope.paths_for("view")
    return bool(tops) and all(scope.allows("reveal", path) for path in tops)


FEW_UNITS = 200


def member_search(*, user, unit: Unit | None = None, gender="", ethnicity="", status="", query=""):
    """Members in scope matching the filters, in Vietnamese name order.

    When the scope (or the unit asked for) holds only a few units, their ids are named too (one
    query): the database then starts from those units' members instead of walking the name
    index of the whole tree to find them (357 ms -> 5 ms for a grassroots union on SQLite)."""
    qs = Member.objects.for_user(user).select_related("unit")
    units = Unit.objects.for_user(user)
    own = user_scope(user).own_member_path
    if own is not None:  # the user's own record is seen wherever it lies: its unit is named too
        units = units | Unit.objects.filter(path=own)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
        units = units.filter(path__startswith=unit.path)
    few = list(units.order_by().values_list("id", flat=True)[: FEW_UNITS + 1])
    if len(few) <= FEW_UNITS:
        qs = qs.filter(unit_id__in=few)
    if gender:
        qs = qs.filter(gender=gender)
    if ethnicity == "minority":
        qs = qs.exclude(ethnicity=MAJORITY_ETHNICITY)
    elif ethnicity:
        qs = qs.filter(ethnicity=ethnicity)
    if status:
        qs = qs.filter(status=status)
    # a fragment, or a phrase of words (chuyende.org.search: the word index on PostgreSQL)
    qs = matching(qs, query)
    return qs.order_by("sort_key", "id")


def root_member_total() -> int:
    """Members of the whole tree (every status), from the tallies of the top units."""
    from .models import MemberTally

    return MemberTally.objects.filter(unit__depth=1).aggregate(n=Sum("n"))["n"] or 0
