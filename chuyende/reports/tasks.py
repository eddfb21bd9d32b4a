"""The daily reminders as a django-tasks task, re-enqueued for the next morning."""

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from chuyende.core.workers import enqueue_once, on_lost

from .reminders import DAYS_BEFORE, run_day

RUN_AT = datetime.time(6, 0)  # local time of the daily run
log = logging.getLogger(__name__)


def next_run(now: datetime.datetime) -> datetime.datetime:
    """The next daily run after `now`: tomorrow at RUN_AT, local time (aware)."""
    local = timezone.localtime(now)
    tomorrow = local.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, RUN_AT))


@task()
def send_reminders_daily(day: str | None = None, days_before: int = DAYS_BEFORE) -> dict:
    """Create the day's reminders, send the digests, and enqueue tomorrow's run (on backends
    that can defer; the immediate backend of the tests cannot, so the chain stops there)."""
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    result = run_day(day=today, days_before=days_before)
    # once: a retried run (its worker died after queueing this) does not queue a second
    following = ensure_scheduled(days_before=days_before)
    if following:
        result["next"] = following
    return result


def ensure_scheduled(day: str | None = None, days_before: int = DAYS_BEFORE) -> str | None:
    """Queue tomorrow's run unless one is waiting (the database queue only); `day` (a lost
    run's) is not carried on: the next run is tomorrow's."""
    return enqueue_once(
        send_reminders_daily,
        run_after=next_run(timezone.now()),
        kwargs={"days_before": days_before},
    )


# A run lost with its worker (chuyende.core.workers): run again (the day's reminders and digests
# are idempotent), and retried or given up, tomorrow's run stays queued, exactly once.
@on_lost(send_reminders_daily, retry=True, reschedule=ensure_scheduled)
def _reminders_lost(reason, day=None, days_before=DAYS_BEFORE):
    log.warning("daily reminders of %s given up: %s", day or "today", reason)


@task()
def refresh_figures(period_id: int, plan_id: int | None = None) -> dict:
    """Recompute the stored figures of one period (and plan): see chuyende.reports.figures."""
    from chuyende.plans.models import Plan

    from .figures import refresh
    from .models import ReportingPeriod

    period = ReportingPeriod.objects.get(pk=period_id)
    plan = Plan.objects.get(pk=plan_id) if plan_id is not None else None
    figure_set = refresh(period=period, plan=plan)
    return {"figure_set": figure_set.pk, "rows": figure_set.rows, "took_ms": figure_set.took_ms}
