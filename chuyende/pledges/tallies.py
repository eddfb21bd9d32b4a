"""Pledge tallies: the current pledges of a unit's whole subtree, kept on every write.

`PledgeTally` holds, for every unit, its subtree's current pledges (one per member and year) by
(year, status, active member, gender, ethnic minority, final rating, title). The figures page
reads a unit's rows and its children's, the pledge list its status counts: no request counts
pledge rows, at any scale. The same approach as the member tallies (`chuyende.org.tallies`),
whose helpers climb the tree:

- a pledge or an evaluation written through the ORM (`save()`, `delete()`, and the querysets'
  `update()`, `delete()`, `bulk_create()`, hence `bulk_update()`): the member rows concerned are
  locked, the tally keys of the pledges concerned are read before and after the write, and the
  difference is added to the unit and every ancestor, in the same transaction
  (`changing()` / `changed()`);
- writes to members and units (the pledges follow their member): the member tallies tell their
  followers (`chuyende.org.tallies.FOLLOWERS`, which lists this module): a member's unit,
  status, gender or ethnicity changed (`members_changed`), members about to be deleted
  (`members_deleting`), a merged unit's own members moved (`members_moved`), a subtree moved
  (`unit_moved`);
- bulk loads with raw SQL (the demos, the national data set) call `rebuild()`;
  `chuyende pledge_tallies --check` compares the tallies with a live recount.

Locks: whoever changes a pledge's tally key locks its member's row first (the member tallies
lock it for member writes), so a pledge write and a member write never count against each other's
stale rows. Tally rows are written top-down (depth, id), as the member tallies are.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, Q

from chuyende.org import tallies as org_tallies
from chuyende.org.choices import MAJORITY_ETHNICITY, MemberStatus
from chuyende.org.models import Member, Unit
from chuyende.org.tallies import STEP, _chunks

from .models import Evaluation, Pledge, PledgeTally

KEY = ("year", "status", "active", "gender", "minority", "rating", "title")
COLUMNS = ("unit_id", *KEY)
# PostgreSQL types of the columns that are not text (a NULL rating must not decide a type).
TYPES = {
    "unit_id": "bigint",
    "year": "integer",
    "active": "boolean",
    "minority": "boolean",
    "title": "boolean",
    "n": "integer",
}
ACTIVE = MemberStatus.ACTIVE.value

# What a pledge's key is read from: its member's columns, its own, its evaluation's.
PLEDGE_ROW = (
    "member__unit_id",
    "year",
    "status",
    "member__status",
    "member__gender",
    "member__ethnicity",
    "evaluation__final_rating",
    "evaluation__union_title",
)


def key(unit_id, year, status, member_status, gender, ethnicity, rating, title) -> tuple:
    """The tally a current pledge counts in: (unit_id, *KEY)."""
    return (
        unit_id,
        year,
        status,
        member_status == ACTIVE,
        gender,
        ethnicity != MAJORITY_ETHNICITY,
        rating or "",
        bool(title),
    )


def _nonzero(counter: Counter) -> Counter:
    return Counter({k: n for k, n in counter.items() if n})


# Applying deltas ---------------------------------------------------------------------------------


def apply(deltas: Counter) -> None:
    """Add {(unit_id, *KEY): n} to the units named and all their ancestors. A few rows climb
    the tree in SQL (one statement); a batch climbs it in Python first (each ancestor's row
    written once)."""
    org_tallies.upsert_up_the_tree(PledgeTally, KEY, [(*k, n) for k, n in deltas.items()], TYPES)


# Pledge and evaluation writes --------------------------------------------------------------------


@dataclass
class Pending:
    """The tallies of some pledges read before a write (their members locked)."""

    pledge_ids: list
    before: Counter = field(default_factory=Counter)


def snapshot(pledge_ids) -> Counter:
    """The tally keys of these pledges as stored now (the current ones only)."""
    found = Counter()
    for chunk in _chunks(pledge_ids, 5000):
        for *row, n in (
            Pledge.objects.filter(pk__in=chunk, is_current=True)
            .order_by()
            .values_list(*PLEDGE_ROW)
            .annotate(n=Count("id"))
        ):
            found[key(*row)] += n
    return found


def _lock_members(condition: Q) -> None:
    """Lock the member rows (in id order) until the end of the transaction."""
    list(
        Member.objects.select_for_update(of=("self",))
        .filter(condition)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def changing(pledge_ids, member_ids=()) -> Pending:
    """Before a write to these pledges (or their evaluations): lock their members (and the
    members named, for new pledges) and read their tallies."""
    ids = [pk for pk in pledge_ids if pk is not None]
    members = [pk for pk in member_ids if pk is not None]
    if not ids and not members:
        return Pending([])
    for chunk in _chunks(ids, 5000) if ids else [[]]:
        condition = Q(pk__in=Pledge.objects.filter(pk__in=chunk).values("member_id"))
        if members:
            condition |= Q(pk__in=members)
            members = []
        _lock_members(condition)
    return Pending(ids, snapshot(ids))


def changed(pending: Pending, new_ids=()) -> None:
    """After the write: add what changed since `changing()` (new pledges: their ids)."""
    ids = list(dict.fromkeys([*pending.pledge_ids, *(pk for pk in new_ids if pk is not None)]))
    if not ids:
        return
    deltas = snapshot(ids)
    deltas.subtract(pending.before)
    apply(_nonzero(deltas))


def pledge_saving(pledge: Pledge) -> Pending:
    """Before a pledge's save: its member (and a member it is taken from) locked, its stored
    tallies read."""
    if pledge.pk is None:
        return changing([], member_ids=[pledge.member_id])
    members = Q(pk=pledge.member_id) | Q(
        pk__in=Pledge.objects.filter(pk=pledge.pk).values("member_id")
    )
    _lock_members(members)
    return Pending([pledge.pk], snapshot([pledge.pk]))


def evaluation_saving(evaluation: Evaluation) -> Pending:
    """Before an evaluation's save: its pledge's member locked, the pledge's tallies read."""
    ids = [evaluation.pledge_id]
    if evaluation.pk is not None:
        ids += list(Evaluation.objects.filter(pk=evaluation.pk).values_list("pledge_id", flat=True))
    return changing(list(dict.fromkeys(ids)))


# Writes to members and units: this module follows the member tallies ----------------------------


def _member_part(row) -> tuple:
    """(unit_id, member status, gender, ethnicity) of a member tally row (MEMBER_ROW order)."""
    unit_id, status, gender, ethnicity, _position = row
    return unit_id, status, gender, ethnicity


def _counts(unit_id, status, gender, ethnicity):
    """The key of the member's columns given, minus the pledge's part."""
    return unit_id, status == ACTIVE, gender, ethnicity != MAJORITY_ETHNICITY


def members_changed(changes) -> None:
    """Members' tally columns changed: [(member pk, old row, new row)] (rows as
    `chuyende.org.tallies.MEMBER_ROW`; the member rows are locked by the caller). Their current
    pledges leave the old key for the new."""
    moved = {}
    for pk, old, new in changes:
        before, after = _counts(*_member_part(old)), _counts(*_member_part(new))
        if before != after:
            moved[pk] = (before, after)
    if not moved:
        return
    deltas = Counter()
    for chunk in _chunks(sorted(moved), 5000):
        for member_id, year, status, rating, title, n in (
            Pledge.objects.filter(member_id__in=chunk, is_current=True)
            .order_by()
            .values_list(
                "member_id", "year", "status", "evaluation__final_rating", "evaluation__union_title"
            )
            .annotate(n=Count("id"))
        ):
            before, after = moved[member_id]
            pledge = (rating or "", bool(title))
            for (unit_id, active, gender, minority), sign in ((before, -1), (after, 1)):
                deltas[(unit_id, year, status, active, gender, minority, *pledge)] += sign * n
    apply(_nonzero(deltas))


def members_deleting(members) -> None:
    """Before these members are deleted (a member queryset): their pledges go with them."""
    _lock_members(Q(pk__in=members.order_by().values("pk")))
    deltas = Counter()
    for *row, n in (
        Pledge.objects.filter(member__in=members.order_by().values("pk"), is_current=True)
        .order_by()
        .values_list(*PLEDGE_ROW)
        .annotate(n=Count("id"))
    ):
        deltas[key(*row)] -= n
    apply(_nonzero(deltas))


def _own_rows(unit) -> Counter:
    """The tallies of the unit's own members' pledges: its rows minus its children's."""
    rows = Counter()
    for unit_id, *k, n in PledgeTally.objects.filter(
        Q(unit=unit) | Q(unit__path__startswith=unit.path, unit__depth=unit.depth + 1)
    ).values_list(*COLUMNS, "n"):
        rows[tuple(k)] += n if unit_id == unit.pk else -n
    return _nonzero(rows)


def members_moved(source, target) -> None:
    """All of source's own members were moved to target (a merge, one UPDATE)."""
    deltas = Counter()
    for k, n in _own_rows(source).items():
        deltas[(source.pk, *k)] -= n
        deltas[(target.pk, *k)] += n
    apply(_nonzero(deltas))


def unit_moved(pk, old_parent, new_parent) -> None:
    """A subtree moved from under old_parent to under new_parent: its totals move along."""
    org_tallies.subtree_moved(PledgeTally, KEY, TYPES, pk, old_parent, new_parent)


# Full recount ------------------------------------------------------------------------------------


BUILD = "pledge_tally_build"  # a temporary table the recount works in


def rebuild() -> dict:
    """Recount every tally from the pledge, member and evaluation rows: own counts per unit, then
    one statement per tree level adding each level to the level above, in a temporary table;
    the tallies are then written in (unit, key) order, so that each unit's rows share a page or
    two (the list of unions below the threshold reads a few rows of thousands of units). For
    bulk loads; the pledge, evaluation and member tables are locked against writes (not reads)
    meanwhile on PostgreSQL, and the tally table is analysed after."""
    q = connection.ops.quote_name
    units = q(Unit._meta.db_table)
    members, pledges = q(Member._meta.db_table), q(Pledge._meta.db_table)
    evaluations, table = q(Evaluation._meta.db_table), q(PledgeTally._meta.db_table)
    columns = ", ".join(q(c) for c in COLUMNS)
    key_cols = ", ".join(q(c) for c in KEY)
    t_cols = ", ".join(f"t.{q(c)}" for c in KEY)
    own = (
        f"m.{q('unit_id')}, p.{q('year')}, p.{q('status')}, m.{q('status')} = %s,"
        f" m.{q('gender')}, m.{q('ethnicity')} <> %s, COALESCE(e.{q('final_rating')}, ''),"
        f" COALESCE(e.{q('union_title')}, FALSE)"
    )
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            cursor.execute(f"LOCK TABLE {pledges}, {evaluations}, {members} IN SHARE MODE")
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(f"DROP TABLE IF EXISTS {BUILD}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {BUILD} ({q('unit_id')} bigint NOT NULL,"
            f" {q('year')} integer NOT NULL, {q('status')} varchar(10) NOT NULL,"
            f" {q('active')} boolean NOT NULL, {q('gender')} varchar(10) NOT NULL,"
            f" {q('minority')} boolean NOT NULL, {q('rating')} varchar(20) NOT NULL,"
            f" {q('title')} boolean NOT NULL, {q('n')} integer NOT NULL)"
        )
        cursor.execute(f"CREATE UNIQUE INDEX {BUILD}_key ON {BUILD} ({columns})")
        cursor.execute(
            f"INSERT INTO {BUILD} ({columns}, {q('n')})"
            f" SELECT {own}, COUNT(*) FROM {pledges} p"
            f" JOIN {members} m ON m.id = p.{q('member_id')}"
            f" LEFT JOIN {evaluations} e ON e.{q('pledge_id')} = p.id"
            f" WHERE p.{q('is_current')} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8",
            [ACTIVE, MAJORITY_ETHNICITY],
        )
        cursor.execute(f"SELECT MAX(depth) FROM {units}")
        deepest = cursor.fetchone()[0] or 0
        for depth in range(deepest, 1, -1):
            cursor.execute(
                f"INSERT INTO {BUILD} ({q('unit_id')}, {key_cols}, {q('n')})"
                f" SELECT p.id, {t_cols}, SUM(t.n) FROM {BUILD} t"
                f" JOIN {units} c ON c.id = t.unit_id"
                f" JOIN {units} p ON p.path = SUBSTR(c.path, 1, {(depth - 1) * STEP})"
                f" WHERE c.depth = %s GROUP BY p.id, {t_cols}"
                f" ON CONFLICT ({q('unit_id')}, {key_cols})"
                f" DO UPDATE SET n = {BUILD}.n + excluded.n",
                [depth],
            )
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(
            f"INSERT INTO {table} ({columns}, {q('n')}) SELECT {columns}, {q('n')}"
            f" FROM {BUILD} ORDER BY {columns}"
        )
        cursor.execute(f"DROP TABLE {BUILD}")
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        rows = cursor.fetchone()[0]
        if postgres:  # the planner's statistics of the new rows, for the pages' plans
            cursor.execute(f"ANALYZE {table}")
    return {"pledge_tally_rows": rows}


# Checking ----------------------------------------------------------------------------------------


def live() -> Counter:
    """The tallies as a live recount computes them, rolled up the tree in Python (an
    implementation independent of the SQL above, to check it)."""
    paths = dict(Unit.objects.order_by().values_list("id", "path"))
    by_path = {path: pk for pk, path in paths.items()}
    found = Counter()
    for unit_id, *rest, n in (
        Pledge.objects.filter(is_current=True)
        .order_by()
        .values_list(*PLEDGE_ROW)
        .annotate(n=Count("id"))
        .iterator(chunk_size=10000)
    ):
        own = key(unit_id, *rest)[1:]
        path = paths.get(unit_id, "")
        for end in range(STEP, len(path) + 1, STEP):
            found[(by_path[path[:end]], *own)] += n
    return found


def stored() -> Counter:
    return Counter(
        {
            (unit_id, *k): n
            for unit_id, *k, n in PledgeTally.objects.exclude(n=0)
            .values_list(*COLUMNS, "n")
            .iterator(chunk_size=10000)
        }
    )


def differences() -> list[tuple[tuple, int, int]]:
    """[(key, stored n, live n)] wherever the tallies and a live recount disagree."""
    have, want = stored(), live()
    return [
        (k, have.get(k, 0), want.get(k, 0))
        for k in sorted(set(have) | set(want), key=repr)
        if have.get(k, 0) != want.get(k, 0)
    ]
