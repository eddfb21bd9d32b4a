"""The member and unit tallies equal a live recount after every kind of write."""

import datetime
import threading
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chuyende.org import selectors, services, tallies
from chuyende.org.models import Member, MemberTally, Unit, UnitTally
from conftest import make_member, make_unit

pytestmark = pytest.mark.django_db


def recount() -> tuple[Counter, Counter]:
    """Tallies counted unit by unit with the ORM, the plainest way (one query per unit)."""
    members, units = Counter(), Counter()
    for unit in Unit.objects.all():
        for status, gender, ethnicity, position, n in (
            Member.objects.filter(unit__path__startswith=unit.path)
            .order_by()
            .values_list("status", "gender", "ethnicity", "union_position")
            .annotate(n=Count("id"))
        ):
            members[(unit.pk, status, gender, ethnicity, bool(position))] += n
        for kind, n in (
            Unit.objects.filter(path__startswith=unit.path, active=True)
            .order_by()
            .values_list("kind")
            .annotate(n=Count("id"))
        ):
            units[(unit.pk, kind)] += n
    return members, units


@pytest.fixture(params=["in SQL", "in Python"])
def climb(request, monkeypatch):
    """Both ways deltas climb the tree: in SQL (a few rows) and in Python (a batch)."""
    if request.param == "in Python":
        monkeypatch.setattr(tallies, "FEW", 0)
    return request.param


def assert_tallies_right():
    stored = tallies.stored()
    assert stored == recount()
    assert stored == tallies.live()
    assert tallies.differences() == []


def test_the_fixture_tallies_are_right(world):
    assert_tallies_right()
    root = MemberTally.objects.filter(unit=world.root)
    assert sum(t.n for t in root) == 4
    assert {(t.kind, t.n) for t in UnitTally.objects.filter(unit=world.a)} == {
        ("upper", 1),
        ("grassroots", 2),
    }


def _member(world, **changes):
    fields = {
        "unit": world.a1,
        "full_name": "Lê Thị Hoa",
        "gender": "female",
        "ethnicity": "Kinh",
        "status": "active",
        **changes,
    }
    return services.member_create(acting_user=world.alice, **fields)


def test_creating_and_editing_members_keeps_the_tallies(climb, world):
    member = _member(world)
    assert_tallies_right()
    for change in (
        {"gender": "male"},
        {"ethnicity": "Ê Đê"},
        {"union_position": "vice_chair"},
        {"status": "left"},
        {"status": "active"},
        {"unit": world.b1},  # a transfer to another district
        {"unit": world.a2, "gender": "female", "union_position": ""},
        {"full_name": "Lê Thị Hoa Mai"},  # not counted: nothing changes
    ):
        member = services.member_update(
            member=Member.objects.get(pk=member.pk), acting_user=world.alice, **change
        )
        assert_tallies_right()


def test_a_save_of_other_fields_costs_no_tally_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        world.an.save(update_fields=["phone"])
    world.an.status = "left"
    world.an.save(update_fields=["status"])
    assert_tallies_right()


def test_deleting_a_member_takes_it_off(world):
    world.hnga.delete()
    assert_tallies_right()


def test_deleting_members_in_bulk_takes_them_off(climb, world):
    make_member(world.a1, "Thêm Một", union_position="chairman")
    make_member(world.b, "Thêm Hai", gender="male")
    deleted, _ = Member.objects.filter(unit__path__startswith=world.province.path).delete()
    assert deleted >= 2
    assert_tallies_right()
    assert Member.objects.filter(unit__path__startswith=world.province.path).count() == 0


def test_a_failed_write_leaves_the_tallies_as_they_were(world, monkeypatch):
    before = tallies.stored()

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "audit_record", boom)
    with pytest.raises(RuntimeError):
        _member(world)
    with pytest.raises(RuntimeError):
        services.member_update(member=world.an, acting_user=world.alice, status="left")
    assert tallies.stored() == before


def test_creating_moving_and_renaming_units_keeps_the_tallies(climb, world):
    unit = services.unit_create(
        parent=world.a, acting_user=world.alice, code="BMT-9", name="CĐ Trường A", kind="grassroots"
    )
    section = make_unit(unit, "BMT-9-T", "Tổ 1", "section")
    make_member(section, "Y Khu Niê", gender="male", ethnicity="Ê Đê")
    make_member(unit, "Đỗ Thị Mai", union_position="chair")
    assert_tallies_right()
    services.unit_update(unit=unit, acting_user=world.alice, kind="affiliate")
    assert_tallies_right()
    services.unit_move(
        unit=Unit.objects.get(pk=unit.pk), new_parent=world.b, acting_user=world.alice
    )
    assert_tallies_right()
    services.unit_move(
        unit=Unit.objects.get(pk=world.a.pk), new_parent=world.b, acting_user=world.alice
    )
    assert_tallies_right()


def test_moving_a_unit_to_a_sibling_position_keeps_the_tallies(world):
    # treebeard positions: next to a unit rather than under it; the parent changes all the same
    Unit.objects.move(Unit.objects.get(pk=world.a1.pk), Unit.objects.get(pk=world.b1.pk), "left")
    assert Unit.objects.get(pk=world.a1.pk).path.startswith(Unit.objects.get(pk=world.b.pk).path)
    assert_tallies_right()


def test_merging_moves_the_counts_and_closes_the_source(climb, world):
    make_unit(Unit.objects.get(pk=world.a2.pk), "T1", "Tổ công đoàn Khoa Nội", "section")
    make_member(Unit.objects.get(code="T1"), "Võ Văn Tám", gender="male")
    services.unit_merge(
        source=Unit.objects.get(pk=world.a2.pk), target=world.b1, acting_user=world.alice
    )
    assert_tallies_right()
    assert not MemberTally.objects.filter(unit=world.a2).exclude(n=0).exists()


def test_deleting_empty_units_takes_them_off(world):
    unit = make_unit(world.b, "EMPTY", "CĐ trống", "grassroots")
    make_unit(unit, "EMPTY-T", "Tổ trống", "section")
    Unit.objects.filter(pk=unit.pk).delete()
    assert_tallies_right()


def test_rebuild_recounts_and_the_command_reports_drift(world, capsys):
    MemberTally.objects.filter(unit=world.root).update(n=99)
    UnitTally.objects.filter(unit=world.a).delete()
    with pytest.raises(CommandError):
        call_command("org_tallies", "--check")
    assert "stored 99" in capsys.readouterr().out
    call_command("org_tallies", "--rebuild")
    assert_tallies_right()
    call_command("org_tallies", "--check")
    assert "match" in capsys.readouterr().out


def test_rebuild_of_an_empty_database():
    assert tallies.rebuild() == {"member_tally_rows": 0, "unit_tally_rows": 0}


def test_the_pages_figures_equal_live_counts(world):
    for unit in Unit.objects.all():
        live = selectors.figures_for(
            member_qs=Member.objects.filter(unit__path__startswith=unit.path),
            unit_qs=Unit.objects.filter(path__startswith=unit.path),
        )
        assert selectors.unit_figures(unit=unit) == live
    for user in (world.admin, world.alice, world.bob, world.carol, world.dave, world.nobody):
        live = selectors.figures_for(
            member_qs=Member.objects.for_user(user), unit_qs=Unit.objects.for_user(user)
        )
        assert selectors.dashboard_figures(user=user) == live, user


def test_a_members_own_record_outside_their_scope_counts_for_them(world):
    """bob sees A's subtree and, as its owner, his own member record in B."""
    services.member_update(member=world.foreign, acting_user=world.admin, user=world.bob)
    figures = selectors.dashboard_figures(user=world.bob)
    assert figures.members == 4 == Member.objects.for_user(world.bob).count()


# Sequences of operations ---------------------------------------------------------------------------

OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["create", "edit", "transfer", "status", "move", "merge", "kind"]),
        st.integers(min_value=0, max_value=10_000),
    ),
    min_size=1,
    max_size=8,
)


def _run(world, op, n):
    grassroots = list(
        Unit.objects.filter(kind__in=["grassroots", "affiliate"], active=True).order_by("pk")
    )
    uppers = list(Unit.objects.filter(kind="upper", active=True).order_by("pk"))
    members = list(Member.objects.order_by("pk"))
    pick = lambda items: items[n % len(items)]  # noqa: E731
    admin = world.admin
    if not grassroots or not members:  # everything merged away: nothing left to do
        return
    if op == "create":
        services.member_create(
            acting_user=admin,
            unit=pick(grassroots),
            full_name=f"Người Thứ {n}",
            gender=("male", "female")[n % 2],
            ethnicity=("Kinh", "Ê Đê", "Tày")[n % 3],
            union_position=("", "chair")[n % 5 == 0],
            status=("active", "left")[n % 7 == 0],
        )
    elif op == "edit":
        services.member_update(
            member=pick(members),
            acting_user=admin,
            gender=("male", "female")[n % 2],
            ethnicity=("Kinh", "Mường")[n % 2],
            union_position=("", "committee")[n % 3 == 0],
        )
    elif op == "transfer":
        services.member_update(member=pick(members), acting_user=admin, unit=pick(grassroots))
    elif op == "status":
        services.member_update(
            member=pick(members), acting_user=admin, status=("active", "transferred", "left")[n % 3]
        )
    elif op == "move":
        services.unit_move(unit=pick(grassroots), new_parent=pick(uppers), acting_user=admin)
    elif op == "merge" and len(grassroots) > 1:
        source = pick(grassroots)
        target = [u for u in grassroots if u.pk != source.pk][n % (len(grassroots) - 1)]
        services.unit_merge(source=source, target=target, acting_user=admin)
    elif op == "kind":
        unit = pick(grassroots)
        services.unit_update(unit=unit, acting_user=admin, kind=("affiliate", "grassroots")[n % 2])


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_any_sequence_of_operations_keeps_the_tallies(climb, world, operations):
    with transaction.atomic():
        for op, n in operations:
            _run(world, op, n)
        assert_tallies_right()
        transaction.set_rollback(True)


# Import --------------------------------------------------------------------------------------------


def test_the_member_import_keeps_the_tallies(climb, world):
    from chuyende.transfer import members as importer
    from chuyende.transfer.members import Outcome

    an = Member.objects.get(pk=world.an.pk)
    hnga = Member.objects.get(pk=world.hnga.pk)
    outcome = Outcome(
        total=4,
        creates=[
            (2, {"full_name": "Lê Văn Một", "gender": "male", "unit_id": world.a1.pk}),
            (
                3,
                {
                    "full_name": "Y Bhăm",
                    "gender": "male",
                    "ethnicity": "Ê Đê",
                    "union_position": "chair",
                    "unit_id": world.b1.pk,
                },
            ),
        ],
        updates=[
            (4, an, {"status": "left"}),
            (5, hnga, {"unit_id": world.b1.pk, "gender": "male"}),
        ],
    )

    class Job:
        pk = 1

    with transaction.atomic():
        importer.write(Job(), outcome, acting_user=world.alice)
    assert Member.objects.get(pk=world.hnga.pk).unit_id == world.b1.pk
    assert_tallies_right()


# Concurrency ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one writer at a time anyway"
)
def test_two_transactions_adding_to_the_same_unit_both_count(world):
    first_wrote = threading.Event()
    errors = []

    def add(name, wait=None, then=None):
        try:
            with transaction.atomic():
                if wait:
                    wait.wait(10)
                make_member(Unit.objects.get(pk=world.a1.pk), name)
                if then:
                    then.set()
                    # keep the tally rows locked a moment while the other transaction writes
                    threading.Event().wait(0.3)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    one = threading.Thread(target=add, args=("Lê Văn Một",), kwargs={"then": first_wrote})
    two = threading.Thread(target=add, args=("Lê Văn Hai",), kwargs={"wait": first_wrote})
    one.start()
    two.start()
    one.join(20)
    two.join(20)
    assert not errors
    assert tallies.differences() == []
    assert selectors.unit_figures(unit=world.a1).members == 4


def test_dates_do_not_matter_to_the_tallies(world):
    services.member_update(
        member=world.an, acting_user=world.alice, joined_on=datetime.date(2001, 1, 1)
    )
    assert_tallies_right()
