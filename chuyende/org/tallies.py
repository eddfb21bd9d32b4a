"""Member and unit tallies: counts of a unit's whole subtree, kept on every write.

`MemberTally` holds, for every unit, its subtree's members by (status, gender, ethnicity,
officer); `UnitTally` its subtree's active units by kind (the unit itself included). A unit's
figures are its own few rows and its children's counts are the children's rows: no request
counts member rows, at any scale.

How the tallies stay right:
- single rows: `Member.save()`/`delete()` and `Unit.save()` read the stored row (locked) and add
  the difference, in the same transaction as the write; services, the admin, the unit import
  (treebeard's add_child saves) and test fixtures all pass there;
- subtrees: `Unit.objects.move()` (treebeard) moves a unit's tally rows from its old ancestors to
  its new ones; deleting units takes their tallies off their ancestors;
- bulk writes call this module: the merge service for the members it moves with one UPDATE, the
  member import for its COPY and bulk updates (`member_deltas`, `bulk_update_deltas`, `apply`);
- bulk loads (the demo, the national data set) call `rebuild()`; `chuyende org_tallies --check`
  compares the tallies with a live recount.

A delta for a unit is added to the unit and every ancestor in one statement per 500 keys:
INSERT … SELECT … ON CONFLICT DO UPDATE SET n = n + excluded.n (SQLite and PostgreSQL). Two
transactions adding to the same unit both count: the second waits for the first's row lock and
adds to the committed value. Rows are written top-down (depth, id) so that transactions touching
the same ancestors lock them in the same order.
"""

from collections import Counter
from itertools import islice

from django.db import connection, transaction
from django.db.models import Count

from .models import Member, MemberTally, Unit, UnitTally

STEP = Unit.steplen
MAX_DEPTH = Unit._meta.get_field("path").max_length // STEP
CHUNK = 500
FEW = 50  # up to this many rows, the ancestors are found in SQL (index lookups)

# Member columns a tally depends on; a save touching none of them leaves the tallies alone.
MEMBER_ROW = ("unit_id", "status", "gender", "ethnicity", "union_position")
MEMBER_FIELDS = frozenset({"unit", *MEMBER_ROW})
MEMBER_KEY = ("status", "gender", "ethnicity", "officer")
UNIT_ROW = ("kind", "active")
UNIT_FIELDS = frozenset(UNIT_ROW)
UNIT_KEY = ("kind",)


# Followers: other apps' tallies that count rows under their member's unit and by the member's
# columns (chuyende.pledges.tallies). Each app's ready() appends a module or object with these
# functions, called here in the writing transaction:
#   members_changed([(pk, old row, new row)])  rows as MEMBER_ROW; the members' own rows locked
#   members_deleting(member queryset)            before those members are deleted
#   members_moved(source, target)                after all of source's own members went to target
#   unit_moved(pk, old parent id, new parent id) after a subtree moved
FOLLOWERS: list = []


def _tell(event: str, *args) -> None:
    for follower in FOLLOWERS:
        getattr(follower, event)(*args)


def members_deleting(queryset) -> None:
    """Before deleting these members (Member.delete() and the queryset's delete())."""
    _tell("members_deleting", queryset)


def _chunks(items, size=CHUNK):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def member_key(unit_id, status, gender, ethnicity, union_position) -> tuple:
    """The tally a member row counts in: (unit_id, status, gender, ethnicity, officer)."""
    return (unit_id, status, gender, ethnicity, bool(union_position))


# Applying deltas ---------------------------------------------------------------------------------


# PostgreSQL types of the tally columns that are not text (other tables pass their own).
TYPES = {"officer": "boolean", "unit_id": "bigint", "n": "integer"}


def upsert_up_the_tree(model, key_columns, rows, types=None) -> None:
    """Add each row's n to the tally of its unit and of every ancestor of that unit.

    rows: [(unit_id, *key, n)], n negative to subtract. A few rows (a member's save, a move)
    climb the tree in SQL, one statement; a batch (an import) climbs it in Python first, so
    that each ancestor's row is written once rather than once per unit below it. `types`: the
    PostgreSQL types of the columns that are not text (a NULL or a boolean in the first row
    must not decide a column's type)."""
    types = TYPES if types is None else types
    rows = [row for row in rows if row[-1]]
    if not rows:
        return
    if len(rows) > FEW:
        _upsert(model, key_columns, _climbed(rows), types)
        return
    q = connection.ops.quote_name
    table, units = q(model._meta.db_table), q(Unit._meta.db_table)
    columns = ["unit_id", *key_columns, "n"]
    keys = ", ".join(f"d.{q(c)}" for c in key_columns)
    depths = ", ".join(f"({depth})" for depth in range(1, MAX_DEPTH + 1))
    if connection.vendor == "postgresql":
        marks = [f"%s::{types.get(c, 'text')}" for c in columns]
    else:
        marks = ["%s"] * len(columns)
    row_marks = "(" + ", ".join(marks) + ")"
    for chunk in _chunks(rows):
        sql = (
            f"WITH d ({', '.join(q(c) for c in columns)})"
            f" AS (VALUES {', '.join([row_marks] * len(chunk))}),"
            f" k (depth) AS (VALUES {depths})"
            f" INSERT INTO {table} ({', '.join(q(c) for c in columns)})"
            f" SELECT a.id, {keys}, SUM(d.n) FROM d"
            f" JOIN {units} u ON u.id = d.unit_id"
            " JOIN k ON k.depth <= u.depth"
            f" JOIN {units} a ON a.path = SUBSTR(u.path, 1, k.depth * {STEP})"
            # WHERE: SQLite's parser needs it before an upsert on INSERT … SELECT
            f" WHERE 1 = 1 GROUP BY a.depth, a.id, {keys} HAVING SUM(d.n) <> 0"
            " ORDER BY a.depth, a.id"
            f" ON CONFLICT ({', '.join(q(c) for c in ['unit_id', *key_columns])})"
            f" DO UPDATE SET n = {table}.n + excluded.n"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for row in chunk for value in row])


def subtree_moved(model, key_columns, types, pk, old_parent, new_parent) -> None:
    """A follower's tallies when the subtree of unit `pk` moved from under old_parent to under
    new_parent: the subtree's totals (its top's rows) leave the old ancestors for the new."""
    if old_parent == new_parent:
        return
    deltas = Counter()
    for _unit, *k, n in (
        model.objects.filter(unit_id=pk).exclude(n=0).values_list("unit_id", *key_columns, "n")
    ):
        for parent, sign in ((old_parent, -1), (new_parent, 1)):
            if parent is not None:
                deltas[(parent, *k)] += sign * n
    upsert_up_the_tree(model, key_columns, [(*k, n) for k, n in deltas.items() if n], types)


def _climbed(rows) -> list[tuple]:
    """The rows added up for each unit and every ancestor, top-down: [(unit_id, *key, n)]."""
    paths = {}
    for chunk in _chunks(sorted({row[0] for row in rows}), 5000):
        paths.update(Unit.objects.filter(pk__in=chunk).order_by().values_list("pk", "path"))
    wanted = {p[:end] for p in paths.values() for end in range(STEP, len(p) + 1, STEP)}
    ids = {}
    for chunk in _chunks(sorted(wanted), 5000):
        ids.update(Unit.objects.filter(path__in=chunk).order_by().values_list("path", "pk"))
    totals = Counter()
    for unit_id, *key, n in rows:
        path = paths.get(unit_id)
        if path is None:  # the unit is gone
            continue
        for end in range(STEP, len(path) + 1, STEP):
            totals[(end, ids[path[:end]], *key)] += n
    return [(pk, *key, n) for (_depth, pk, *key), n in sorted(totals.items()) if n]


def _upsert(model, key_columns, rows, types) -> None:
    """Add n to each (unit_id, *key) tally row, creating it if missing."""
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    columns = ", ".join(q(c) for c in ["unit_id", *key_columns, "n"])
    conflict = ", ".join(q(c) for c in ["unit_id", *key_columns])
    if connection.vendor == "postgresql":
        # one array per column: a statement of fixed size, whatever the number of rows
        arrays = ", ".join(f"%s::{types.get(c, 'text')}[]" for c in ["unit_id", *key_columns, "n"])
        for chunk in _chunks(rows, 20000):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays})"
                    f" ON CONFLICT ({conflict}) DO UPDATE SET n = {table}.n + excluded.n",
                    [list(column) for column in zip(*chunk, strict=True)],
                )
        return
    row_marks = "(" + ", ".join(["%s"] * (len(key_columns) + 2)) + ")"
    for chunk in _chunks(rows, 2000):
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_marks] * len(chunk))}"
                f" ON CONFLICT ({conflict}) DO UPDATE SET n = {table}.n + excluded.n",
                [value for row in chunk for value in row],
            )


def apply(members: Counter | None = None, units: Counter | None = None) -> None:
    """Add member deltas {(unit_id, status, gender, ethnicity, officer): n} and unit deltas
    {(unit_id, kind): n} to the units named and all their ancestors."""
    if members:
        upsert_up_the_tree(MemberTally, MEMBER_KEY, [(*k, n) for k, n in members.items()])
    if units:
        upsert_up_the_tree(UnitTally, UNIT_KEY, [(*k, n) for k, n in units.items()])


# Members -----------------------------------------------------------------------------------------


def member_row(pk) -> tuple | None:
    """The stored tally columns of a member, locked until the end of the transaction."""
    if pk is None:
        return None
    rows = list(
        Member.objects.select_for_update().filter(pk=pk).order_by().values_list(*MEMBER_ROW)[:1]
    )
    return rows[0] if rows else None


def _row_after(old: tuple, member, fields) -> tuple:
    """The member's stored row after saving `fields` (None: every field) of the instance."""
    if fields is None or old is None:
        return tuple(getattr(member, name) for name in MEMBER_ROW)
    saved = {"unit_id" if f == "unit" else f for f in fields}
    return tuple(
        getattr(member, name) if name in saved else value
        for name, value in zip(MEMBER_ROW, old, strict=True)
    )


def member_saved(old: tuple | None, member, fields) -> None:
    """Called by Member.save()/delete() after the write: old row → the instance (None: deleted)."""
    deltas = Counter()
    new = None
    if old is not None:
        deltas[member_key(*old)] -= 1
    if member is not None:
        new = _row_after(old, member, fields)
        deltas[member_key(*new)] += 1
    apply(members=_nonzero(deltas))
    if old is not None and new is not None and tuple(old) != tuple(new):
        _tell("members_changed", [(member.pk, old, new)])


def _nonzero(counter: Counter) -> Counter:
    return Counter({k: n for k, n in counter.items() if n})


def member_deltas(rows) -> Counter:
    """+1 for each new member row given as a dict of columns (the import's COPY rows)."""
    deltas = Counter()
    for row in rows:
        deltas[member_key(*(row[name] for name in MEMBER_ROW))] += 1
    return deltas


def bulk_update_deltas(members, fields) -> Counter:
    """What writing `fields` of these in-memory members over their stored rows changes.

    Call before the bulk update: the stored rows are read (and locked) as they are now."""
    saved = {"unit_id" if f == "unit" else f for f in fields}
    deltas = Counter()
    if not saved & set(MEMBER_ROW):
        return deltas
    stored = {}
    for chunk in _chunks([m.pk for m in members], 5000):
        for pk, *row in (
            Member.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by()
            .values_list("pk", *MEMBER_ROW)
        ):
            stored[pk] = tuple(row)
    changes = []
    for member in members:
        old = stored.get(member.pk)
        if old is None:
            continue
        new = _row_after(old, member, saved)
        deltas[member_key(*old)] -= 1
        deltas[member_key(*new)] += 1
        if old != new:
            changes.append((member.pk, old, new))
    if changes:  # the followers' rows of these members are unchanged: told now
        _tell("members_changed", changes)
    return _nonzero(deltas)


def own_member_rows(unit) -> list[tuple]:
    """The unit's own members (not its subtree's) by tally key: [(status, gender, ethnicity,
    union_position, n)]; for a bulk UPDATE that moves them."""
    return list(
        Member.objects.filter(unit=unit)
        .order_by()
        .values_list("status", "gender", "ethnicity", "union_position")
        .annotate(n=Count("id"))
    )


def members_moved(rows, source, target) -> None:
    """The members counted by `own_member_rows(source)` now belong to target."""
    deltas = Counter()
    for status, gender, ethnicity, position, n in rows:
        deltas[member_key(source.pk, status, gender, ethnicity, position)] -= n
        deltas[member_key(target.pk, status, gender, ethnicity, position)] += n
    apply(members=_nonzero(deltas))
    _tell("members_moved", source, target)


# Units -------------------------------------------------------------------------------------------


def unit_row(pk) -> tuple | None:
    rows = list(
        Unit.objects.select_for_update().filter(pk=pk).order_by().values_list(*UNIT_ROW)[:1]
    )
    return rows[0] if rows else None


def unit_saved(old: tuple | None, unit, fields) -> None:
    """Called by Unit.save() after the write."""
    deltas = Counter()
    if old is not None:
        kind, active = old
        if active:
            deltas[(unit.pk, kind)] -= 1
        if fields is not None:
            saved = set(fields)
            kind = unit.kind if "kind" in saved else kind
            active = unit.active if "active" in saved else active
        else:
            kind, active = unit.kind, unit.active
    else:
        kind, active = unit.kind, unit.active
    if active:
        deltas[(unit.pk, kind)] += 1
    apply(units=_nonzero(deltas))


def _parent_ids(unit_ids) -> dict:
    """{unit id: its parent's id (None for a root)}, from the paths stored now."""
    if not unit_ids:
        return {}
    q = connection.ops.quote_name
    units = q(Unit._meta.db_table)
    marks = ", ".join(["%s"] * len(unit_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT u.id, p.id FROM {units} u LEFT JOIN {units} p"
            f" ON p.path = SUBSTR(u.path, 1, LENGTH(u.path) - {STEP}) AND u.depth > 1"
            f" WHERE u.id IN ({marks})",
            list(unit_ids),
        )
        return dict(cursor.fetchall())


def _subtree_rows(unit_ids) -> tuple[list, list]:
    """The tally rows of these units (their whole subtrees)."""
    members = list(
        MemberTally.objects.filter(unit_id__in=unit_ids)
        .exclude(n=0)
        .values_list("unit_id", *MEMBER_KEY, "n")
    )
    units = list(
        UnitTally.objects.filter(unit_id__in=unit_ids)
        .exclude(n=0)
        .values_list("unit_id", *UNIT_KEY, "n")
    )
    return members, units


def _carry(rows, parents, sign, into: Counter) -> None:
    """Add sign × each row of a subtree to its (old or new) parent."""
    for unit_id, *key, n in rows:
        parent = parents.get(unit_id)
        if parent is not None:
            into[(parent, *key)] += sign * n


def before_move(node) -> tuple:
    return node.pk, _parent_ids([node.pk]).get(node.pk)


def after_move(moving) -> None:
    pk, old_parent = moving
    new_parent = _parent_ids([pk]).get(pk)
    if old_parent == new_parent:
        return
    members, units = _subtree_rows([pk])
    member_deltas_, unit_deltas = Counter(), Counter()
    _carry(members, {pk: old_parent}, -1, member_deltas_)
    _carry(members, {pk: new_parent}, +1, member_deltas_)
    _carry(units, {pk: old_parent}, -1, unit_deltas)
    _carry(units, {pk: new_parent}, +1, unit_deltas)
    apply(_nonzero(member_deltas_), _nonzero(unit_deltas))
    _tell("unit_moved", pk, old_parent, new_parent)


def before_units_deleted(queryset) -> tuple[Counter, Counter]:
    """The tallies that deleting these units (and their subtrees) takes off their ancestors."""
    tops = []
    for pk, path in queryset.order_by("depth", "path").values_list("pk", "path"):
        if not any(path.startswith(top) for _pk, top in tops):
            tops.append((pk, path))
    if not tops:
        return Counter(), Counter()
    ids = [pk for pk, _path in tops]
    parents = _parent_ids(ids)
    members, units = _subtree_rows(ids)
    member_deltas_, unit_deltas = Counter(), Counter()
    _carry(members, parents, -1, member_deltas_)
    _carry(units, parents, -1, unit_deltas)
    return _nonzero(member_deltas_), _nonzero(unit_deltas)


def after_units_deleted(removed) -> None:
    apply(*removed)


# Full recount ------------------------------------------------------------------------------------


def rebuild() -> dict:
    """Recount every tally from the member and unit rows: own counts per unit, then one
    statement per tree level adding each level to the level above. For bulk loads; the member
    and unit tables are locked against writes (not reads) meanwhile on PostgreSQL."""
    q = connection.ops.quote_name
    units = q(Unit._meta.db_table)
    members = q(Member._meta.db_table)
    mt, ut = q(MemberTally._meta.db_table), q(UnitTally._meta.db_table)
    member_cols = ", ".join(q(c) for c in MEMBER_KEY)
    member_t_cols = ", ".join(f"t.{q(c)}" for c in MEMBER_KEY)
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            cursor.execute(f"LOCK TABLE {members}, {units} IN SHARE MODE")
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(f"DELETE FROM {mt}")
        cursor.execute(f"DELETE FROM {ut}")
        cursor.execute(
            f"INSERT INTO {mt} ({q('unit_id')}, {member_cols}, {q('n')})"
            f" SELECT {q('unit_id')}, {q('status')}, {q('gender')}, {q('ethnicity')},"
            f" {q('union_position')} <> '', COUNT(*) FROM {members}"
            f" GROUP BY {q('unit_id')}, {q('status')}, {q('gender')}, {q('ethnicity')},"
            f" {q('union_position')} <> ''"
        )
        cursor.execute(
            f"INSERT INTO {ut} ({q('unit_id')}, {q('kind')}, {q('n')})"
            f" SELECT id, {q('kind')}, 1 FROM {units} WHERE {q('active')}"
        )
        cursor.execute(f"SELECT MAX(depth) FROM {units}")
        deepest = cursor.fetchone()[0] or 0
        for depth in range(deepest, 1, -1):
            for table, key_cols, t_cols in (
                (mt, member_cols, member_t_cols),
                (ut, q("kind"), f"t.{q('kind')}"),
            ):
                cursor.execute(
                    f"INSERT INTO {table} ({q('unit_id')}, {key_cols}, {q('n')})"
                    f" SELECT p.id, {t_cols}, SUM(t.n) FROM {table} t"
                    f" JOIN {units} c ON c.id = t.unit_id"
                    f" JOIN {units} p ON p.path = SUBSTR(c.path, 1, {(depth - 1) * STEP})"
                    f" WHERE c.depth = %s GROUP BY p.id, {t_cols}"
                    f" ON CONFLICT ({q('unit_id')}, {key_cols})"
                    f" DO UPDATE SET n = {table}.n + excluded.n",
                    [depth],
                )
        cursor.execute(f"SELECT COUNT(*) FROM {mt}")
        member_rows = cursor.fetchone()[0]
        cursor.execute(f"SELECT COUNT(*) FROM {ut}")
        unit_rows = cursor.fetchone()[0]
    return {"member_tally_rows": member_rows, "unit_tally_rows": unit_rows}


# Checking ----------------------------------------------------------------------------------------


def live() -> tuple[Counter, Counter]:
    """The tallies as a live recount computes them, rolled up the tree in Python (an
    implementation independent of the SQL above, to check it)."""
    paths = dict(Unit.objects.order_by().values_list("id", "path"))
    by_path = {path: pk for pk, path in paths.items()}

    def up(unit_id):
        path = paths.get(unit_id, "")
        return [by_path[path[:end]] for end in range(STEP, len(path) + 1, STEP)]

    members = Counter()
    for unit_id, status, gender, ethnicity, position, n in (
        Member.objects.order_by()
        .values_list(*MEMBER_ROW)
        .annotate(n=Count("id"))
        .values_list(*MEMBER_ROW, "n")
    ):
        for ancestor in up(unit_id):
            members[(ancestor, status, gender, ethnicity, bool(position))] += n
    units = Counter()
    for unit_id, kind in Unit.objects.filter(active=True).order_by().values_list("id", "kind"):
        for ancestor in up(unit_id):
            units[(ancestor, kind)] += 1
    return members, units


def stored() -> tuple[Counter, Counter]:
    members = Counter(
        {
            (unit_id, *key): n
            for unit_id, *key, n in MemberTally.objects.exclude(n=0).values_list(
                "unit_id", *MEMBER_KEY, "n"
            )
        }
    )
    units = Counter(
        {
            (unit_id, kind): n
            for unit_id, kind, n in UnitTally.objects.exclude(n=0).values_list(
                "unit_id", "kind", "n"
            )
        }
    )
    return members, units


def differences() -> list[tuple[str, tuple, int, int]]:
    """[(table, key, stored n, live n)] wherever the tallies and a live recount disagree."""
    found = []
    for table, have, want in zip(("members", "units"), stored(), live(), strict=True):
        for key in sorted(set(have) | set(want), key=repr):
            if have.get(key, 0) != want.get(key, 0):
                found.append((table, key, have.get(key, 0), want.get(key, 0)))
    return found
