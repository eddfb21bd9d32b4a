"""Open-assignment tallies: the open assignments of a unit's whole subtree by due date, kept on
every write.

`AssignmentTally` holds, for every unit, the assignments of its subtree that are not done and
have a due date, counted by due date. "Overdue" depends on the day, so it is never stored: the
assignments overdue in a subtree today are the tally rows of its unit dated before today (a few
rows: plans set a handful of due dates). The reports dashboard's overdue box reads them instead
of counting the nation's open assignments on each request (263,893 rows at national scale). The
same approach as the member and pledge tallies (`chuyende.org.tallies`, whose upsert climbs the
tree):

- an assignment written through the ORM (`save()`, the querysets' `update()` and
  `bulk_create()`, hence `bulk_update()`): the rows concerned are locked, their tally keys read
  before and after the write, and the difference is added to the unit and every ancestor, in
  the same transaction (`changing()` / `changed()`);
- an assignment deleted, however (its own `delete()`, a queryset's, or a plan, a task or a
  parent assignment deleted with it): each row is taken off as Django deletes it (`pre_delete`,
  connected in the app's ready());
- a subtree moved (`Unit.objects.move`): the member tallies tell their followers
  (`chuyende.org.tallies.FOLLOWERS`, which lists this module) and the subtree's counts move to
  the new ancestors. Units with assignments cannot be deleted (the assignment protects them);
- bulk loads with raw SQL (the national data set) call `rebuild()`; `chuyende
  assignment_tallies --check` compares the tallies with a live recount.
"""

from collections import Counter

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from chuyende.org import tallies as org_tallies
from chuyende.org.models import Unit
from chuyende.org.tallies import STEP, _chunks

from .choices import AssignmentStatus
from .models import Assignment, AssignmentTally

KEY = ("due_on",)
COLUMNS = ("unit_id", *KEY)
# PostgreSQL types of the columns that are not text.
TYPES = {"unit_id": "bigint", "due_on": "date", "n": "integer"}
DONE = AssignmentStatus.DONE.value
# An assignment counts when it is open and has a due date (only those can fall overdue).
COUNTED = ~Q(status=DONE) & Q(due_on__isnull=False)


def _nonzero(counter: Counter) -> Counter:
    return Counter({k: n for k, n in counter.items() if n})


def apply(deltas: Counter) -> None:
    """Add {(unit_id, due_on): n} to the units named and all their ancestors."""
    org_tallies.upsert_up_the_tree(
        AssignmentTally, KEY, [(*k, n) for k, n in deltas.items()], TYPES
    )


# Assignment writes ----------------------------------------------------------------------------


def snapshot(pks, lock=False) -> Counter:
    """{(unit_id, due_on): n} of these assignments as stored now (the counted ones only);
    `lock`: their rows stay locked until the end of the transaction."""
    found = Counter()
    for chunk in _chunks(sorted(pk for pk in pks if pk is not None), 5000):
        rows = Assignment.objects.filter(pk__in=chunk).order_by("pk")
        if lock:
            rows = rows.select_for_update()
        for unit_id, due_on, status in rows.values_list("unit_id", "due_on", "status"):
            if status != DONE and due_on is not None:
                found[(unit_id, due_on)] += 1
    return found


class Pending:
    """The tallies of some assignments read before a write (their rows locked)."""

    def __init__(self, pks):
        self.pks = [pk for pk in pks if pk is not None]
        self.before = snapshot(self.pks, lock=True)


def changing(pks) -> Pending:
    return Pending(pks)


def changed(pending: Pending, new_pks=()) -> None:
    """After the write: add what changed since `changing()` (new assignments: their ids)."""
    pks = list(dict.fromkeys([*pending.pks, *(pk for pk in new_pks if pk is not None)]))
    if not pks:
        return
    deltas = snapshot(pks)
    deltas.subtract(pending.before)
    apply(_nonzero(deltas))


def deleting(assignment) -> None:
    """`pre_delete` of an assignment (whatever deletes it): its row, locked, leaves the tallies."""
    before = snapshot([assignment.pk], lock=True)
    apply(_nonzero(Counter({k: -n for k, n in before.items()})))


# Writes to units: this module follows the member tallies --------------------------------------


def members_changed(changes) -> None:
    """Members' units or columns changed: assignments do not follow members."""


def members_deleting(members) -> None:
    """Members about to be deleted: nothing of theirs is counted here."""


def members_moved(source, target) -> None:
    """A merge moved source's own members: its assignments stay with it."""


def unit_moved(pk, old_parent, new_parent) -> None:
    """A subtree moved from under old_parent to under new_parent: its totals move along."""
    org_tallies.subtree_moved(AssignmentTally, KEY, TYPES, pk, old_parent, new_parent)


# Reading --------------------------------------------------------------------------------------


def overdue_by_date(paths, today) -> list[tuple]:
    """[(due date, n)], earliest first, of the open assignments due before `today` in the
    subtrees of the units at these paths (disjoint subtrees: their tallies add up), from their
    tally rows: one query, a few rows (plans set a handful of due dates)."""
    if not paths:
        return []
    return list(
        AssignmentTally.objects.filter(unit__path__in=list(paths), due_on__lt=today)
        .values("due_on")
        .annotate(total=Sum("n"))
        .filter(total__gt=0)
        .order_by("due_on")
        .values_list("due_on", "total")
    )


# Full recount ---------------------------------------------------------------------------------


def rebuild() -> dict:
    """Recount every tally from the assignment rows: own counts per unit, then one statement per
    tree level adding each level to the level above. For bulk loads; the assignment table is
    locked against writes (not reads) meanwhile on PostgreSQL."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {Assignment._meta.db_table} IN SHARE MODE")
        return {"assignment_tally_rows": recount(cursor)}


def recount(cursor) -> int:
    """The statements of the recount, also run by the migration that created the table (hence
    plain table names); returns the number of tally rows."""
    table = "plans_assignmenttally"
    cursor.execute(f"DELETE FROM {table}")
    cursor.execute(
        f"INSERT INTO {table} (unit_id, due_on, n) SELECT unit_id, due_on, COUNT(*)"
        " FROM plans_assignment WHERE status <> %s AND due_on IS NOT NULL"
        " GROUP BY unit_id, due_on",
        [DONE],
    )
    cursor.execute("SELECT MAX(depth) FROM org_unit")
    deepest = cursor.fetchone()[0] or 0
    for depth in range(deepest, 1, -1):
        cursor.execute(
            f"INSERT INTO {table} (unit_id, due_on, n)"
            f" SELECT p.id, t.due_on, SUM(t.n) FROM {table} t"
            " JOIN org_unit c ON c.id = t.unit_id"
            f" JOIN org_unit p ON p.path = SUBSTR(c.path, 1, {(depth - 1) * STEP})"
            " WHERE c.depth = %s GROUP BY p.id, t.due_on"
            f" ON CONFLICT (unit_id, due_on) DO UPDATE SET n = {table}.n + excluded.n",
            [depth],
        )
    cursor.execute(f"SELECT COUNT(*) FROM {table}")
    return cursor.fetchone()[0]


# Checking -------------------------------------------------------------------------------------


def live() -> Counter:
    """The tallies as a live recount computes them, rolled up the tree in Python (an
    implementation independent of the SQL above, to check it)."""
    paths = dict(Unit.objects.order_by().values_list("id", "path"))
    by_path = {path: pk for pk, path in paths.items()}
    found = Counter()
    for unit_id, due_on, n in (
        Assignment.objects.filter(COUNTED)
        .order_by()
        .values_list("unit_id", "due_on")
        .annotate(n=Count("id"))
        .values_list("unit_id", "due_on", "n")
    ):
        path = paths.get(unit_id, "")
        for end in range(STEP, len(path) + 1, STEP):
            found[(by_path[path[:end]], due_on)] += n
    return found


def stored() -> Counter:
    return Counter(
        {
            (unit_id, due_on): n
            for unit_id, due_on, n in AssignmentTally.objects.exclude(n=0).values_list(
                *COLUMNS, "n"
            )
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
