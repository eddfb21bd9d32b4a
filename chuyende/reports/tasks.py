"""The daily reminders as a django-tasks task, re-enqueued for the next morning."""

import datetime

from django.utils import timezone
from django_tasks import task

from .reminders import DAYS_BEFORE, run_day

RUN_AT = datetime.time(6, 0)  # local time of the daily run


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
    if send_reminders_daily.get_backend().supports_defer:
        follow = send_reminders_daily.using(run_after=next_run(timezone.now()))
        result["next"] = follow.enqueue(days_before=days_before).id
    return result


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
