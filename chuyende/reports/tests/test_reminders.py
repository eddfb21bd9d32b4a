"""Report reminders: before the due date to the unit's managers and editors, escalation after it
with a copy to the parent's managers, the one-click reminder of all overdue units, never twice a
day, one e-mail digest per person per day; the command and the daily task."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from chuyende.core.models import AuditEvent
from chuyende.notifications.models import Notification
from chuyende.reports.models import Report, ReportForm
from chuyende.reports.reminders import pending_units, reminders_send_overdue, run_day, stage
from chuyende.reports.services import period_ensure
from chuyende.reports.tasks import next_run, send_reminders_daily

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def upper_form(world):
    """The province's semester form for upper-level unions (A: bob, B: mallory report to the
    province: alice); 2024S1 is due on 10/07/2024 and locks on 08/09/2024."""
    world.form = ReportForm.objects.create(
        plan=world.plan,
        name="Báo cáo chuyên đề",
        period_kind="semester",
        reporting_kind="upper",
        recipient=world.province,
    )
    world.period = period_ensure("2024S1")
    assert world.period.due == datetime.date(2024, 7, 10)
    return world


def days(n):
    return datetime.timedelta(days=n)


def notes(user):
    return list(Notification.objects.filter(user=user).order_by("kind", "unit__path"))


def test_stage_reminds_n_days_before_and_on_the_due_date_then_escalates_weekly(upper_form):
    period = upper_form.period
    due = period.due
    assert stage(period=period, today=due - days(6)) is None
    assert stage(period=period, today=due - days(5)) == "reminder"
    assert stage(period=period, today=due - days(3)) is None
    assert stage(period=period, today=due - days(3), days_before=3) == "reminder"
    assert stage(period=period, today=due) == "reminder"
    assert stage(period=period, today=due + days(1)) == "escalation"
    assert stage(period=period, today=due + days(2)) is None
    assert stage(period=period, today=due + days(8)) == "escalation"
    assert stage(period=period, today=period.locks_on + days(6)) is None


def test_pending_units_leaves_out_those_who_submitted(upper_form):
    w = upper_form
    assert [u.code for u in pending_units(form=w.form, period=w.period)] == ["DLK-BMT", "DLK-EAKAR"]
    Report.objects.create(form=w.form, period=w.period, unit=w.a, status="submitted")
    Report.objects.create(form=w.form, period=w.period, unit=w.b, status="draft")
    assert [u.code for u in pending_units(form=w.form, period=w.period)] == ["DLK-EAKAR"]


def test_five_days_before_the_due_date_the_units_officers_are_reminded_once(upper_form):
    w = upper_form
    with time_machine.travel(datetime.datetime(2024, 7, 5, 6, 0, tzinfo=HCM), tick=False):
        result = run_day(day=datetime.date(2024, 7, 5))
        assert run_day(day=datetime.date(2024, 7, 5))["notifications"] == 0
    assert result["notifications"] == 2
    assert [(n.kind, n.unit_id) for n in notes(w.bob)] == [("reminder", w.a.pk)]
    assert [(n.kind, n.unit_id) for n in notes(w.mallory)] == [("reminder", w.b.pk)]
    assert notes(w.alice) == [] and notes(w.carol) == [] and notes(w.erin) == []
    assert notes(w.bob)[0].link == reverse("reports:report_list")
    assert AuditEvent.objects.filter(object_type="notifications.notification").count() == 1


def test_editors_are_reminded_and_members_are_not(upper_form):
    w = upper_form
    from chuyende.org.models import RoleAssignment

    RoleAssignment.objects.create(user=w.carol, unit=w.a, role="editor")
    RoleAssignment.objects.create(user=w.dave, unit=w.a, role="member")
    run_day(day=datetime.date(2024, 7, 5))
    assert len(notes(w.carol)) == 1 and notes(w.dave) == []


def test_after_the_due_date_the_late_unit_is_escalated_with_a_copy_to_the_parent(upper_form):
    w = upper_form
    Report.objects.create(form=w.form, period=w.period, unit=w.a, status="submitted")
    assert run_day(day=datetime.date(2024, 7, 11))["notifications"] == 2
    assert notes(w.bob) == []
    assert [(n.kind, n.unit_id) for n in notes(w.mallory)] == [("escalation", w.b.pk)]
    copy = notes(w.alice)
    assert [(n.kind, n.unit_id) for n in copy] == [("escalation_copy", w.b.pk)]
    assert copy[0].link.endswith(f"?unit={w.province.pk}")
    assert run_day(day=datetime.date(2024, 7, 12))["notifications"] == 0
    assert run_day(day=datetime.date(2024, 7, 18))["notifications"] == 2


def test_nothing_goes_out_on_quiet_days_or_once_the_period_is_locked(upper_form):
    w = upper_form
    assert run_day(day=datetime.date(2024, 7, 1))["notifications"] == 0
    assert run_day(day=w.period.locks_on + days(6))["notifications"] == 0
    assert Notification.objects.count() == 0


def test_the_day_sends_one_digest_per_person_with_an_email(upper_form):
    w = upper_form
    w.mallory.email = "mallory@eakar.vn"
    w.mallory.save()
    w.alice.email = "alice@daklak.vn"
    w.alice.save()
    result = run_day(day=datetime.date(2024, 7, 11))
    assert result == {"notifications": 4, "emails": 2}
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@daklak.vn", "mallory@eakar.vn"]
    assert run_day(day=datetime.date(2024, 7, 11)) == {"notifications": 0, "emails": 0}
    assert len(mail.outbox) == 2


def test_one_click_reminds_all_overdue_units_below_the_parent(client, upper_form):
    w = upper_form
    Report.objects.create(form=w.form, period=w.period, unit=w.a, status="accepted")
    url = reverse("notifications:remind_overdue", args=[w.form.pk, w.period.code])
    client.force_login(w.alice)
    with time_machine.travel(datetime.datetime(2024, 7, 20, 9, 0, tzinfo=HCM), tick=False):
        response = client.post(url, {"unit": w.province.pk})
        again = client.post(url, {"unit": w.province.pk})
    assert response.status_code == 302
    assert response["Location"].endswith(f"?unit={w.province.pk}")
    assert [(n.kind, n.unit_id) for n in notes(w.mallory)] == [("overdue", w.b.pk)]
    assert notes(w.bob) == []
    assert again.status_code == 302 and len(notes(w.mallory)) == 1
    event = AuditEvent.objects.get(object_type="notifications.notification")
    assert event.actor == w.alice and event.unit == w.province


def test_the_overdue_service_counts_nothing_before_the_due_date(upper_form):
    w = upper_form
    count = reminders_send_overdue(
        form=w.form,
        period=w.period,
        parent=w.province,
        acting_user=w.alice,
        today=datetime.date(2024, 7, 9),
    )
    assert count == 0 and Notification.objects.count() == 0


def test_reminding_needs_the_right_to_change_the_parent(client, upper_form):
    w = upper_form
    url = reverse("notifications:remind_overdue", args=[w.form.pk, w.period.code])
    client.force_login(w.erin)
    with time_machine.travel(datetime.datetime(2024, 7, 20, 9, 0, tzinfo=HCM), tick=False):
        assert client.post(url, {"unit": w.province.pk}).status_code == 403
        assert client.post(url, {"unit": "abc"}).status_code == 404
    assert Notification.objects.count() == 0


def test_a_manager_below_reminds_only_inside_their_subtree(client, upper_form):
    w = upper_form
    grassroots = ReportForm.objects.create(
        plan=w.plan,
        name="Báo cáo cơ sở",
        period_kind="semester",
        reporting_kind="grassroots",
        recipient=w.province,
    )
    from chuyende.org.models import RoleAssignment

    RoleAssignment.objects.create(user=w.mallory, unit=w.b1, role="editor")
    client.force_login(w.bob)
    url = reverse("notifications:remind_overdue", args=[grassroots.pk, w.period.code])
    with time_machine.travel(datetime.datetime(2024, 7, 20, 9, 0, tzinfo=HCM), tick=False):
        response = client.post(url, {"unit": w.a.pk})
        assert client.post(url, {"unit": w.b.pk}).status_code == 404
    assert response.status_code == 302
    assert [n.unit_id for n in notes(w.carol)] == [w.a1.pk]
    assert notes(w.mallory) == []


def test_the_command_runs_a_given_day_and_refuses_a_bad_date(upper_form):
    out = StringIO()
    call_command("send_reminders", "--date", "2024-07-05", stdout=out)
    assert "2024-07-05: 2 notifications, 0 e-mails" in out.getvalue()
    out = StringIO()
    call_command("send_reminders", "--date", "2024-07-05", stdout=out)
    assert "0 notifications" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("send_reminders", "--date", "05/07/2024")


def test_the_task_runs_the_day_without_chaining_on_the_immediate_backend(upper_form):
    result = send_reminders_daily.enqueue(day="2024-07-05")
    assert result.return_value == {"notifications": 2, "emails": 0}
    assert Notification.objects.count() == 2


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_the_task_enqueues_itself_for_the_next_morning(upper_form):
    with time_machine.travel(datetime.datetime(2024, 7, 5, 6, 0, tzinfo=HCM), tick=False):
        result = send_reminders_daily.call(day="2024-07-05")
    backend = send_reminders_daily.get_backend()
    assert [r.id for r in backend.results] == [result["next"]]
    follow = backend.results[0]
    assert follow.task.func is send_reminders_daily.func
    assert follow.task.run_after == datetime.datetime(2024, 7, 6, 6, 0, tzinfo=HCM)
    assert follow.kwargs == {"days_before": 5} and follow.args == []


def test_next_run_is_tomorrow_at_six_local_time():
    late_evening = datetime.datetime(2024, 12, 31, 23, 30, tzinfo=HCM)
    assert next_run(late_evening) == datetime.datetime(2025, 1, 1, 6, 0, tzinfo=HCM)


@pytest.mark.django_db
def test_send_reminders_schedule_queues_the_first_daily_run_once(settings):
    """`chuyende run` queues the first run; the task then re-queues itself (never twice)."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    out = StringIO()
    call_command("send_reminders", "--schedule", stdout=out)
    assert "daily reminders queued" in out.getvalue()
    call_command("send_reminders", "--schedule", stdout=out)
    assert "already queued" in out.getvalue()
    queued = DBTaskResult.objects.get()
    assert queued.status == "READY" and queued.task_path.endswith("send_reminders_daily")
    assert Notification.objects.count() == 0  # nothing sent now
