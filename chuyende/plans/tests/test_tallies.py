"""The open-assignment tallies equal a live recount after every kind of write, and the reports
dashboard's overdue count read from them equals the overdue assignments counted live in the
user's scope (chuyende.plans.tallies)."""

import datetime
import importlib
import threading
from collections import Counter

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count

from chuyende.org.models import Unit
from chuyende.plans import services, tallies
from chuyende.plans.choices import AssignmentStatus
from chuyende.plans.models import Assignment, AssignmentTally, Plan, Task, overdue_q
from chuyende.reports.dashboard import overdue_tasks
from conftest import make_unit

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2024, 12, 1)


def recount() -> Counter:
    """The tallies counted unit by unit with the ORM, the plainest way (one query per unit)."""
    found = Counter()
    for unit in Unit.objects.all():
        for due_on, n in (
            Assignment.objects.filter(unit__path__startswith=unit.path, due_on__isnull=False)
            .exclude(status=AssignmentStatus.DONE)
            .order_by()
            .values_list("due_on")
            .annotate(n=Count("id"))
        ):
            found[(unit.pk, due_on)] += n
    return found


def assert_tallies_right():
    assert tallies.stored() == recount()
    assert tallies.differences() == []


def test_the_world_is_counted_as_it_is_written(world):
    # the province plan's task handed to A and B (due 31/03/2024), B1's task without a date
    assert_tallies_right()
    due = world.task.due_on
    assert AssignmentTally.objects.get(unit=world.province, due_on=due).n == 2
    assert AssignmentTally.objects.get(unit=world.root, due_on=due).n == 2
    assert not AssignmentTally.objects.filter(unit=world.b1).exclude(n=0).exists()


def test_every_kind_of_write_keeps_the_tallies(world):
    # handed down through the service (bulk_create)
    created = services.task_assign(
        task=world.task,
        units=[world.a1, world.a2],
        acting_user=world.bob,
        due_on=datetime.date(2024, 3, 15),
        parent=world.assignment_a,
    )
    assert len(created) == 2
    assert_tallies_right()
    # done, then open again (save with update_fields)
    services.assignment_update(
        assignment=created[0], acting_user=world.carol, status=AssignmentStatus.DONE
    )
    assert_tallies_right()
    services.assignment_update(
        assignment=created[0], acting_user=world.carol, status=AssignmentStatus.IN_PROGRESS
    )
    assert_tallies_right()
    # a save that touches no counted column, and a full save with a new due date
    created[1].progress_note = "đang làm"
    created[1].save(update_fields=["progress_note"])
    created[1].due_on = datetime.date(2024, 4, 1)
    created[1].save()
    assert_tallies_right()
    # queryset updates: a date set, a date removed, a status for many
    Assignment.objects.filter(unit=world.b).update(due_on=datetime.date(2024, 5, 5))
    assert_tallies_right()
    Assignment.objects.filter(unit=world.a2).update(due_on=None)
    assert_tallies_right()
    Assignment.objects.filter(task=world.task).update(status=AssignmentStatus.DONE)
    assert_tallies_right()
    # bulk_update (an update per batch)
    rows = list(Assignment.objects.filter(task=world.task).order_by("pk"))
    for i, row in enumerate(rows):
        row.status = AssignmentStatus.NOT_STARTED if i % 2 else AssignmentStatus.IN_PROGRESS
        row.due_on = datetime.date(2024, 6, 1 + i)
    Assignment.objects.bulk_update(rows, ["status", "due_on"], batch_size=2)
    assert_tallies_right()
    # bulk_create ignoring conflicts: the rows already there are not counted twice
    Assignment.objects.bulk_create(
        [
            Assignment(task=world.task, unit=world.a1, due_on=datetime.date(2025, 1, 1)),
            Assignment(task=world.foreign_task, unit=world.b, due_on=datetime.date(2024, 8, 8)),
        ],
        ignore_conflicts=True,
    )
    assert_tallies_right()
    # deleted: one row, a queryset, and a task with its assignments and their children
    world.assignment_b.delete()
    assert_tallies_right()
    Assignment.objects.filter(unit=world.a2).delete()
    assert_tallies_right()
    world.task.delete()
    assert_tallies_right()
    assert tallies.stored() == recount() != Counter()  # B's own assignment of 8/8 is left


def test_deleting_a_plan_takes_its_assignments_off(world):
    services.task_assign(
        task=world.task, units=[world.a1], acting_user=world.bob, parent=world.assignment_a
    )
    Plan.objects.filter(pk=world.plan.pk).delete()
    assert_tallies_right()
    assert tallies.stored() == Counter()


def test_a_subtree_moved_carries_its_open_assignments(world):
    Task.objects.filter(pk=world.foreign_task.pk).update(due_on=datetime.date(2024, 9, 9))
    Assignment.objects.filter(pk=world.foreign_assignment.pk).update(
        due_on=datetime.date(2024, 9, 9)
    )
    Unit.objects.move(
        Unit.objects.get(pk=world.b1.pk), Unit.objects.get(pk=world.a.pk), "last-child"
    )
    assert_tallies_right()
    assert AssignmentTally.objects.get(unit=world.a, due_on=datetime.date(2024, 9, 9)).n == 1
    assert AssignmentTally.objects.get(unit=world.b, due_on=datetime.date(2024, 9, 9)).n == 0


def test_rebuild_recounts_the_same_rows(world):
    services.task_assign(
        task=world.task,
        units=[world.a1, world.a2],
        acting_user=world.bob,
        parent=world.assignment_a,
    )
    wanted = tallies.stored()
    AssignmentTally.objects.all().delete()
    assert tallies.rebuild()["assignment_tally_rows"] == len(wanted)
    assert tallies.stored() == wanted


class _Editor:
    """What the migration's RunPython function uses of a schema editor."""

    def __init__(self):
        self.connection = connection


def test_the_migration_fills_the_tallies_of_a_database_in_use(world):
    migration = importlib.import_module("chuyende.plans.migrations.0004_open_assignment_tally")
    services.task_assign(
        task=world.task, units=[world.a1], acting_user=world.bob, parent=world.assignment_a
    )
    wanted = tallies.stored()
    AssignmentTally.objects.all().delete()
    migration.count_existing_rows(django_apps, _Editor())
    assert tallies.stored() == wanted


def test_the_partial_index_of_open_assignments_exists(world):
    """The migration's index, on SQLite and PostgreSQL alike: open assignments with a due date
    only."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Assignment._meta.db_table)
    index = found["plans_assignment_open_due"]
    assert index["index"] and index["columns"] == ["due_on", "unit_id"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_get_expr(indpred, indrelid) FROM pg_index"
                " WHERE indexrelid = 'plans_assignment_open_due'::regclass"
            )
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'plans_assignment_open_due'")
        definition = cursor.fetchone()[0]
    assert "done" in definition and "due_on" in definition.split("WHERE")[-1]


def test_check_and_rebuild_commands(world, capsys):
    call_command("assignment_tallies", "--check")
    assert capsys.readouterr().out.startswith("Assignment tallies match a live recount (")
    row = AssignmentTally.objects.get(unit=world.province, due_on=world.task.due_on)
    AssignmentTally.objects.filter(pk=row.pk).update(n=99)
    with pytest.raises(CommandError) as raised:
        call_command("assignment_tallies", "--check")
    out = capsys.readouterr().out
    assert f"({world.province.pk}, datetime.date(2024, 3, 31)): stored 99, live 2" in out
    assert str(raised.value) == (
        "1 assignment tallies differ from a live recount; "
        "run `chuyende assignment_tallies --rebuild`."
    )
    call_command("assignment_tallies", "--rebuild")
    out = capsys.readouterr().out
    assert out.startswith("Assignment tallies rebuilt in ") and out.endswith(
        " s: 4 rows.\n"
    )  # root, province, A, B
    assert_tallies_right()


# The dashboard's overdue box -------------------------------------------------------------------


def _live_overdue(user, unit, today):
    return (
        Assignment.objects.for_user(user)
        .filter(unit__path__startswith=unit.path)
        .filter(overdue_q(today))
        .order_by("due_on", "unit__path", "pk")
    )


@pytest.mark.parametrize("today", [datetime.date(2024, 3, 31), TODAY, datetime.date(2025, 1, 1)])
def test_the_overdue_count_equals_the_live_count_in_every_scope(world, today):
    services.task_assign(
        task=world.task,
        units=[world.a1, world.a2],
        acting_user=world.bob,
        due_on=datetime.date(2024, 3, 20),
        parent=world.assignment_a,
    )
    Assignment.objects.filter(pk=world.foreign_assignment.pk).update(
        due_on=datetime.date(2024, 11, 30)
    )
    services.assignment_update(
        assignment=Assignment.objects.get(unit=world.a2),
        acting_user=world.bob,
        status=AssignmentStatus.DONE,
    )
    # sections of A1 with a spread of dates: the ten most overdue end part-way through a date
    parent = Assignment.objects.get(unit=world.a1)
    for i in range(14):
        section = make_unit(world.a1, f"BMT-001-{i}", f"Tổ công đoàn {i}", "section")
        services.task_assign(
            task=world.task,
            units=[section],
            acting_user=world.carol,
            due_on=datetime.date(2024, 3, 1 + i % 4),
            parent=parent,
        )
    # a user seeing two disjoint subtrees below the province, and none of it above
    split = type(world.alice).objects.create_user(username="split", password="pw")
    split.role_assignments.create(unit=world.a1, role="viewer")
    split.role_assignments.create(unit=world.b, role="viewer")
    units = [world.root, world.province, world.a, world.a1, world.a2, world.b, world.b1]
    seen = 0
    for user in (world.admin, world.alice, world.bob, world.carol, world.dave, world.erin, split):
        for unit in units:
            box = overdue_tasks(user=user, unit=unit, today=today)
            live = _live_overdue(user, unit, today)
            assert box["count"] == live.count(), (user.username, unit.code)
            assert box["rows"] == list(live[:10]), (user.username, unit.code)
            seen += box["count"]
    assert seen  # the dates above make some of them overdue


def test_the_overdue_box_is_two_queries_whatever_the_rows(world, django_assert_num_queries):
    extra = [make_unit(world.a1, f"BMT-001-{i}", f"Tổ công đoàn {i}", "section") for i in range(12)]
    services.task_assign(
        task=world.task, units=[world.a1], acting_user=world.bob, parent=world.assignment_a
    )
    parent = Assignment.objects.get(unit=world.a1)
    services.task_assign(task=world.task, units=extra, acting_user=world.carol, parent=parent)
    overdue_tasks(user=world.alice, unit=world.province, today=TODAY)  # the scope, cached
    with django_assert_num_queries(2):
        box = overdue_tasks(user=world.alice, unit=world.province, today=TODAY)
    assert box["count"] == 15 and len(box["rows"]) == 10
    assert [a.unit.path for a in box["rows"]] == sorted(a.unit.path for a in box["rows"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one writer at a time anyway"
)
def test_two_officers_closing_the_same_task_at_once_count_it_once(world):
    """Both mark the same assignment done at the same moment: the row lock orders them, and the
    tally loses the assignment once."""
    started = threading.Barrier(2)
    errors = []

    def close(user):
        try:
            started.wait(10)
            with transaction.atomic():
                services.assignment_update(
                    assignment=Assignment.objects.get(pk=world.assignment_a.pk),
                    acting_user=user,
                    status=AssignmentStatus.DONE,
                )
                threading.Event().wait(0.2)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=close, args=(u,)) for u in (world.alice, world.bob)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not errors
    assert_tallies_right()
    assert AssignmentTally.objects.get(unit=world.province, due_on=world.task.due_on).n == 1
