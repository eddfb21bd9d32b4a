"""The task worker's glue around django-tasks-db: knowing which workers are alive, recovering the
tasks of a worker that died, and riding out a database outage.

A worker killed in the middle of a task (SIGKILL, out of memory, the machine restarted) leaves
the task's row RUNNING for ever, and the job it was doing (an import, an export) "running" on
its page. `chuyende worker` (the db_worker with this glue; `chuyende run` starts it) therefore:

- names itself host:pid:random and writes a heartbeat to the shared cache every few seconds;
- on start, and every minute, looks at the RUNNING tasks: one whose worker is gone — its process
  no longer exists on this machine, or another machine's worker has not beaten for
  STALE_AFTER seconds, or (a worker not started this way) it has run for LOST_AFTER — is
  retried when its task is registered as safe to run again and has attempts left, and
  otherwise marked FAILED with the reason, its job marked failed with a Vietnamese message;
- survives the database going away (the plain db_worker exits): it waits for the database,
  then recovers the task it was running when the connection dropped.

Apps register what to do with their tasks:

    @on_lost(run_import, retry=True)
    def _import_lost(reason, job_id): ...   # called when the task is given up, with its args

A task is "safe to run again" when a run cut short leaves nothing behind (one transaction) and a
second run does the same as the first.

Recurring tasks queue their own next run (the nightly anonymisation, the daily report
reminders): a run lost with its worker would end the chain. They register how to queue the next
run (`on_lost(task, retry=…, reschedule=ensure)`); when a lost run is settled, in the same
transaction, `ensure()` queues the next run unless one is waiting — a retried run is itself the
one waiting, and the run queues its successor the same way (`enqueue_once`), so the chain goes
on with exactly one run queued, never two.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, close_old_connections, transaction
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django_tasks_db.compat import task_finished

log = logging.getLogger(__name__)

HEARTBEAT_EVERY = 5  # seconds between two heartbeats of a worker
SWEEP_EVERY = 60  # seconds between two looks for lost tasks by a running worker
STALE_AFTER = 120  # seconds without a heartbeat before another machine's worker counts as gone
# A task of a worker that has no heartbeat at all (a plain db_worker): given up after this long.
LOST_AFTER = getattr(settings, "TASKS_LOST_AFTER", 6 * 3600)
MAX_ATTEMPTS = getattr(settings, "TASKS_MAX_ATTEMPTS", 2)  # runs of a retried task, in all
PARTIAL_MAX_AGE = 3600  # seconds before a hidden partial upload (.upload-*.part) is removed


class WorkerLost(Exception):
    """Recorded as the error of a task whose worker died while running it."""


@dataclass(frozen=True)
class Policy:
    retry: bool
    on_failed: Callable | None
    reschedule: Callable | None = None  # a recurring task: queues its next run unless waiting


_policies: dict[str, Policy] = {}


def on_lost(task, *, retry: bool = False, reschedule: Callable | None = None):
    """Register what happens to `task` when its worker dies: retried (when `retry` and attempts
    are left), else marked failed and the decorated function called with the reason and the
    task's arguments, in the transaction that marks it. A recurring task gives `reschedule`, a
    function queueing its next run unless one is waiting (`enqueue_once`), called with the lost
    run's arguments after either outcome, in the same transaction."""

    def register(func):
        _policies[task.module_path] = Policy(retry=retry, on_failed=func, reschedule=reschedule)
        return func

    return register


def policy_for(task_path: str) -> Policy:
    return _policies.get(task_path, Policy(retry=False, on_failed=None))


def recurring_paths() -> set[str]:
    """The tasks registered as recurring (with a `reschedule`)."""
    return {path for path, policy in _policies.items() if policy.reschedule is not None}


def waiting_runs(task):
    """The queued (READY) runs of `task` in the database queue."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task.module_path, status="READY")


def enqueue_once(task, *, run_after, args=(), kwargs=None) -> str | None:
    """Queue a run of the recurring `task` at `run_after` unless one is queued already; the id
    of the run queued, or None. Only on a backend that can defer (the database queue; the
    tests' immediate backend would run it at once, for ever). The running run is not READY, so
    it never counts itself; a retried run, READY again, stands for the next one."""
    if not task.get_backend().supports_defer:
        return None
    if waiting_runs(task).exists():
        return None
    result = task.using(run_after=run_after).enqueue(*args, **(kwargs or {}))
    return str(result.id)


# Identity and heartbeat -------------------------------------------------------------------------


def _host() -> str:
    return socket.gethostname().replace(":", "-")[:24]


def new_worker_id(name: str | None = None) -> str:
    """host:pid:name — `name` as given (--worker-id, e.g. systemd's instance), else random;
    the host and the pid let another worker tell whether this one is still running."""
    suffix = (name or get_random_string(8))[:31]
    return f"{_host()}:{os.getpid()}:{suffix}"


def parse_worker_id(worker_id: str) -> tuple[str, int] | None:
    parts = worker_id.split(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1])


def _beat_key(worker_id: str) -> str:
    return f"chuyende:worker:{worker_id}"


def beat(worker_id: str) -> None:
    cache.set(_beat_key(worker_id), time.time(), STALE_AFTER * 10)


def forget(worker_id: str) -> None:
    cache.delete(_beat_key(worker_id))


def last_beat(worker_id: str) -> float | None:
    return cache.get(_beat_key(worker_id))


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    cmdline = Path(f"/proc/{pid}/cmdline")
    try:
        # the pid may have been reused by an unrelated process since the worker died
        return b"worker" in cmdline.read_bytes()
    except OSError:
        return True  # no /proc: trust the pid


def worker_gone(worker_id: str, started_at, now) -> bool:
    """Whether the worker that claimed a task (at `started_at`) is certainly no longer running
    it."""
    parsed = parse_worker_id(worker_id)
    if parsed is None:  # not a `chuyende worker`: nothing to ask but the time it has run
        return started_at is None or (now - started_at).total_seconds() > LOST_AFTER
    host, pid = parsed
    if host == _host():
        return not _process_alive(pid)
    beaten = last_beat(worker_id)
    reference = beaten if beaten is not None else (started_at.timestamp() if started_at else 0)
    return time.time() - reference > STALE_AFTER


# Recovery ---------------------------------------------------------------------------------------


def lost_reason(attempts: int) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "The background worker stopped in the middle of this work (it was restarted or ran "
            "out of memory), %(attempts)s times; nothing of it was kept. Start it again, and tell "
            "the administrator if it happens again."
        ) % {"attempts": attempts}


def recover_lost_tasks(*, also: set[str] | frozenset = frozenset()) -> list[dict]:
    """Retry or fail the RUNNING tasks whose worker is gone (or is in `also`: a worker that lost
    its task to a database outage). Returns what was done, one dict per task."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    done = []
    running = DBTaskResult.objects.filter(status="RUNNING").only(
        "id", "task_path", "worker_ids", "started_at", "args_kwargs"
    )
    for row in list(running):
        worker = row.worker_ids[-1] if row.worker_ids else ""
        if worker in also or worker_gone(worker, row.started_at, now):
            action = settle(row, was="RUNNING")
            if action:
                done.append(
                    {
                        "task": row.task_path,
                        "id": str(row.pk),
                        "action": action,
                        "attempts": len(row.worker_ids),
                        "worker": worker,
                    }
                )
    return done


def settle(row, *, was: str) -> str | None:
    """Retry a task cut short (when safe and attempts are left) or mark it failed with the
    reason and fail its job; 'retried', 'failed', or None when another process got there first
    (the row is no longer `was` as read)."""
    from django_tasks_db.models import DBTaskResult

    try:
        row.task  # imports the task's module, which registers its policy  # noqa: B018
    except Exception:  # a task whose code is gone: it can only fail
        log.warning("lost task %s: its code %s cannot be imported", row.pk, row.task_path)
    policy = policy_for(row.task_path)
    attempts = len(row.worker_ids)
    worker = row.worker_ids[-1] if row.worker_ids else ""
    with transaction.atomic():
        claimed = DBTaskResult.objects.filter(pk=row.pk, status=was, started_at=row.started_at)
        if policy.retry and attempts < MAX_ATTEMPTS:
            retried = claimed.update(
                status="READY",
                started_at=None,
                finished_at=None,
                exception_class_path="",
                traceback="",
            )
            action = "retried" if retried else None
        else:
            reason = lost_reason(attempts)
            marked = claimed.update(
                status="FAILED",
                finished_at=timezone.now(),
                return_value=None,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=(
                    f"WorkerLost: worker {worker} stopped while running this task "
                    f"(attempt {attempts} of {MAX_ATTEMPTS if policy.retry else 1}).\n{reason}"
                ),
            )
            action = "failed" if marked else None
            if marked and policy.on_failed is not None:
                args = row.args_kwargs.get("args", [])
                kwargs = row.args_kwargs.get("kwargs", {})
                with translation.override(settings.LANGUAGE_CODE):
                    policy.on_failed(reason, *args, **kwargs)
        if action and policy.reschedule is not None:
            # a recurring task: its chain goes on (a retried run is the one waiting)
            policy.reschedule(*row.args_kwargs.get("args", []), **row.args_kwargs.get("kwargs", {}))
    if action:
        log.warning(
            "task %s (%s) of worker %s, stopped midway: %s after %s attempts",
            row.pk,
            row.task_path,
            worker,
            action,
            attempts,
        )
    return action


# Exceptions that mean the worker was stopped, not that the task went wrong: the second Ctrl-C or
# SIGTERM of a shutdown ends the running task with SystemExit.
INTERRUPTIONS = {"builtins.SystemExit", "builtins.KeyboardInterrupt"}


@receiver(task_finished)
def _interrupted(sender, task_result, **kwargs):
    """A task a worker's shutdown cut short: retried or failed as a lost one, not left FAILED
    with its job still "running"."""
    row = getattr(task_result, "db_result", None)
    if row is None or row.status != "FAILED" or row.exception_class_path not in INTERRUPTIONS:
        return
    try:
        settle(row, was="FAILED")
    except Exception:  # the worker is stopping: the next one's start-up sweep cannot see a
        log.exception("settling the interrupted task %s failed", row.pk)  # FAILED task


def remove_partial_uploads(root=None, *, older_than: float = PARTIAL_MAX_AGE) -> int:
    """Hidden partial files a killed process left in the file storage (chuyende.core.storage)."""
    root = Path(root or settings.MEDIA_ROOT)
    if not root.is_dir():
        return 0
    removed = 0
    limit = time.time() - older_than
    for path in root.rglob(".upload-*.part"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed


# The worker's companion thread ------------------------------------------------------------------


def database_down(error: BaseException) -> bool:
    from .faults import database_unavailable

    return isinstance(error, OperationalError | InterfaceError) and database_unavailable(error)


class Heartbeat(threading.Thread):
    """Beats for its worker and, every SWEEP_EVERY seconds, recovers other workers' lost tasks."""

    def __init__(self, worker_id: str):
        super().__init__(name="chuyende-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self):
        next_sweep = time.monotonic() + SWEEP_EVERY
        while not self.stopped.is_set():
            try:
                beat(self.worker_id)
                if time.monotonic() >= next_sweep:
                    next_sweep = time.monotonic() + SWEEP_EVERY
                    recover_lost_tasks()
            except Exception as error:  # the database away, SQLite busy: next time
                log.info("heartbeat of %s: %s", self.worker_id, error)
            finally:
                close_old_connections()
            self.stopped.wait(HEARTBEAT_EVERY)
        try:
            forget(self.worker_id)
        except Exception:
            pass
        finally:
            close_old_connections()

    def stop(self):
        self.stopped.set()


def wait_for_database(stop: Callable[[], bool] | None = None, *, most: float = 30.0) -> None:
    """Block until the database answers (checking with a growing pause of at most `most`)."""
    from django.db import connection

    pause = 0.5
    while not (stop and stop()):
        try:
            connection.close()
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return
        except (OperationalError, InterfaceError) as error:
            log.warning("database unavailable (%s); retrying in %.0f s", error, pause)
            time.sleep(pause)
            pause = min(pause * 2, most)
