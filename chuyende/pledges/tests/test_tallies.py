"""The pledge tallies equal a live recount after every kind of write; the figures and the list's
counts read from them equal the same figures counted from the pledge rows."""

import datetime
import importlib
import threading
from collections import Counter

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count, Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chuyende.org import services as org_services
from chuyende.org import tallies as member_tallies
from chuyende.org.choices import MAJORITY_ETHNICITY, Gender, MemberStatus, UnitKind
from chuyende.org.models import Member, Unit
from chuyende.pledges import imports, selectors, services, tallies
from chuyende.pledges.choices import PledgeStatus
from chuyende.pledges.models import Evaluation, Pledge, PledgeTally
from conftest import make_member, make_unit

from .helpers import full_fields, make_pledge, make_template
from .test_import import _sheet

pytestmark = pytest.mark.django_db
YEAR = 2024


def recount() -> Counter:
    """Tallies counted unit by unit with the ORM, the plainest way (one query per unit)."""
    found = Counter()
    for unit in Unit.objects.all():
        for row in (
            Pledge.objects.filter(member__unit__path__startswith=unit.path, is_current=True)
            .order_by()
            .values_list(
                "year",
                "status",
                "member__status",
                "member__gender",
                "member__ethnicity",
                "evaluation__final_rating",
                "evaluation__union_title",
            )
            .annotate(n=Count("id"))
        ):
            year, status, member_status, gender, ethnicity, rating, title, n = row
            key = (
                unit.pk,
                year,
                status,
                member_status == MemberStatus.ACTIVE,
                gender,
                ethnicity != MAJORITY_ETHNICITY,
                rating or "",
                bool(title),
            )
            found[key] += n
    return found


def assert_tallies_right():
    stored = tallies.stored()
    assert stored == recount()
    assert stored == tallies.live()
    assert tallies.differences() == []


@pytest.fixture(params=["in SQL", "in Python"])
def climb(request, monkeypatch):
    """Both ways deltas climb the tree: in SQL (a few rows) and in Python (a batch)."""
    if request.param == "in Python":
        monkeypatch.setattr(member_tallies, "FEW", 0)  # the climb is org's, shared
    return request.param


@pytest.fixture
def template(world):
    return make_template(world.province, plan=world.plan)


def _results(pledge, template, unit):
    sections = selectors.sections_for(template=template, unit=unit)
    return {key: {"result": "done"} for key in services.evaluation_keys(pledge, sections)}


# Every kind of write ---------------------------------------------------------------------------


def test_the_pledge_tallies_follow_the_member_tallies():
    assert tallies in getattr(member_tallies, "FOLLOWERS", [])


def test_written_means_every_status_but_a_draft():
    """The list of unions below the threshold counts 'not a draft' (one index range a union)."""
    assert set(selectors.WRITTEN) == set(PledgeStatus.values) - {PledgeStatus.DRAFT}


def test_the_review_and_rating_of_a_pledge_keep_the_tallies(climb, world, template):
    pledge = services.pledge_save(member=world.binh, acting_user=world.dave, fields=full_fields())
    assert_tallies_right()
    pledge = services.pledge_submit(pledge=pledge, acting_user=world.dave)
    assert_tallies_right()
    pledge = services.pledge_return(pledge=pledge, acting_user=world.carol, comment="Ghi rõ hơn")
    assert_tallies_right()
    pledge = services.pledge_save(
        member=world.binh, acting_user=world.dave, fields=full_fields(), submit=True
    )
    pledge = services.pledge_accept(pledge=pledge, acting_user=world.carol)
    assert_tallies_right()
    new = services.pledge_new_version(pledge=pledge, acting_user=world.dave)
    assert_tallies_right()
    new = services.pledge_submit(pledge=new, acting_user=world.dave)
    new = services.pledge_accept(pledge=new, acting_user=world.carol)
    services.evaluation_self(
        pledge=new,
        acting_user=world.dave,
        results=_results(new, template, world.a1),
        proposed_rating="excellent",
    )
    assert_tallies_right()
    services.evaluation_rate(
        pledge=new, acting_user=world.carol, final_rating="excellent", union_title=True
    )
    assert_tallies_right()
    services.evaluation_rate(pledge=new, acting_user=world.carol, final_rating="good")
    assert_tallies_right()
    assert PledgeTally.objects.filter(unit=world.root, rating="good", n=1).exists()
    paper = services.pledge_enter_from_paper(
        member=world.an, acting_user=world.carol, fields=full_fields()
    )
    assert paper.status == PledgeStatus.ACCEPTED
    assert_tallies_right()


def test_writes_through_the_orm_keep_the_tallies(climb, world, template):
    one = make_pledge(world.binh, template)
    two = make_pledge(world.hnga, template, status=PledgeStatus.SUBMITTED)
    three = make_pledge(world.foreign, template, status=PledgeStatus.DRAFT)
    Evaluation.objects.create(pledge=one, final_rating="excellent", union_title=True)
    assert_tallies_right()
    Pledge.objects.filter(pk=two.pk).update(status=PledgeStatus.ACCEPTED)
    assert_tallies_right()
    Evaluation.objects.bulk_create([Evaluation(pledge=two, final_rating="fulfilled")])
    assert_tallies_right()
    Evaluation.objects.filter(pledge=one).update(final_rating="good", union_title=False)
    assert_tallies_right()
    Evaluation.objects.filter(pledge=two).delete()
    assert_tallies_right()
    Evaluation.objects.get(pledge=one).delete()
    assert_tallies_right()
    three.year = 2025  # a pledge moved to another year (only through the ORM)
    three.save()
    assert_tallies_right()
    Pledge.objects.bulk_update([one, two], ["is_current"])  # nothing changed
    one.is_current = False
    Pledge.objects.bulk_update([one], ["is_current"])
    assert_tallies_right()
    Pledge.objects.bulk_create(
        [Pledge(member=world.an, template=template, year=YEAR, full_name="An", unit_name="A1")]
    )
    assert_tallies_right()
    two.delete()
    assert_tallies_right()
    Pledge.objects.filter(member__unit__path__startswith=world.province.path).delete()
    assert_tallies_right()
    assert not PledgeTally.objects.exclude(n=0).exists()


def test_a_save_of_other_fields_costs_no_tally_query(world, template, django_assert_num_queries):
    pledge = make_pledge(world.binh, template)
    evaluation = Evaluation.objects.create(pledge=pledge)
    with django_assert_num_queries(1):
        pledge.save(update_fields=["union_group"])
    with django_assert_num_queries(1):
        evaluation.save(update_fields=["self_note"])


def test_the_import_keeps_the_tallies(climb, world, template):
    make_pledge(world.an, template, status=PledgeStatus.DRAFT)  # replaced by the paper one
    batch = imports.import_check(
        unit=world.a1,
        template=template,
        file=_sheet(
            template,
            world.a1,
            [{"name": "Nguyễn Văn An", "year": 1985}, {"name": "Trần Thị Bình", "year": 1985}],
        ),
        acting_user=world.carol,
    )
    assert imports.import_run(batch=batch, acting_user=world.carol, valid_only=False) == 2
    assert_tallies_right()
    assert selectors.status_counts(user=world.carol, year=YEAR) == {"accepted": 2}


def test_a_failed_write_leaves_the_tallies_as_they_were(world, template, monkeypatch):
    pledge = make_pledge(world.binh, template, status=PledgeStatus.SUBMITTED)
    before = tallies.stored()

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "audit_record", boom)
    with pytest.raises(RuntimeError):
        services.pledge_accept(pledge=pledge, acting_user=world.carol)
    with pytest.raises(RuntimeError):
        services.pledge_save(member=world.an, acting_user=world.carol, fields=full_fields())
    assert tallies.stored() == before


# Pledges follow their member ---------------------------------------------------------------------


def _pledges_everywhere(template):
    for member in Member.objects.order_by("pk"):
        make_pledge(member, template, status=PledgeStatus.ACCEPTED)
    for pledge in Pledge.objects.order_by("pk")[::2]:
        Evaluation.objects.create(
            pledge=pledge, final_rating="excellent", union_title=pledge.pk % 4 == 0
        )


def test_member_writes_move_their_pledges(climb, world, template):
    _pledges_everywhere(template)
    assert_tallies_right()
    for change in (
        {"gender": "male"},
        {"ethnicity": "Ê Đê"},
        {"union_position": "vice_chair"},  # not counted: nothing changes
        {"status": "left"},
        {"status": "active"},
        {"unit": world.b1},  # a transfer to another district
        {"unit": world.a2, "gender": "female", "ethnicity": "Kinh"},
    ):
        org_services.member_update(
            member=Member.objects.get(pk=world.binh.pk), acting_user=world.alice, **change
        )
        assert_tallies_right()


def test_deleting_members_takes_their_pledges_off(climb, world, template):
    _pledges_everywhere(template)
    Member.objects.get(pk=world.hnga.pk).delete()
    assert_tallies_right()
    Member.objects.filter(unit__path__startswith=world.a.path).delete()
    assert_tallies_right()
    assert not PledgeTally.objects.filter(unit=world.a).exclude(n=0).exists()


def test_moving_and_merging_units_carries_their_pledges(climb, world, template):
    section = make_unit(world.a2, "BMT-002-T1", "Tổ công đoàn Khoa Nội", "section")
    make_member(section, "Võ Văn Tám", gender="male", ethnicity="Ê Đê")
    _pledges_everywhere(template)
    assert_tallies_right()
    org_services.unit_move(
        unit=Unit.objects.get(pk=world.a2.pk), new_parent=world.b, acting_user=world.alice
    )
    assert_tallies_right()
    Unit.objects.move(Unit.objects.get(pk=world.a1.pk), Unit.objects.get(pk=world.b1.pk), "left")
    assert_tallies_right()
    org_services.unit_merge(
        source=Unit.objects.get(pk=world.a2.pk),
        target=Unit.objects.get(pk=world.b1.pk),
        acting_user=world.alice,
    )
    assert_tallies_right()
    assert not PledgeTally.objects.filter(unit=world.a2).exclude(n=0).exists()


def test_the_member_import_moves_their_pledges(climb, world, template):
    from chuyende.transfer import members as importer
    from chuyende.transfer.members import Outcome

    _pledges_everywhere(template)
    outcome = Outcome(
        total=3,
        creates=[(2, {"full_name": "Lê Văn Một", "gender": "male", "unit_id": world.a1.pk})],
        updates=[
            (3, Member.objects.get(pk=world.an.pk), {"status": "left"}),
            (4, Member.objects.get(pk=world.hnga.pk), {"unit_id": world.b1.pk, "gender": "male"}),
        ],
    )

    class Job:
        pk = 1

    with transaction.atomic():
        importer.write(Job(), outcome, acting_user=world.alice)
    assert_tallies_right()


# Rebuilding and checking ----------------------------------------------------------------------


def test_rebuild_recounts_and_the_command_reports_drift(world, template, capsys):
    _pledges_everywhere(template)
    PledgeTally.objects.filter(unit=world.root).update(n=99)
    PledgeTally.objects.filter(unit=world.a).delete()
    with pytest.raises(CommandError):
        call_command("pledge_tallies", "--check")
    assert "stored 99" in capsys.readouterr().out
    call_command("pledge_tallies", "--rebuild")
    assert_tallies_right()
    call_command("pledge_tallies", "--check")
    assert "match" in capsys.readouterr().out


def test_rebuild_of_an_empty_database():
    assert tallies.rebuild() == {"pledge_tally_rows": 0}


class _Editor:
    """What the migration's RunPython functions use of a schema editor."""

    def __init__(self):
        self.connection = connection

    def execute(self, sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_the_migration_fills_the_tallies_of_a_database_in_use(world, template, monkeypatch):
    migration = importlib.import_module("chuyende.pledges.migrations.0003_tally")
    _pledges_everywhere(template)
    wanted = tallies.stored()
    PledgeTally.objects.all().delete()
    migration.count_existing_rows(django_apps, _Editor())
    assert tallies.stored() == wanted
    PledgeTally.objects.all().delete()
    monkeypatch.setattr(migration, "FILL_LIMIT", 3)  # a big database: left to the command
    migration.count_existing_rows(django_apps, _Editor())
    assert not PledgeTally.objects.exists()


# The pages' figures equal live counts ------------------------------------------------------------


def _live_row(unit, year) -> tuple:
    members = Member.objects.filter(unit__path__startswith=unit.path, status="active")
    pledges = Pledge.objects.filter(
        member__in=members, year=year, is_current=True, status__in=selectors.WRITTEN
    )
    rated = Evaluation.objects.filter(
        pledge__member__in=members, pledge__year=year, pledge__is_current=True
    ).exclude(final_rating="")
    return (
        members.count(),
        members.filter(gender=Gender.FEMALE).count(),
        members.exclude(ethnicity=MAJORITY_ETHNICITY).count(),
        pledges.count(),
        pledges.filter(member__gender=Gender.FEMALE).count(),
        pledges.exclude(member__ethnicity=MAJORITY_ETHNICITY).count(),
        pledges.filter(status=PledgeStatus.ACCEPTED).count(),
        dict(rated.values_list("final_rating").annotate(n=Count("id"))),
        rated.filter(union_title=True).count(),
    )


def live_figures(unit, year, threshold):
    """The figures counted from the member, pledge and evaluation rows, a query per figure (what
    the page counted before the tallies): {unit id: (members, women, minority, written,
    written_women, written_minority, accepted, ratings, titles)} for the unit and its children,
    the unions under the threshold (lowest first), the ratings by gender and by minority."""
    units = [unit, *Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)]
    rows = {u.pk: _live_row(u, year) for u in units}
    below = []
    for union in Unit.objects.filter(
        path__startswith=unit.path, kind=UnitKind.GRASSROOTS, active=True
    ):
        members, _women, _minority, written, *_rest = _live_row(union, year)
        if members and 100 * written / members < threshold:
            below.append((100 * written / members, union.path, union.pk))
    rated = Evaluation.objects.filter(
        pledge__member__unit__path__startswith=unit.path,
        pledge__member__status="active",
        pledge__year=year,
        pledge__is_current=True,
    ).exclude(final_rating="")
    by_gender = {}
    for rating, gender, n in rated.values_list("final_rating", "pledge__member__gender").annotate(
        n=Count("id")
    ):
        by_gender.setdefault(rating, {})[gender] = n
    by_minority = dict(
        rated.values_list("final_rating").annotate(
            n=Count("id", filter=~Q(pledge__member__ethnicity=MAJORITY_ETHNICITY))
        )
    )
    return rows, [pk for _rate, _path, pk in sorted(below)], by_gender, by_minority


def _figures_rows(result):
    def values(r):
        return (
            r.members,
            r.women,
            r.minority,
            r.written,
            r.written_women,
            r.written_minority,
            r.accepted,
            r.ratings,
            r.titles,
        )

    rows = {r.unit.pk: values(r) for r in result.rows}
    rows[result.unit.pk] = values(result.total)
    return rows


def assert_figures_right(year=YEAR, threshold=70):
    for unit in Unit.objects.filter(active=True):
        result = selectors.figures(unit=unit, year=year, threshold=threshold)
        rows, below, by_gender, by_minority = live_figures(unit, year, threshold)
        shown = _figures_rows(result)
        assert shown == {pk: v for pk, v in rows.items() if pk in shown}, unit.code
        assert [r.unit.pk for r in result.below] == below, unit.code
        assert result.by_rating_gender == by_gender
        assert result.by_rating_minority == by_minority


def assert_counts_right(world, year=YEAR):
    for user in (world.admin, world.alice, world.bob, world.carol, world.dave, world.nobody):
        live = dict(
            Pledge.objects.for_user(user)
            .filter(year=year, is_current=True)
            .order_by()
            .values_list("status")
            .annotate(n=Count("id"))
        )
        assert selectors.status_counts(user=user, year=year) == live, user
        for unit in Unit.objects.for_user(user):
            live = dict(
                Pledge.objects.for_user(user)
                .filter(year=year, is_current=True, member__unit__path__startswith=unit.path)
                .order_by()
                .values_list("status")
                .annotate(n=Count("id"))
            )
            assert selectors.status_counts(user=user, year=year, unit=unit) == live


def test_the_figures_and_counts_equal_live_counts(world, template):
    _pledges_everywhere(template)
    make_pledge(make_member(world.a2, "Y Khu Niê", ethnicity="Ê Đê"), template, status="draft")
    make_pledge(make_member(world.b1, "Lê Văn Nghỉ", status="left"), template)
    services.pledge_save(
        member=make_member(world.a1, "Đỗ Thị Mai"), acting_user=world.carol, fields=full_fields()
    )
    assert_figures_right()
    assert_figures_right(threshold=100)
    assert_counts_right(world)


def test_a_members_own_pledge_outside_their_scope_counts_for_them(world, template):
    """bob sees A's subtree and, as its owner, his own member record's pledge in B."""
    _pledges_everywhere(template)
    org_services.member_update(member=world.foreign, acting_user=world.admin, user=world.bob)
    assert selectors.status_counts(user=world.bob, year=YEAR) == {"accepted": 4}
    assert_counts_right(world)


def test_too_many_unions_to_list_below_the_threshold(world, template, monkeypatch):
    _pledges_everywhere(template)
    make_member(world.a1, "Đỗ Thị Mai")  # no pledge yet: A1 is at 2 of 3
    monkeypatch.setattr(selectors, "BELOW_MAX_UNIONS", 2)
    result = selectors.figures(unit=world.province, year=YEAR, threshold=100)
    assert result.below is None and result.grassroots == 3
    below = selectors.figures(unit=world.a, year=YEAR, threshold=100).below
    assert [(r.unit.code, r.written, r.members) for r in below] == [("BMT-001", 2, 3)]


# Sequences of operations ---------------------------------------------------------------------------

OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "write",
                "submit",
                "return",
                "accept",
                "version",
                "paper",
                "rate",
                "delete",
                "transfer",
                "status",
                "edit",
                "move",
                "merge",
                "member_delete",
            ]
        ),
        st.integers(min_value=0, max_value=10_000),
    ),
    min_size=1,
    max_size=8,
)


def _run(world, template, op, n):
    admin = world.admin
    members = list(Member.objects.select_related("unit").order_by("pk"))
    pledges = list(
        Pledge.objects.filter(is_current=True).select_related("member__unit").order_by("pk")
    )
    grassroots = list(Unit.objects.filter(kind="grassroots", active=True).order_by("pk"))
    uppers = list(Unit.objects.filter(kind="upper", active=True).order_by("pk"))

    def pick(items):
        return items[n % len(items)]

    def having(status):
        return [p for p in pledges if p.status == status]

    if op == "write" and members:
        member = pick(members)
        if member.status == "active" and not any(
            p.member_id == member.pk and p.status in ("submitted", "accepted") for p in pledges
        ):
            services.pledge_save(
                member=member, acting_user=admin, fields=full_fields(), submit=n % 2 == 0
            )
    elif op == "submit" and having("draft"):
        services.pledge_submit(pledge=pick(having("draft")), acting_user=admin)
    elif op == "return" and having("submitted"):
        services.pledge_return(pledge=pick(having("submitted")), acting_user=admin, comment="Sửa")
    elif op == "accept" and having("submitted"):
        services.pledge_accept(pledge=pick(having("submitted")), acting_user=admin)
    elif op == "version":
        unrated = [
            p
            for p in having("accepted")
            if not Evaluation.objects.filter(pledge=p).exclude(final_rating="").exists()
        ]
        if unrated:
            services.pledge_new_version(pledge=pick(unrated), acting_user=admin)
    elif op == "paper" and members:
        member = pick(members)
        if member.status == "active" and not any(p.member_id == member.pk for p in pledges):
            services.pledge_enter_from_paper(member=member, acting_user=admin, fields=full_fields())
    elif op == "rate" and having("accepted"):
        services.evaluation_rate(
            pledge=pick(having("accepted")),
            acting_user=admin,
            final_rating=("excellent", "good", "fulfilled")[n % 3],
            union_title=n % 6 == 0,
        )
    elif op == "delete" and pledges:
        pick(pledges).delete()
    elif op == "transfer" and members and grassroots:
        org_services.member_update(member=pick(members), acting_user=admin, unit=pick(grassroots))
    elif op == "status" and members:
        org_services.member_update(
            member=pick(members), acting_user=admin, status=("active", "transferred", "left")[n % 3]
        )
    elif op == "edit" and members:
        org_services.member_update(
            member=pick(members),
            acting_user=admin,
            gender=("male", "female")[n % 2],
            ethnicity=("Kinh", "Ê Đê", "Mường")[n % 3],
        )
    elif op == "move" and grassroots and uppers:
        org_services.unit_move(unit=pick(grassroots), new_parent=pick(uppers), acting_user=admin)
    elif op == "merge" and len(grassroots) > 1:
        source = pick(grassroots)
        target = [u for u in grassroots if u.pk != source.pk][n % (len(grassroots) - 1)]
        org_services.unit_merge(source=source, target=target, acting_user=admin)
    elif op == "member_delete" and members:
        Member.objects.filter(pk=pick(members).pk).delete()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_any_sequence_of_operations_keeps_the_tallies(climb, world, template, operations):
    with transaction.atomic():
        _pledges_everywhere(template)
        for op, n in operations:
            _run(world, template, op, n)
        assert_tallies_right()
        assert_figures_right()
        transaction.set_rollback(True)


# Concurrency ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one writer at a time anyway"
)
def test_a_pledge_write_and_a_member_move_at_once_both_count(world, template):
    """One transaction accepts a pledge while another moves its member to another district:
    the member's row lock orders them, whichever comes first."""
    pledge = make_pledge(world.binh, template, status=PledgeStatus.SUBMITTED)
    first_wrote = threading.Event()
    errors = []

    def accept():
        try:
            with transaction.atomic():
                services.pledge_accept(pledge=pledge, acting_user=world.carol)
                first_wrote.set()
                threading.Event().wait(0.3)  # keep the locks a moment
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    def move():
        try:
            first_wrote.wait(10)
            with transaction.atomic():
                org_services.member_update(
                    member=Member.objects.get(pk=world.binh.pk),
                    acting_user=world.alice,
                    unit=Unit.objects.get(pk=world.b1.pk),
                )
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept), threading.Thread(target=move)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not errors
    assert tallies.differences() == []
    assert (
        PledgeTally.objects.get(
            unit=world.b1, year=YEAR, status="accepted", active=True, rating=""
        ).n
        == 1
    )


def test_dates_do_not_matter_to_the_tallies(world, template):
    pledge = make_pledge(world.binh, template)
    pledge.submitted_at = datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC)
    pledge.save()
    assert_tallies_right()
