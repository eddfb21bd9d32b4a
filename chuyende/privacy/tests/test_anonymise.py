"""Anonymisation: personal data of members who left long ago goes; every figure and tally stays."""

import dataclasses
import datetime
import io
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chuyende.core.models import AuditEvent
from chuyende.org import selectors as org_selectors
from chuyende.org import tallies
from chuyende.org.models import Member, RoleAssignment, Unit
from chuyende.privacy.anonymise import PREFIX, anonymise, pseudonym
from chuyende.privacy.models import AnonymisationRun, AnonymisedMember, CorrectionRequest

from .helpers import member_left, records_for

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.date(2019, 5, 1)
NAME = "Lê Văn Rời"
PHONE = "0935111222"
ID_NUMBER = "066080001111"


def _at(year, month, day, hour=0, minute=0):
    """An aware local time."""
    moment = datetime.datetime.combine(datetime.date(year, month, day), datetime.time(hour, minute))
    return timezone.make_aware(moment)


def _personal(**extra):
    return {
        "gender": "male",
        "ethnicity": "Ê Đê",
        "religion": "Tin Lành",
        "phone": PHONE,
        "email": "roi@example.vn",
        "id_number": ID_NUMBER,
        "card_number": "DV-0042",
        "job_title": "Kỹ sư",
        "joined_on": datetime.date(2010, 1, 1),
        **extra,
    }


@pytest.fixture
def departed(world, django_user_model):
    """Rời (A1, with an account and records in every module) and Mai (A2, transferred) left
    in 2019; Tâm left in 2019 without an audit row; Lan left in 2019 and was edited in 2025;
    Hòa left 100 days ago (still kept)."""
    account = django_user_model.objects.create_user(
        username="roi", password="pw", first_name="Rời", last_name="Lê", email="roi@example.vn"
    )
    RoleAssignment.objects.create(user=account, unit=world.a1, role="member")
    d = SimpleNamespace(account=account)
    d.roi = member_left(world, world.a1, NAME, on=LONG_AGO, user=account, **_personal())
    Member.objects.filter(pk=d.roi.pk).update(status="active")  # active while the records are made
    d.roi.refresh_from_db()
    d.records = records_for(world, d.roi)
    Member.objects.filter(pk=d.roi.pk).update(status="left")
    d.roi.refresh_from_db()
    CorrectionRequest.objects.create(
        member=d.roi, field="phone", current_value=PHONE, proposed_value="0935999888", note=NAME
    )
    d.mai = member_left(
        world, world.a2, "Đỗ Thị Mai", on=LONG_AGO, status="transferred", phone="0935000333"
    )
    from conftest import make_member

    d.tam = make_member(world.a2, "Võ Minh Tâm", status="left", phone="0935000444")
    Member.objects.filter(pk=d.tam.pk).update(updated_at=_at(2018, 1, 1))
    d.lan = member_left(world, world.a1, "Phan Thị Lan", on=LONG_AGO, phone="0935000555")
    from django.db import transaction

    from chuyende.org import services as org_services

    with transaction.atomic():
        org_services.member_update(member=d.lan, acting_user=world.bob, job_title="Thủ quỹ")
    d.hoa = member_left(
        world,
        world.a1,
        "Lý Thị Hòa",
        on=timezone.localdate() - datetime.timedelta(days=100),
        phone="0935000666",
    )
    return d


@pytest.fixture
def work(world, departed):
    """Working files naming Rời: a paper-pledge import with her row, a finished member import
    into A1 (its sheet, the cells read from it, errors quoting her), a member-list export of A,
    and, left alone, an import of B, an active-only export and an import still waiting."""
    from django.core.files.base import ContentFile

    from chuyende.pledges.models import PledgeImport
    from chuyende.transfer import cache
    from chuyende.transfer.models import ExportJob, ImportJob

    w = SimpleNamespace()
    sheet = f"Họ và tên,Điện thoại\n{NAME},{PHONE}\nTrần Thị Bình,0987654321\n".encode()
    template = world._privacy_template
    w.pledge_import = PledgeImport.objects.create(
        unit=world.a1,
        template=template,
        file_name="cam-ket.xlsx",
        total_rows=3,
        imported=0,
        valid_rows=[
            {"row": 2, "member": departed.roi.pk, "fields": {"full_name": NAME}},
            {"row": 3, "member": world.binh.pk, "fields": {"full_name": "Trần Thị Bình"}},
        ],
        errors=[{"row": 4, "column": "Họ và tên", "message": f"{NAME} đã có bản cam kết"}],
    )

    def import_job(unit, status, **extra):
        job = ImportJob(
            unit=unit,
            kind="members",
            original_name="doan-vien.csv",
            status=status,
            total_rows=2,
            new_count=1,
            error_count=1,
            errors=[[3, "Điện thoại", f"{PHONE} đã có"]],
            **extra,
        )
        job.file.save("doan-vien.csv", ContentFile(sheet), save=False)
        job.save()
        cache.store(f"imports/cache/parsed-{job.pk}-0123456789abcdef.pickle", [[NAME, PHONE]])
        return job

    def export_job(unit, **filters):
        job = ExportJob(
            unit=unit,
            kind="members",
            format="csv",
            filters=filters,
            status="done",
            row_count=2,
            created_by=world.bob,
        )
        job.file.save("doan-vien.csv", ContentFile(sheet), save=False)
        job.save()
        return job

    w.done_import = import_job(world.a1, "done")
    w.waiting_import = import_job(world.a1, "validated")
    w.foreign_import = import_job(world.b1, "done")
    w.export = export_job(world.a)
    w.whole_export = export_job(None)
    w.active_export = export_job(world.a, status="active")
    w.foreign_export = export_job(world.b)
    return w


def snapshot(world):
    """Every report figure of every unit (subtree and per child, with and without a plan), the
    member and unit tallies, the unit figures, the contests' tallies and board numbers."""
    from chuyende.contests import selectors as contest_selectors
    from chuyende.contests.models import Attempt, Round
    from chuyende.contests.models import UnitTally as ContestTally
    from chuyende.reports.registry import REGISTRY
    from chuyende.reports.selectors import compute_figures

    indicators = [SimpleNamespace(code=code) for code in sorted(REGISTRY)]
    units = list(Unit.objects.order_by("path"))
    out = {}
    for unit in units:
        for width in (len(unit.path), len(unit.path) + Unit.steplen):
            for plan in (None, world.plan):
                out[(unit.path, width, plan and plan.pk)] = compute_figures(
                    indicators=indicators,
                    root_path=unit.path,
                    width=width,
                    start=datetime.date(2000, 1, 1),
                    end=datetime.date(2035, 12, 31),
                    plan=plan,
                )
        out[("figures", unit.path)] = dataclasses.asdict(org_selectors.unit_figures(unit=unit))
        for status in ("active", "left", "transferred"):
            out[("count", unit.path, status)] = org_selectors.member_count(
                user=world.admin, unit=unit, status=status
            )
    out["member tallies"], out["unit tallies"] = tallies.stored()
    out["contest tallies"] = sorted(
        ContestTally.objects.values_list("round_id", "path", "shard", "entries", "entrants")
    )
    out["attempts"] = sorted(
        Attempt.objects.values_list("pk", "round_id", "status", "score", "seconds", "best")
    )
    for round_ in Round.objects.all():
        cache.clear()
        board = contest_selectors.individual_board(round_=round_)
        out[("board", round_.pk)] = [
            {k: v for k, v in row.items() if "name" not in k} for row in board["rows"]
        ]
        out[("units", round_.pk)] = [
            (r.unit.pk, r.entries, r.entrants, r.rate)
            for r in contest_selectors.unit_board(round_=round_, parent=round_.contest.unit)
        ]
    from chuyende.honors.models import Award, Nomination
    from chuyende.pledges.models import PledgeImport
    from chuyende.transfer.models import ExportJob, ImportJob

    # the records and the counts of the working jobs stay (their files and rows may go)
    out["nominations"] = sorted(
        Nomination.objects.values_list("pk", "unit_id", "kind", "category", "status", "year")
    )
    out["awards"] = sorted(Award.objects.values_list("pk", "nomination_id", "decision_id"))
    out["imports"] = sorted(
        ImportJob.objects.values_list(
            "pk", "unit_id", "kind", "total_rows", "new_count", "updated_count", "error_count"
        )
    )
    out["exports"] = sorted(ExportJob.objects.values_list("pk", "unit_id", "kind", "row_count"))
    out["pledge imports"] = sorted(
        PledgeImport.objects.values_list("pk", "unit_id", "total_rows", "imported")
    )
    assert len(REGISTRY) > 20  # every module's indicators are in
    return out


def _everything(*models):
    return str([list(m.objects.values()) for m in models])


def test_figures_and_tallies_are_the_same_before_and_after(world, departed, work):
    before = snapshot(world)
    result = anonymise(trigger="test")
    assert result["members"] == 4
    assert result["removed"]["files"] == 2 and result["removed"]["exports"] == 2
    after = snapshot(world)
    assert after == before
    assert tallies.differences() == []


def test_personal_data_is_replaced_everywhere(world, departed):
    from chuyende.contests.models import Attempt, Participant
    from chuyende.honors.models import Nomination, NominationStep
    from chuyende.pledges.models import Evaluation, Pledge

    anonymise(trigger="test")
    roi = Member.objects.get(pk=departed.roi.pk)
    assert roi.full_name == f"Đoàn viên đã ẩn danh #{roi.pk}" == pseudonym(roi.pk)
    assert roi.date_of_birth is None and roi.user_id is None
    assert roi.phone == roi.email == roi.id_number == roi.religion == ""
    assert roi.card_number == roi.job_title == ""
    # what the figures count stays
    assert (roi.status, roi.gender, roi.ethnicity, roi.unit_id) == (
        "left",
        "male",
        "Ê Đê",
        world.a1.pk,
    )
    assert roi.joined_on == datetime.date(2010, 1, 1)
    assert roi.search_name == f"doan vien da an danh #{roi.pk}"
    # the records
    pledge = Pledge.objects.get(member=roi)
    assert pledge.full_name == roi.full_name and pledge.position == ""
    assert pledge.actions[0] == f"{roi.full_name} đọc sách về Bác"
    assert NAME not in pledge.return_comment
    evaluation = Evaluation.objects.get(pledge=pledge)
    assert NAME not in evaluation.self_note and NAME not in str(evaluation.results)
    nomination = Nomination.objects.get(member=roi)
    assert nomination.nominee_name == roi.full_name and not nomination.showcase
    assert nomination.title == f"Gương sáng {roi.full_name}"
    assert "le van roi" not in nomination.search_text
    participant = Participant.objects.get(member=roi)
    assert participant.full_name == roi.full_name and participant.phone == f"#{participant.pk}"
    assert participant.ip_address is None
    assert not Attempt.objects.filter(participant=participant, ip_address__isnull=False).exists()
    # the login account that served only this member is closed
    account = get_user_model().objects.get(pk=departed.account.pk)
    assert not account.is_active and not account.has_usable_password()
    assert account.username == f"an-danh-{account.pk}"
    assert account.first_name == account.last_name == account.email == ""
    assert not RoleAssignment.objects.filter(user=account).exists()
    # nowhere in these tables is the name, phone or citizen ID left
    dump = _everything(
        Member,
        Pledge,
        Evaluation,
        Nomination,
        NominationStep,
        Participant,
        AuditEvent,
        CorrectionRequest,
        get_user_model(),
    )
    for text in (NAME, PHONE, ID_NUMBER, "roi@example.vn", "Tin Lành", "DV-0042"):
        at = dump.find(text)
        assert at < 0, dump[max(at - 400, 0) : at + 100]
    assert "Lê Văn Rời".lower() not in dump.lower()


def test_who_is_due(world, departed):
    anonymise(trigger="test")
    done = set(AnonymisedMember.objects.values_list("member_id", flat=True))
    assert done == {departed.roi.pk, departed.mai.pk, departed.tam.pk, departed.lan.pk}
    kept = Member.objects.get(pk=departed.hoa.pk)
    assert kept.full_name == "Lý Thị Hòa" and kept.phone == "0935000666"
    for active in (world.an, world.binh, world.hnga, world.foreign):
        fresh = Member.objects.get(pk=active.pk)
        assert fresh.full_name == active.full_name and fresh.phone == active.phone
    left_at = AnonymisedMember.objects.get(member=departed.roi).left_at
    assert timezone.localtime(left_at).date() == LONG_AGO


def test_the_retention_period_is_a_setting(world, departed, settings):
    settings.PRIVACY_RETENTION_DAYS = 50
    assert anonymise(trigger="test")["members"] == 5  # Hòa left 100 days ago
    settings.PRIVACY_RETENTION_DAYS = 50 * 365
    assert anonymise(trigger="test")["members"] == 0


def test_a_second_run_changes_nothing(world, departed):
    anonymise(trigger="test")
    members = list(Member.objects.order_by("pk").values())
    events = AuditEvent.objects.count()
    before = snapshot(world)
    result = anonymise(trigger="test")
    assert result["members"] == 0 and result["batches"] == 0
    assert list(Member.objects.order_by("pk").values()) == members
    assert snapshot(world) == before
    assert AuditEvent.objects.count() == events + 1  # the run's summary, nothing else


def test_a_dry_run_changes_nothing(world, departed):
    members = list(Member.objects.order_by("pk").values())
    result = anonymise(trigger="test", dry_run=True)
    assert result["members"] == 4 and result["run"] is None
    assert list(Member.objects.order_by("pk").values()) == members
    assert not AnonymisedMember.objects.exists() and not AnonymisationRun.objects.exists()


def test_every_batch_is_audited_per_unit_and_the_run_summarised(world, departed):
    anonymise(trigger="command", batch=2)
    run = AnonymisationRun.objects.get()
    assert (run.members, run.batches, run.trigger) == (4, 2, "command")
    batches = AuditEvent.objects.filter(
        object_type="privacy.anonymisationrun", unit__isnull=False
    ).order_by("pk")
    by_unit = {}
    for event in batches:
        by_unit.setdefault(event.unit_id, []).extend(event.changes["members"])
        assert event.changes["anonymised"] == len(event.changes["members"])
    assert by_unit == {
        world.a1.pk: sorted([departed.roi.pk, departed.lan.pk]),
        world.a2.pk: sorted([departed.mai.pk, departed.tam.pk]),
    }
    summary = AuditEvent.objects.get(object_type="privacy.anonymisationrun", unit__isnull=True)
    assert summary.changes["anonymised"] == 4 and summary.changes["trigger"] == "command"
    assert summary.changes["retention_days"] == 1826
    # a manager of A sees the anonymisation of A's members in the audit log; B's does not
    assert (
        AuditEvent.objects.for_user(world.bob, "audit")
        .filter(object_type="privacy.anonymisationrun")
        .count()
        == batches.count()
        == 4  # two batches of two members, each in two units
    )
    assert (
        not AuditEvent.objects.for_user(world.mallory, "audit")
        .filter(object_type="privacy.anonymisationrun")
        .exists()
    )


def test_a_batch_costs_the_same_statements_whatever_its_size(world, departed):
    anonymise(trigger="test")  # the fixture's members

    def due_with_records(names):
        for name in names:
            member = member_left(world, world.a2, name, on=LONG_AGO, phone="")
            Member.objects.filter(pk=member.pk).update(status="active")
            member.refresh_from_db()
            records_for(world, member, tag=f" {name}")
            Member.objects.filter(pk=member.pk).update(status="left")

    def statements():
        with CaptureQueriesContext(connection) as captured:
            anonymise(trigger="test")
        return len(captured.captured_queries)

    due_with_records(["Hồ Văn Một"])
    one = statements()
    due_with_records([f"Hồ Văn Số {n}" for n in ("Hai", "Ba", "Bốn", "Năm", "Sáu")])
    five = statements()
    assert AnonymisedMember.objects.count() == 10
    assert five == one


def test_the_command(world, departed):
    out = io.StringIO()
    call_command("anonymise_members", "--dry-run", stdout=out)
    assert "4 members due (dry run, nothing changed)" in out.getvalue()
    assert not AnonymisedMember.objects.exists()
    out = io.StringIO()
    call_command("anonymise_members", stdout=out)
    assert "4 members anonymised" in out.getvalue() and "retention 1826 days" in out.getvalue()
    assert Member.objects.filter(full_name__startswith=PREFIX).count() == 4


def test_the_nightly_task_runs_the_same(world, departed):
    from chuyende.privacy.tasks import anonymise_members_daily

    result = anonymise_members_daily.enqueue()  # the immediate backend of the tests
    assert result.return_value["members"] == 4
    assert AnonymisationRun.objects.get().trigger == "task"


def test_the_nightly_run_is_queued_once_on_the_database_queue(world, settings):
    from django_tasks_db.models import DBTaskResult

    from chuyende.privacy import tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    now = _at(2026, 3, 1, 14, 0)
    assert tasks.next_run(now) == _at(2026, 3, 2, 2, 30)
    early = _at(2026, 3, 1, 1, 0)
    assert tasks.next_run(early) == _at(2026, 3, 1, 2, 30)
    first = tasks.ensure_scheduled(now)
    assert first is not None
    assert tasks.ensure_scheduled(now) is None
    out = io.StringIO()
    call_command("anonymise_members", "--schedule", stdout=out)
    assert "already queued" in out.getvalue()
    queued = DBTaskResult.objects.get()
    assert queued.status == "READY" and queued.task_path.endswith("anonymise_members_daily")
    assert queued.run_after == _at(2026, 3, 2, 2, 30)
    # the run (claimed by a worker) queues the next night's before working, and only once
    DBTaskResult.objects.filter(pk=queued.pk).update(status="RUNNING")
    result = queued.task.func()
    following = DBTaskResult.objects.get(status="READY")
    assert result["next"] == str(following.pk)
    assert queued.task.func()["next"] is None  # a retried or second run does not double it
    assert DBTaskResult.objects.filter(status="READY").count() == 1
