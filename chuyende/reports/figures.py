"""Stored figures: every computed indicator for every unit's subtree, per period (and plan).

Counting a year of records for 130,000 units and 11 million members on each page view cannot
meet a page's time budget; reading the few stored rows of a unit and its children can. A
`FigureSet` holds, for one reporting period and plan, the value of each computed indicator for
each unit's whole subtree (zeros are not stored). It is computed by the task worker:

- `refresh(period, plan)` runs each indicator's grouped query once over the whole tree, grouped
  by each record's own unit, adds every unit's value to its ancestors (the registry's
  indicators are sums, or maxima for `max` ones; ratios are derived when read), and replaces the
  set's rows in one transaction — readers see the old figures until it commits;
- `stored_sets(...)` answers from the set when one is ready, and asks the worker for a new
  computation (once, whoever asks) when it is older than `settings.FIGURES_MAX_AGE` (a period
  still running) or `settings.FIGURES_MAX_AGE_PAST` (a period that has ended); pages show the
  time the figures were computed. With no ready set yet, or with `settings.FIGURES_STORED` off, figures
  are computed from the records on the request.
"""

import logging
import time
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from chuyende.core.routers import replica_reads

from .models import Figure, FigureSet, ReportForm, ReportingPeriod
from .registry import REGISTRY, shared_queries

log = logging.getLogger(__name__)
STEP = 4
WRITE_BATCH = 5000


def _codes():
    """The computed (non-ratio) indicators of the registry, in a stable order."""
    return sorted(code for code, spec in REGISTRY.items() if spec.compute is not None)


def _plan_q(plan_id):
    return Q(plan_id=plan_id) if plan_id is not None else Q(plan__isnull=True)


def refresh(*, period, plan=None) -> FigureSet:
    """Compute and store every computed indicator for every unit of the tree (see module doc)."""
    from chuyende.org.models import Unit

    began = time.perf_counter()
    plan_id = plan.pk if plan is not None else None
    figure_set = _set_for(period.pk, plan_id)
    deepest = Unit.objects.aggregate(d=Max("depth"))["d"] or 0
    width = deepest * STEP
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    try:
        with shared_queries(), replica_reads():  # the heavy reads may go to a replica
            for code in _codes():
                spec = REGISTRY[code]
                own = spec.compute(
                    root_path="", width=width, start=period.start, end=period.end, plan=plan
                )
                highest = spec.aggregation in ("max", "yesno")
                for path, value in own.items():
                    if not value:
                        continue
                    value = Decimal(value)
                    for end in range(STEP, len(path) + 1, STEP):
                        key = (path[:end], code)
                        if highest:
                            totals[key] = max(totals[key], value)
                        else:
                            totals[key] += value
        ids = dict(Unit.objects.values_list("path", "id"))
        rows = [
            (ids[path], code, value)
            for (path, code), value in totals.items()
            if value and path in ids
        ]
        with transaction.atomic():
            locked = FigureSet.objects.select_for_update().get(pk=figure_set.pk)
            Figure.objects.filter(figure_set=locked).delete()
            _write(locked.pk, rows)
            locked.status = FigureSet.Status.READY
            locked.computed_at = timezone.now()
            locked.took_ms = int((time.perf_counter() - began) * 1000)
            locked.rows = len(rows)
            locked.error = ""
            locked.save(update_fields=["status", "computed_at", "took_ms", "rows", "error"])
        return locked
    except Exception as error:
        FigureSet.objects.filter(pk=figure_set.pk).update(
            status=FigureSet.Status.FAILED if figure_set.computed_at is None else figure_set.status,
            error=f"{type(error).__name__}: {error}"[:2000],
            requested_at=None,
        )
        raise


def _write(set_id, rows):
    """Insert the rows: COPY on PostgreSQL, batched INSERTs elsewhere."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(
                "COPY reports_figure (figure_set_id, unit_id, code, value) FROM STDIN"
            ) as copy:
                for unit_id, code, value in rows:
                    copy.write_row((set_id, unit_id, code, value))
        return
    Figure.objects.bulk_create(
        (Figure(figure_set_id=set_id, unit_id=u, code=c, value=v) for u, c, v in rows),
        batch_size=WRITE_BATCH,
    )


def _set_for(period_id, plan_id) -> FigureSet:
    """The period's (and plan's) set, created pending if there is none yet."""
    found = FigureSet.objects.filter(_plan_q(plan_id), period_id=period_id).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return FigureSet.objects.create(period_id=period_id, plan_id=plan_id)
    except IntegrityError:  # created meanwhile by another worker or request
        return FigureSet.objects.get(_plan_q(plan_id), period_id=period_id)


def refresh_all(*, stdout=None) -> list[FigureSet]:
    """Every period, without a plan and with the plan of each of its kind's report forms."""
    done = []
    periods = list(ReportingPeriod.objects.order_by("start", "code"))
    plans_by_kind = defaultdict(set)
    for kind, plan_id in ReportForm.objects.values_list("period_kind", "plan_id").distinct():
        plans_by_kind[kind].add(plan_id)
    from chuyende.plans.models import Plan

    plans = Plan.objects.in_bulk({p for ids in plans_by_kind.values() for p in ids if p})
    for period in periods:
        for plan in [None] + [plans[p] for p in sorted(plans_by_kind[period.kind]) if p in plans]:
            figure_set = refresh(period=period, plan=plan)
            done.append(figure_set)
            if stdout is not None:
                stdout.write(
                    f"{period.code} {plan.pk if plan else '-'}: {figure_set.rows:,} figures "
                    f"in {figure_set.took_ms / 1000:.1f} s"
                )
    return done


# Reading --------------------------------------------------------------------------------------


def stored_set(*, period, plan):
    """The usable set of the period and plan (None: compute the figures on the request)."""
    if period is None:
        return None
    return stored_sets(periods=[period], plan=plan).get(period.pk)


def stored_sets(*, periods, plan) -> dict:
    """{period pk: usable set} in one query, asking the worker for a new computation of each
    set that is old or missing. A set is usable once computed (a failed recomputation keeps
    the last figures, with their time)."""
    if not settings.FIGURES_STORED or not periods:
        return {}
    plan_id = plan.pk if plan is not None else None
    found = {
        s.period_id: s
        for s in FigureSet.objects.filter(_plan_q(plan_id), period__in=[p.pk for p in periods])
    }
    now = timezone.now()
    today = timezone.localdate()
    usable = {}
    for period in periods:
        max_age = _max_age(period, today)
        figure_set = found.get(period.pk)
        computed = figure_set is not None and figure_set.computed_at is not None
        if not computed or figure_set.computed_at <= now - max_age:
            _request(figure_set, period.pk, plan_id, now, max_age)
        if computed:
            usable[period.pk] = figure_set
    return usable


def _max_age(period, today):
    """FIGURES_MAX_AGE for a period still running; FIGURES_MAX_AGE_PAST (a day by default) once
    it has ended: late entries still change its figures, but rarely."""
    seconds = settings.FIGURES_MAX_AGE if period.end >= today else settings.FIGURES_MAX_AGE_PAST
    return timezone.timedelta(seconds=seconds)


def _request(found, period_id, plan_id, now, max_age):
    """Enqueue one computation, whoever asks: the set's requested_at is claimed first."""
    if found is None:
        found = _set_for(period_id, plan_id)
    claimed = (
        FigureSet.objects.filter(pk=found.pk)
        .filter(Q(requested_at__isnull=True) | Q(requested_at__lt=now - max_age))
        .update(requested_at=now)
    )
    if claimed:
        try:
            transaction.on_commit(lambda: enqueue_refresh(period_id, plan_id))
        except Exception:  # the page still answers with the figures it has
            log.exception("could not enqueue the figures of period %s", period_id)


def enqueue_refresh(period_id, plan_id):
    from .tasks import refresh_figures

    refresh_figures.enqueue(period_id, plan_id)


def stored_figures(*, figure_set, codes, root_path, width) -> dict:
    """{unit path: {code: value}} of the units at depth width/4 under root_path (one query)."""
    from chuyende.org.models import Unit

    if width == len(root_path):
        units = Unit.objects.filter(path=root_path)
    else:
        units = Unit.objects.filter(path__startswith=root_path, depth=width // STEP)
    # from the units (a handful, by the path index) to their rows (by the unique index)
    rows = Figure.objects.filter(figure_set=figure_set, code__in=codes, unit__in=units.values("id"))
    found: dict[str, dict] = {}
    for path, code, value in rows.values_list("unit__path", "code", "value"):
        found.setdefault(path, {})[code] = value
    return found
