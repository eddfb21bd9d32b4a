"""The reports dashboard: a unit and a period at a glance.

Indicator tiles for the unit's subtree, its children compared, a trend over the periods of the
same kind, the reporting rate of the children and the overdue tasks. Queries, whatever the
number of children or records: the form (1), its indicators (1), one grouped query per computed
indicator for the tiles, one per indicator for the children, one per indicator for each other
period of the same kind (trend), the periods (1), the children (1), completeness (2) and the
overdue tasks (2).
"""

from decimal import Decimal

from .figures import stored_sets
from .models import Report, ReportForm, ReportingPeriod
from .selectors import STEP, completeness, compute_figures, computed_indicators, plain, unit_figures

OVERDUE_SHOWN = 10


def default_unit(*, user):
    """The top unit of the user's scope (None when the user sees no unit)."""
    from chuyende.org.models import Unit

    return Unit.objects.for_user(user).filter(active=True).order_by("depth", "path").first()


def default_period(*, user):
    """The latest period with reports the user may see, else the latest period."""
    periods = ReportingPeriod.objects.order_by("-end", "-start")
    visible = Report.objects.for_user(user).values("period_id")
    return periods.filter(pk__in=visible).first() or periods.first()


def form_for(*, user, unit, period):
    """The form of the period's kind sent to the unit or to the nearest unit above it (1 query)."""
    above = [unit.path[:i] for i in range(STEP, len(unit.path) + 1, STEP)]
    forms = (
        ReportForm.objects.for_user(user)
        .filter(period_kind=period.kind, recipient__path__in=above)
        .select_related("recipient", "plan")
        .order_by("-recipient__depth", "pk")
    )
    return forms.first()


def _number(value):
    """A JSON-friendly number for the charts (None stays None)."""
    value = plain(value)
    return float(value) if isinstance(value, Decimal) else value


def overdue_tasks(*, user, unit, today) -> dict:
    """Assignments overdue in the unit's subtree the user may see: their count, from the
    open-assignment tallies of the subtrees in scope (a few rows, whatever the number of
    assignments: chuyende.plans.tallies), and the 10 most overdue. 2 queries.

    The tallies' due dates also say how far the 10 go: the list reads the open assignments
    due up to that date only (an index of the open assignments by due date), not all of the
    subtree's to sort them (the nation's 119,036 open ones: 211 ms -> 5 ms)."""
    from chuyende.core.scoping import tops_within
    from chuyende.plans import tallies
    from chuyende.plans.models import Assignment, overdue_q

    by_date = tallies.overdue_by_date(tops_within(user, unit.path), today)
    count, last = 0, None
    for due_on, n in by_date:
        if count >= OVERDUE_SHOWN:
            break
        count, last = count + n, due_on
    rows = (
        Assignment.objects.for_user(user)
        .filter(unit__path__startswith=unit.path)
        .filter(overdue_q(today))
    )
    if last is not None:
        rows = rows.filter(due_on__lte=last)
    top = rows.select_related("task__plan", "unit").order_by("due_on", "unit__path", "pk")
    return {"count": sum(n for _due, n in by_date), "rows": list(top[:OVERDUE_SHOWN])}


def dashboard(*, user, unit, period, today) -> dict:
    from chuyende.org.models import Unit

    form = form_for(user=user, unit=unit, period=period)
    if form is not None:
        indicators = list(form.indicators.filter(source="computed").order_by("position", "code"))
        plan = form.plan
    else:
        indicators, plan = list(computed_indicators()), None
    periods = list(ReportingPeriod.objects.filter(kind=period.kind).order_by("start"))
    stored = stored_sets(periods=periods, plan=plan)
    figure_set = stored.get(period.pk)
    tiles_values = unit_figures(
        indicators=indicators,
        unit=unit,
        start=period.start,
        end=period.end,
        plan=plan,
        figure_set=figure_set,
    )
    tiles = [{"indicator": i, "value": plain(tiles_values.get(i.code))} for i in indicators]
    children = list(
        Unit.objects.for_user(user)
        .filter(path__startswith=unit.path, depth=unit.depth + 1, active=True)
        .order_by("path")
    )
    by_child = compute_figures(
        indicators=indicators,
        root_path=unit.path,
        width=len(unit.path) + STEP,
        start=period.start,
        end=period.end,
        plan=plan,
        figure_set=figure_set,
    )
    child_rows = [
        {
            "unit": child,
            "cells": [_cell(i, by_child.get(child.path, {}).get(i.code)) for i in indicators],
        }
        for child in children
    ]
    trend_rows = []
    for each in periods:  # a handful of periods of one kind: one compute per period
        values = (
            tiles_values
            if each.pk == period.pk
            else unit_figures(
                indicators=indicators,
                unit=unit,
                start=each.start,
                end=each.end,
                plan=plan,
                figure_set=stored.get(each.pk),
            )
        )
        trend_rows.append(
            {"period": each, "cells": [_cell(i, values.get(i.code)) for i in indicators]}
        )
    rate = None
    if form is not None:
        rate = completeness(form=form, period=period, parent=unit, user=user, today=today)
        rate["shares"] = _shares(rate["counts"], rate["expected"])
    return {
        "form": form,
        "as_of": figure_set.computed_at if figure_set is not None else None,
        "indicators": indicators,
        "tiles": tiles,
        "children": child_rows,
        "trend": trend_rows,
        "completeness": rate,
        "overdue": overdue_tasks(user=user, unit=unit, today=today),
        "chart": _chart_data(indicators, child_rows, trend_rows),
        "chart_height": max(220, 28 * len(child_rows) + 80),
    }


def _shares(counts, expected) -> dict:
    """The width (%) of each state in the completeness bar."""
    if not expected:
        return {state: 0 for state in counts}
    return {state: round(n * 100 / expected, 2) for state, n in counts.items()}


def _cell(indicator, value):
    if value is None and indicator.aggregation != "ratio":
        value = 0
    return plain(value)


def _chart_data(indicators, child_rows, trend_rows) -> dict:
    """What dashboard.js draws: labels and one series per indicator code (numbers only)."""
    return {
        "indicators": [
            {"code": i.code, "label": i.label, "unit": i.unit_label} for i in indicators
        ],
        "children": {
            "labels": [row["unit"].display_name for row in child_rows],
            "series": {
                i.code: [_number(row["cells"][n]) for row in child_rows]
                for n, i in enumerate(indicators)
            },
        },
        "trend": {
            "labels": [str(row["period"].label) for row in trend_rows],
            "series": {
                i.code: [_number(row["cells"][n]) for row in trend_rows]
                for n, i in enumerate(indicators)
            },
        },
    }
