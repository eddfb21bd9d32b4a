"""Recurring tasks (the nightly anonymisation, the daily report reminders) queue their own next
run: a worker killed in the middle of one must not end the chain, and recovering it must never
leave two runs queued."""

import datetime as dt
import socket
import subprocess
import sys

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from chuyende.core import workers
from chuyende.privacy import tasks as privacy_tasks
from chuyende.reports import tasks as report_tasks

pytestmark = pytest.mark.django_db

HOST = socket.gethostname().replace(":", "-")[:24]
NOW = dt.datetime(2026, 3, 1, 6, 1, tzinfo=dt.UTC)  # 13:01 in Hồ Chí Minh City
RECURRING = [
    pytest.param(
        report_tasks.send_reminders_daily, {"days_before": 3}, report_tasks.next_run, id="reminders"
    ),
    pytest.param(privacy_tasks.anonymise_members_daily, {}, privacy_tasks.next_run, id="anonymise"),
]
# What each task's work calls: replaced by a shutdown in the middle of the work.
WORK = {
    report_tasks.send_reminders_daily.module_path: "chuyende.reports.tasks.run_day",
    privacy_tasks.anonymise_members_daily.module_path: "chuyende.privacy.anonymise.anonymise",
}


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def dead_worker():
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return lambda name: f"{HOST}:{process.pid}:{name}"


def _running(task, kwargs, worker_ids):
    return DBTaskResult.objects.create(
        status="RUNNING",
        args_kwargs={"args": [], "kwargs": kwargs},
        task_path=task.module_path,
        backend_name="default",
        queue_name="default",
        run_after=get_date_max(),
        worker_ids=worker_ids,
        started_at=timezone.now() - dt.timedelta(seconds=5),
    )


def _ready(task):
    return list(DBTaskResult.objects.filter(task_path=task.module_path, status="READY"))


def test_both_recurring_tasks_are_registered():
    report_tasks.send_reminders_daily  # noqa: B018 — the modules are imported above
    assert {
        report_tasks.send_reminders_daily.module_path,
        privacy_tasks.anonymise_members_daily.module_path,
    } <= workers.recurring_paths()


@pytest.mark.parametrize("task, kwargs, next_run", RECURRING)
def test_a_lost_run_is_retried_then_given_up_with_exactly_one_next_run(
    task, kwargs, next_run, dead_worker
):
    with time_machine.travel(NOW, tick=False):
        row = _running(task, kwargs, [dead_worker("first001")])
        assert [d["action"] for d in workers.recover_lost_tasks()] == ["retried"]
        # the retried run is the one waiting: nothing more is queued
        assert [r.pk for r in _ready(task)] == [row.pk]
        assert workers.recover_lost_tasks() == []

        row.refresh_from_db()
        row.claim(dead_worker("second02"))  # claimed again ... and killed again
        assert [d["action"] for d in workers.recover_lost_tasks()] == ["failed"]
        row.refresh_from_db()
        assert row.status == "FAILED"
        following = _ready(task)
        assert len(following) == 1, "the chain must go on, once"
        assert following[0].run_after == next_run(timezone.now())
        assert following[0].args_kwargs == {"args": [], "kwargs": kwargs}
        assert workers.recover_lost_tasks() == []
        assert len(_ready(task)) == 1


@pytest.mark.parametrize("task, kwargs, next_run", RECURRING)
def test_a_run_lost_after_queueing_its_successor_is_not_doubled(
    task, kwargs, next_run, dead_worker, monkeypatch
):
    """Killed after it queued tomorrow's run: retried, it finds that run and queues none; given
    up, the one queued stays the only one."""
    with time_machine.travel(NOW, tick=False):
        row = _running(task, kwargs, [dead_worker("first001")])
        successor = task.using(run_after=next_run(timezone.now())).enqueue(**kwargs)
        assert [d["action"] for d in workers.recover_lost_tasks()] == ["retried"]
        assert {str(r.pk) for r in _ready(task)} == {str(row.pk), str(successor.id)}

        # the retried run, on a live worker, does its work and queues no second successor
        DBTaskResult.objects.filter(pk=row.pk).update(status="RUNNING")
        result = task.call(**kwargs)
        DBTaskResult.objects.filter(pk=row.pk).update(status="SUCCESSFUL")
        assert result.get("next") is None
        assert [str(r.pk) for r in _ready(task)] == [str(successor.id)]

        # the same, given up at once: still only the successor
        monkeypatch.setattr(workers, "MAX_ATTEMPTS", 1)
        lost = _running(task, kwargs, [dead_worker("third003")])
        assert [d["action"] for d in workers.recover_lost_tasks()] == ["failed"]
        lost.refresh_from_db()
        assert lost.status == "FAILED"
        assert [str(r.pk) for r in _ready(task)] == [str(successor.id)]


@pytest.mark.parametrize("task, kwargs, next_run", RECURRING)
def test_a_run_cut_short_by_a_shutdown_keeps_the_chain(task, kwargs, next_run, monkeypatch):
    """The worker's own shutdown (SystemExit in the middle of the work) goes through the same
    settling: given up (one attempt here), the next run is queued, once."""
    from django_tasks_db.management.commands.db_worker import Worker

    monkeypatch.setattr(workers, "MAX_ATTEMPTS", 1)
    worker_id = workers.new_worker_id("stopping")
    worker = Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id=worker_id, excluded_queue_names=[],
    )  # fmt: skip

    def stopped(*args, **kwargs):
        raise SystemExit(1)

    with time_machine.travel(NOW, tick=False):
        row = DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": kwargs},
            task_path=task.module_path,
            backend_name="default",
            run_after=get_date_max(),
        )
        row.claim(worker_id)
        monkeypatch.setattr(WORK[task.module_path], stopped)
        worker.run_task(row)
        row.refresh_from_db()
        assert row.status == "FAILED" and row.exception_class_path.endswith("WorkerLost")
        following = _ready(task)
        assert len(following) == 1 and following[0].run_after == next_run(timezone.now())


def test_a_task_that_is_not_recurring_queues_nothing(dead_worker):
    row = _running(report_tasks.refresh_figures, {}, [dead_worker("x")])
    row.args_kwargs = {"args": [1, None], "kwargs": {}}
    row.save(update_fields=["args_kwargs"])
    assert [d["action"] for d in workers.recover_lost_tasks()] == ["failed"]
    assert not DBTaskResult.objects.filter(status="READY").exists()
