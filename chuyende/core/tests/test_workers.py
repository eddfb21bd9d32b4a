"""A task whose worker died: retried when that is safe and attempts are left, else failed with its
reason, and its job failed with a Vietnamese message. Live workers' tasks are left alone."""

import datetime as dt
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult, get_date_max

from chuyende.core import workers
from chuyende.transfer.models import ExportJob, ImportJob, ImportStatus

pytestmark = pytest.mark.django_db

HOST = socket.gethostname().replace(":", "-")[:24]
RUN_IMPORT = "chuyende.transfer.tasks.run_import"
RUN_EXPORT = "chuyende.transfer.tasks.run_export"
REFRESH = "chuyende.reports.tasks.refresh_figures"


@pytest.fixture
def dead_pid():
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.fixture
def live_worker():
    """A process whose command line names a worker, as `chuyende worker` does."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "worker"])
    # Until the child has exec'ed, its command line is still pytest's (no "worker"): on a busy
    # machine the tests could ask before that and find the worker gone.
    cmdline = Path(f"/proc/{process.pid}/cmdline")
    deadline = time.monotonic() + 10
    while cmdline.exists() and b"worker" not in cmdline.read_bytes():
        if time.monotonic() > deadline:
            break
        time.sleep(0.01)
    yield f"{HOST}:{process.pid}:alive001"
    process.kill()
    process.wait()


def _running(task_path, args, worker_ids, started=None):
    return DBTaskResult.objects.create(
        status="RUNNING",
        args_kwargs={"args": args, "kwargs": {}},
        task_path=task_path,
        backend_name="default",
        queue_name="default",
        run_after=get_date_max(),
        worker_ids=worker_ids,
        started_at=started or timezone.now() - dt.timedelta(seconds=5),
    )


def _claim_again(row, worker_id):
    """What db_worker's claim does when it picks a READY task."""
    row.refresh_from_db()
    assert row.status == "READY"
    row.claim(worker_id)


def _import_job(world, status=ImportStatus.IMPORTING):
    return ImportJob.objects.create(
        unit=world.a1, kind="members", file="imports/x.csv", original_name="x.csv", status=status
    )


def test_an_import_cut_short_runs_again_once_then_fails_with_its_reason(world, dead_pid):
    job = _import_job(world)
    row = _running(RUN_IMPORT, [job.pk], [f"{HOST}:{dead_pid}:first001"])

    done = workers.recover_lost_tasks()

    assert [(d["id"], d["action"]) for d in done] == [(str(row.pk), "retried")]
    row.refresh_from_db()
    assert row.status == "READY" and row.started_at is None
    job.refresh_from_db()
    assert job.status == ImportStatus.IMPORTING  # still going, on the next worker

    _claim_again(row, f"{HOST}:{dead_pid}:second02")  # ... which dies as well
    done = workers.recover_lost_tasks()

    assert [d["action"] for d in done] == ["failed"]
    row.refresh_from_db()
    assert row.status == "FAILED" and row.finished_at is not None
    assert row.exception_class_path == "chuyende.core.workers.WorkerLost"
    assert "second02" in row.traceback
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.message == workers.lost_reason(2) and "2" in job.message
    assert job.finished_at is not None
    assert workers.recover_lost_tasks() == []  # nothing left to do


def test_a_failed_export_says_why(world, dead_pid, monkeypatch):
    monkeypatch.setattr(workers, "MAX_ATTEMPTS", 1)
    job = ExportJob.objects.create(kind="members", format="csv", created_by=world.alice)
    _running(RUN_EXPORT, [job.pk], [f"{HOST}:{dead_pid}:x"])
    assert [d["action"] for d in workers.recover_lost_tasks()] == ["failed"]
    job.refresh_from_db()
    assert job.status == "failed" and job.message == workers.lost_reason(1)


def test_a_task_not_known_to_be_safe_is_failed_at_once(dead_pid):
    row = _running(REFRESH, [1, None], [f"{HOST}:{dead_pid}:x"])
    assert [d["action"] for d in workers.recover_lost_tasks()] == ["failed"]
    row.refresh_from_db()
    assert row.status == "FAILED"


def test_the_tasks_of_live_workers_are_left_alone(world, live_worker):
    job = _import_job(world)
    mine = _running(RUN_IMPORT, [job.pk], [live_worker])
    elsewhere = _running(RUN_IMPORT, [job.pk], ["other-host:42:beating1"])
    workers.beat("other-host:42:beating1")
    plain = _running(RUN_IMPORT, [job.pk], ["a" * 32])  # a plain db_worker, an hour in

    assert workers.recover_lost_tasks() == []

    for row in (mine, elsewhere, plain):
        row.refresh_from_db()
        assert row.status == "RUNNING"
    job.refresh_from_db()
    assert job.status == ImportStatus.IMPORTING


def test_silent_workers_elsewhere_and_plain_workers_past_the_limit_are_lost(world):
    long_ago = timezone.now() - dt.timedelta(seconds=workers.LOST_AFTER + 60)
    silent = _running(REFRESH, [1, None], ["other-host:42:silent01"], started=long_ago)
    cache.set("chuyende:worker:other-host:42:silent01", 0, 60)  # its last beat: long ago
    plain = _running(REFRESH, [1, None], ["b" * 32], started=long_ago)

    assert {d["id"] for d in workers.recover_lost_tasks()} == {str(silent.pk), str(plain.pk)}


def test_a_worker_recovers_its_own_task_after_a_database_outage(world, live_worker):
    job = _import_job(world)
    row = _running(RUN_IMPORT, [job.pk], [live_worker])
    assert workers.recover_lost_tasks() == []
    assert [d["action"] for d in workers.recover_lost_tasks(also={live_worker})] == ["retried"]
    row.refresh_from_db()
    assert row.status == "READY"


def test_worker_ids_name_the_machine_and_the_process():
    import os

    worker_id = workers.new_worker_id()
    assert len(worker_id) <= 64
    assert workers.parse_worker_id(worker_id) == (HOST, os.getpid())
    named = workers.new_worker_id("web1-2:" + "x" * 80)  # e.g. systemd's `--worker-id %l-%i`
    assert len(named) <= 64 and named.endswith(":web1-2:" + "x" * 24)
    assert workers.parse_worker_id(named) == (HOST, os.getpid())
    assert workers.parse_worker_id("x" * 32) is None


def test_partial_uploads_left_by_killed_processes_are_removed(tmp_path):
    import os
    import time

    old = tmp_path / "a" / ".upload-abc.part"
    old.parent.mkdir()
    old.write_bytes(b"half")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    fresh = tmp_path / ".upload-def.part"
    fresh.write_bytes(b"being written")
    kept = tmp_path / "a" / "real.pdf"
    kept.write_bytes(b"%PDF-")
    assert workers.remove_partial_uploads(tmp_path) == 1
    assert not old.exists() and fresh.exists() and kept.exists()


@task()
def _shut_down_midway(job_id: int) -> None:
    raise SystemExit(1)  # what a worker's second Ctrl-C or SIGTERM does to its running task


_stopped_jobs = []


@workers.on_lost(_shut_down_midway, retry=True)
def _stopped(reason, job_id):
    _stopped_jobs.append((job_id, reason))


def test_a_task_cut_short_by_a_shutdown_is_retried_then_failed_like_a_lost_one(live_worker):
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id=live_worker, excluded_queue_names=[],
    )  # fmt: skip
    row = DBTaskResult.objects.create(
        args_kwargs={"args": [5], "kwargs": {}},
        task_path=_shut_down_midway.module_path,
        backend_name="default",
        run_after=get_date_max(),
    )
    row.claim(live_worker)
    worker.run_task(row)
    row.refresh_from_db()
    assert row.status == "READY" and _stopped_jobs == []  # to be run again on start-up

    row.claim(live_worker)
    worker.run_task(row)
    row.refresh_from_db()
    assert row.status == "FAILED" and row.exception_class_path.endswith("WorkerLost")
    assert _stopped_jobs == [(5, workers.lost_reason(2))]
