"""The national data set: a tiny fraction of the country built once for the module (PostgreSQL
only), then its shape, treebeard consistency, derived columns, rates, consistency with the
indicators, scoping and idempotence; and the clean refusal on SQLite.

Tolerances of the rates: the build draws per member and per union with the stated
probabilities; at FRACTION about 70,000 members in ~1,500 grassroots unions and affiliated
units, so a rate's spread from the union-level draws is a few points. Each bound below is the
stated rate ± about 6 points (± 0.5 for per-union means).
"""

import random
from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Q, Sum

from chuyende.contests import scoring
from chuyende.contests.models import Attempt, Participant, Question, UnitTally
from chuyende.core.text import fold, name_sort_key
from chuyende.demo import national
from chuyende.honors.models import Nomination
from chuyende.org import tallies
from chuyende.org.choices import MemberStatus, UnitKind, UnitSubKind
from chuyende.org.models import Member, Unit
from chuyende.outreach.models import OutreachPost
from chuyende.plans import tallies as assignment_tallies
from chuyende.plans.models import Assignment
from chuyende.pledges import tallies as pledge_tallies
from chuyende.pledges.models import Evaluation, Pledge
from chuyende.reports.models import Report, ReportValue
from chuyende.reports.selectors import unit_figures
from chuyende.study import counts as study_counts
from chuyende.study.models import Attendance, StudySession
from chuyende.study.selectors import count_expected

FRACTION = 0.0002  # one to a few grassroots unions per upper-level union
DEMO_SCALE = 0.02  # the province demo at the size its own tests use

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the national data set is PostgreSQL only"
)


def index_definitions() -> set:
    """Every index and constraint definition of the tables the build unindexes."""
    found = set()
    for model in national.HEAVY_MODELS:
        for item in national._table_definitions(model._meta.db_table):
            found.add((item["kind"], item["name"], item["sql"]))
    return found


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        before = index_definitions()
        out = StringIO()
        result = national.build_national(fraction=FRACTION, demo_scale=DEMO_SCALE, stdout=out)
        try:
            yield SimpleNamespace(result=result, output=out.getvalue(), indexes=before)
        finally:
            call_command("flush", interactive=False, verbosity=0)


def national_q(prefix="") -> Q:
    """Rows of the national provinces and sector unions (not of Đắk Lắk)."""
    dlk = Unit.objects.get(code="DLK").path
    return Q(**{f"{prefix}path__startswith": Unit.objects.get(code="TLD").path}) & ~Q(
        **{f"{prefix}path__startswith": dlk}
    )


pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is for SQLite")
def test_on_sqlite_the_command_refuses_cleanly():
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("demo", "--scale", "national", "--fraction", "0.001", stdout=StringIO())
    assert not Unit.objects.exists()
    with pytest.raises(national.NationalScaleError, match="PostgreSQL only"):
        national.build_national(fraction=0.001)


def test_scale_takes_a_number_province_or_national():
    from chuyende.demo.management.commands.demo import scale_value

    assert scale_value("0.02") == 0.02
    assert scale_value("province") == 1.0
    assert scale_value("National") == "national"
    with pytest.raises(CommandError):
        call_command("demo", "--scale", "country", stdout=StringIO())


@postgres_only
def test_the_tree_has_every_province_and_sector_union_and_every_level(built):
    root = Unit.objects.get(code="TLD")
    tops = Unit.objects.filter(path__startswith=root.path, depth=2)
    assert tops.filter(kind=UnitKind.PROVINCE, sub_kind="").count() == 63
    assert tops.filter(kind=UnitKind.PROVINCE, sub_kind=UnitSubKind.SECTOR).count() == 20
    assert not tops.exclude(kind=UnitKind.PROVINCE).exists()
    names = set(tops.values_list("name", flat=True))
    assert {
        "Liên đoàn Lao động tỉnh Đắk Lắk",
        "Liên đoàn Lao động thành phố Hà Nội",
        "Liên đoàn Lao động Thành phố Hồ Chí Minh",
        "Liên đoàn Lao động tỉnh Thừa Thiên Huế",
        "Công đoàn Điện lực Việt Nam",
    } <= names
    assert len(names) == 83
    # every level in every province, every province with its departments
    for top in tops.exclude(code="DLK"):
        below = Unit.objects.filter(path__startswith=top.path)
        kinds = set(below.values_list("kind", flat=True))
        assert {UnitKind.GRASSROOTS, UnitKind.SECTION, UnitKind.DEPARTMENT} <= kinds, top.code
        if top.sub_kind == "":
            assert UnitKind.UPPER in kinds, top.code
            assert below.filter(kind=UnitKind.UPPER, sub_kind=UnitSubKind.DISTRICT).count() >= 4
    uppers = Unit.objects.filter(kind=UnitKind.UPPER).count()
    assert 680 <= uppers <= 720  # about 700, Đắk Lắk's 23 included
    # a grassroots union sits under an upper-level union or a national sector union; a
    # section under a grassroots union
    parents = dict(Unit.objects.values_list("path", "kind"))
    for path, kind in Unit.objects.filter(national_q()).values_list("path", "kind"):
        parent = parents.get(path[: -Unit.steplen])
        if kind == UnitKind.GRASSROOTS:
            assert parent in (UnitKind.UPPER, UnitKind.PROVINCE), path
        elif kind == UnitKind.SECTION:
            assert parent == UnitKind.GRASSROOTS, path
    assert not Unit.objects.filter(
        kind__in=[UnitKind.UPPER, UnitKind.PROVINCE], numchild=0
    ).exists()


@postgres_only
def test_the_tree_is_a_valid_treebeard_tree_with_right_child_counts(built):
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    rows = list(Unit.objects.values_list("path", "numchild"))
    children = {}
    for path, _ in rows:
        parent = path[: -Unit.steplen]
        children[parent] = children.get(parent, 0) + 1
    for path, numchild in rows:
        assert numchild == children.get(path, 0), path


@postgres_only
def test_derived_columns_are_what_the_models_compute(built):
    members = Member.objects.filter(national_q("unit__"))
    ids = sorted(members.values_list("id", flat=True))
    sample = random.Random(1).sample(ids, 600)
    for member in Member.objects.filter(pk__in=sample):
        stored = (member.search_name, member.sort_key)
        member.refresh_derived()
        assert stored == (member.search_name, member.sort_key), member.pk
        assert member.joined_on > member.date_of_birth
        assert member.unit.kind in (UnitKind.GRASSROOTS, UnitKind.SECTION, UnitKind.AFFILIATE)
    for unit in Unit.objects.filter(national_q()):
        assert unit.search_name == fold(f"{unit.name} {unit.short_name} {unit.code}"), unit.code
        assert unit.sort_key == name_sort_key(unit.name), unit.code
    everyone = Member.objects.all()
    with_card = everyone.exclude(card_number="")
    assert with_card.values("card_number").distinct().count() == with_card.count()
    with_id = everyone.exclude(id_number="")
    assert with_id.values("id_number").distinct().count() == with_id.count()
    assert with_id.filter(national_q("unit__")).count() > 0.5 * len(ids)


@postgres_only
def test_the_big_tables_get_back_exactly_their_indexes_and_constraints(built):
    assert index_definitions() == built.indexes
    assert not national._state_file().exists()
    assert "dropped" in built.output and "recreating the indexes" in built.output


@postgres_only
def test_records_come_at_the_stated_rates(built):
    members = Member.objects.filter(national_q("unit__"))
    active = members.filter(status=MemberStatus.ACTIVE)
    n_active = active.count()
    assert n_active > 40_000
    grassroots = Unit.objects.filter(national_q(), kind=UnitKind.GRASSROOTS)
    n_grassroots = grassroots.count()
    national_members = Q(member__in=members)

    pledges = Pledge.objects.filter(national_members)
    assert 0.74 <= pledges.count() / n_active <= 0.86  # ~80 %
    accepted = pledges.filter(status="accepted").count()
    assert 0.86 <= accepted / pledges.count() <= 0.94  # 90 % of pledges accepted
    evaluations = Evaluation.objects.filter(pledge__in=pledges)
    assert 0.88 <= evaluations.count() / accepted <= 0.96  # 92 % of the accepted rated
    assert not evaluations.exclude(pledge__status="accepted").exists()

    participants = Participant.objects.filter(unit__in=Unit.objects.filter(national_q()))
    assert 0.14 <= participants.count() / n_active <= 0.26  # ~20 %
    attempts = Attempt.objects.filter(participant__in=participants)
    assert 1.9 <= attempts.count() / participants.count() <= 2.35  # (1 + 0.7) rounds × 1.25

    held = StudySession.objects.filter(unit__in=grassroots).count()
    assert 0.79 <= held / n_grassroots <= 0.91  # 85 %
    listed = Attendance.objects.filter(session__unit__in=grassroots).count()
    assert 0.40 <= listed / n_active <= 0.60  # 85 % held × 75 % listed × 60–95 % present

    posts = OutreachPost.objects.filter(unit__in=grassroots).count()
    assert 2.0 <= posts / n_grassroots <= 3.0  # 0–5 a union

    # the plan's tasks: every province and sector union (Đắk Lắk too), every upper-level union,
    # and two tasks passed down to every grassroots union
    plan = national.national_plan()
    uppers = Unit.objects.filter(national_q(), kind=UnitKind.UPPER).count()
    assert Assignment.objects.filter(task__plan=plan).count() == (
        83 * len(national.NATIONAL_TASKS) + uppers * len(national.PASSED_DOWN) + n_grassroots * 2
    )
    passed = Assignment.objects.filter(task__plan=plan, parent__isnull=False).select_related(
        "unit", "parent__unit"
    )
    for assignment in passed[:500]:
        assert assignment.unit.path.startswith(assignment.parent.unit.path)
    assert Nomination.objects.filter(unit__in=grassroots).count() >= 0.08 * n_grassroots


@postgres_only
def test_sessions_attempts_tallies_and_nominations_hold_their_derived_values(built):
    grassroots = Unit.objects.filter(national_q(), kind=UnitKind.GRASSROOTS)
    for session in StudySession.objects.filter(unit__in=grassroots).select_related("unit")[:60]:
        assert session.expected_count == count_expected(unit=session.unit, units=[session.unit])
        assert session.headcount_women <= session.headcount_total
    contest = national.Contest.objects.get(title=national.CONTEST_TITLE)
    correct = dict(Question.objects.filter(contest=contest).values_list("id", "correct"))
    for attempt in Attempt.objects.filter(round__contest=contest).order_by("id")[:300]:
        answers = attempt.answers
        assert attempt.score == scoring.score(attempt.questions, answers, correct)
    for round_ in contest.rounds.all():
        attempts = Attempt.objects.filter(round=round_)
        tally = UnitTally.objects.filter(round=round_).aggregate(
            entries=Sum("entries"), entrants=Sum("entrants")
        )
        assert tally["entries"] == attempts.count()
        assert tally["entrants"] == attempts.values("participant").distinct().count()
        assert attempts.filter(best=True).count() == tally["entrants"]
        by_path = dict(attempts.order_by().values_list("unit_path").annotate(n=Count("id")))
        stored = dict(UnitTally.objects.filter(round=round_).values_list("path", "entries"))
        assert stored == by_path
    from chuyende.honors.services import _search_text

    for nomination in Nomination.objects.filter(unit__in=grassroots).select_related(
        "member__unit", "nominee_unit"
    )[:50]:
        assert nomination.search_text == _search_text(nomination, nomination.nominee_home)
    assert tallies.differences() == []
    assert pledge_tallies.differences() == []
    assert assignment_tallies.differences() == []
    assert study_counts.stale() == []
    assert not Attendance.objects.filter(woman__isnull=True).exists()


@postgres_only
def test_the_provinces_report_to_the_confederation_with_the_counted_figures(built):
    plan = national.national_plan()
    reports = Report.objects.filter(form__plan=plan)
    assert reports.count() == 83 * 3
    assert set(reports.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "returned",
        "accepted",
    }
    form = reports.first().form
    indicators = list(form.indicators.filter(source="computed"))
    for report in reports.filter(unit__code__in=["HNI", "DLK", "TW-DL"]).select_related(
        "unit", "period"
    ):
        values = dict(
            ReportValue.objects.filter(report=report).values_list("indicator__code", "value")
        )
        counted = unit_figures(
            indicators=indicators,
            unit=report.unit,
            start=report.period.start,
            end=report.period.end,
            plan=plan,
        )
        assert set(values) == set(counted)
        for code, value in counted.items():
            assert (values[code] is None) == (value is None), code
            if value is not None:
                assert float(values[code]) == pytest.approx(float(value)), (report, code)
    members = dict(
        ReportValue.objects.filter(report__in=reports, indicator__code="org.members")
        .values_list("report__unit__code", "value")
        .distinct()
    )
    assert members["HNI"] > members["BKN"] > 0


@postgres_only
def test_the_province_persona_still_sees_only_its_province(built):
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["tinh", "xem"])}
    dlk = Unit.objects.get(code="DLK")
    in_province = Member.objects.filter(unit__path__startswith=dlk.path).count()
    for user in users.values():
        seen = Member.objects.for_user(user)
        assert seen.count() == in_province
        assert not seen.filter(national_q("unit__")).exists()
    assert Member.objects.filter(national_q("unit__")).count() > in_province


@postgres_only
def test_a_second_build_keeps_the_data_and_says_so(built):
    before = national.table_counts()
    out = StringIO()
    call_command(
        "demo", "--scale", "national", "--fraction", str(FRACTION), stdout=out
    )  # the province demo is there: the command's full-size default does not rebuild it
    assert "already loaded" in out.getvalue()
    assert "Rows per table" in out.getvalue() and "Database size" in out.getvalue()
    assert national.table_counts() == before
    assert built.result["built"] is True
    assert built.result["tables"]["org_member"] == before["org_member"]


@postgres_only
def test_delete_national_removes_it_and_leaves_the_province(built):
    dlk = Unit.objects.get(code="DLK")
    province = Member.objects.filter(unit__path__startswith=dlk.path).count()
    units = Unit.objects.filter(path__startswith=dlk.path).count()
    national.delete_national()
    assert national.national_state() == "absent"
    assert Member.objects.count() == province
    assert Unit.objects.filter(path__startswith=dlk.path).count() == units
    assert Unit.objects.filter(depth=2).count() == 1
    assert Unit.objects.get(code="TLD").numchild == 1
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    assert tallies.differences() == []
    assert pledge_tallies.differences() == []
    assert assignment_tallies.differences() == []
    assert study_counts.stale() == []
    assert not Attendance.objects.filter(woman__isnull=True).exists()
