"""The daily anonymisation as a django-tasks task, re-enqueued for the next night.

Nothing else in the project schedules periodic work: the report reminders' task re-enqueues
itself the same way, but nothing enqueues its first run. So that this chain starts and restarts
on its own, `ensure_scheduled()` enqueues the next run when none is waiting; `chuyende run` calls
it (through `chuyende anonymise_members --schedule`) each time it starts the task worker, and a
deployment that runs its own worker calls the same command once after each deploy. The next
night's run is enqueued before the work starts, so a run that fails does not break the chain;
a run lost with its worker is retried by `chuyende worker` (chuyende.core.workers), and when it
is given up the worker queues the next night's run instead (`reschedule`): the chain never ends
with a killed worker, and never doubles.
"""

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from chuyende.core.workers import enqueue_once, on_lost, waiting_runs

RUN_AT = datetime.time(2, 30)  # local time: quiet hours
log = logging.getLogger(__name__)


def next_run(now: datetime.datetime) -> datetime.datetime:
    """The next nightly run after `now`: RUN_AT local time today if still ahead, else tomorrow."""
    local = timezone.localtime(now)
    day = local.date() if local.time() < RUN_AT else local.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, RUN_AT))


def waiting() -> bool:
    """True when a run is queued (the database queue). A running one has queued its successor
    before starting its work, so only queued runs count."""
    return waiting_runs(anonymise_members_daily).exists()


def ensure_scheduled(now=None) -> str | None:
    """Enqueue the next nightly run unless one is waiting; the id of the run enqueued, or None.
    Only on a backend that can defer (the database queue); the tests' immediate backend cannot."""
    return enqueue_once(anonymise_members_daily, run_after=next_run(now or timezone.now()))


@task()
def anonymise_members_daily() -> dict:
    """Queue the next night's run (unless one is queued already: a retried or duplicated run
    never doubles the chain), then anonymise every member due (idempotent)."""
    from .anonymise import anonymise

    following = ensure_scheduled()
    result = anonymise(trigger="task")
    log.info("anonymised %s members", result["members"])
    return {
        "members": result["members"],
        "batches": result["batches"],
        "cutoff": result["cutoff"].isoformat(),
        "next": str(following) if following else None,
    }


# The worker (chuyende.core.workers) retries a run lost with its worker: each batch is one
# transaction and a second run finds only what the first did not finish. Retried or given up,
# the next night's run stays queued (exactly one).
@on_lost(anonymise_members_daily, retry=True, reschedule=ensure_scheduled)
def _anonymise_lost(reason):
    log.warning("nightly anonymisation given up: %s", reason)
