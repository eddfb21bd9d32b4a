"""Figures for reports: every indicator for a subtree or for each child, in grouped queries."""

from decimal import Decimal

from .models import Indicator
from .registry import REGISTRY, shared_queries


def compute_figures(
    *, indicators, root_path: str, width: int, start, end, plan=None, figure_set=None
) -> dict:
    """{group path prefix: {indicator code: value}} for the computed indicators given.

    From the stored figures when `figure_set` is given (one query: see reports.figures), else
    one grouped query per computed indicator, whatever the size of the tree; ratios are derived
    from their numerator and denominator (computed as needed, not queried twice).
    """
    codes = [i.code for i in indicators]
    needed = set(codes)
    for code in codes:
        spec = REGISTRY.get(code)
        if spec and spec.aggregation == "ratio":
            needed |= {spec.numerator, spec.denominator}
    counted = sorted(c for c in needed if REGISTRY.get(c) and REGISTRY[c].compute is not None)
    by_code = {}
    if figure_set is not None:
        from .figures import stored_figures

        stored = stored_figures(
            figure_set=figure_set, codes=counted, root_path=root_path, width=width
        )
        for prefix, values in stored.items():
            for code, value in values.items():
                by_code.setdefault(code, {})[prefix] = plain(value)
    else:
        with shared_queries():  # indicators counting the same rows share one grouped query
            for code in counted:
                by_code[code] = REGISTRY[code].compute(
                    root_path=root_path, width=width, start=start, end=end, plan=plan
                )
    groups = {prefix for values in by_code.values() for prefix in values}
    figures = {}
    for prefix in groups:
        row = {}
        for code in needed:
            spec = REGISTRY.get(code)
            if spec is None:
                continue
            if spec.aggregation == "ratio":
                top = by_code.get(spec.numerator, {}).get(prefix) or 0
                bottom = by_code.get(spec.denominator, {}).get(prefix) or 0
                row[code] = round(Decimal(top) * 100 / Decimal(bottom), 1) if bottom else None
            else:
                row[code] = by_code.get(code, {}).get(prefix, 0)
        figures[prefix] = {code: row.get(code) for code in codes}
    return figures


def unit_figures(*, indicators, unit, start, end, plan=None, figure_set=None) -> dict:
    """{code: value} for the unit's whole subtree."""
    figures = compute_figures(
        indicators=indicators,
        root_path=unit.path,
        width=len(unit.path),
        start=start,
        end=end,
        plan=plan,
        figure_set=figure_set,
    )
    return figures.get(
        unit.path,
        {
            code: (0 if REGISTRY.get(code) and REGISTRY[code].aggregation != "ratio" else None)
            for code in [i.code for i in indicators]
        },
    )


def computed_indicators():
    return Indicator.objects.filter(code__in=list(REGISTRY)).order_by("position", "code")


# Screens ------------------------------------------------------------------------------------

STEP = 4
DONE = ("submitted", "accepted")


def reports_to_write(*, user, today) -> list[dict]:
    """The reports the user's own units must write: forms whose reporting kind is the unit's
    kind and whose recipient is above it, for every period of the form's kind (4 queries)."""
    from chuyende.core.scoping import user_scope
    from chuyende.org.models import Unit

    from .models import Report, ReportForm, ReportingPeriod

    paths = user_scope(user).paths_for("change")
    if user.is_superuser:
        return []
    units = list(Unit.objects.filter(path__in=paths, active=True))
    if not units:
        return []
    forms = list(
        ReportForm.objects.for_user(user)
        .filter(reporting_kind__in={u.kind for u in units})
        .select_related("plan", "recipient")
    )
    periods = list(ReportingPeriod.objects.filter(kind__in={f.period_kind for f in forms}))
    reports = {
        (r.form_id, r.period_id, r.unit_id): r
        for r in Report.objects.filter(form__in=forms, unit__in=units)
    }
    rows = []
    for unit in units:
        for form in forms:
            recipient = form.recipient.path
            if form.reporting_kind != unit.kind or unit.path == recipient:
                continue
            if not unit.path.startswith(recipient):
                continue
            for period in periods:
                if period.kind != form.period_kind:
                    continue
                report = reports.get((form.pk, period.pk, unit.pk))
                rows.append(
                    {
                        "unit": unit,
                        "form": form,
                        "period": period,
                        "report": report,
                        "overdue": (report is None or report.status not in DONE)
                        and today > period.due,
                    }
                )
    return rows


def follows_reports(kind: str, reporting_kind: str) -> bool:
    """Whether a unit of `kind` below a form's recipient follows the reports sent on the form:
    it stands above the reporting units (a district federation follows its grassroots unions'
    reports to the province). A unit of the reporting kind writes the report, and a unit of a
    lower level (LEVEL_ORDER) has nothing to follow; a unit of a kind outside the levels may
    hold reporting units below it, and follows."""
    from chuyende.org.choices import LEVEL_ORDER

    if kind == reporting_kind:
        return False
    if kind in LEVEL_ORDER and reporting_kind in LEVEL_ORDER:
        return LEVEL_ORDER.index(kind) < LEVEL_ORDER.index(reporting_kind)
    return True


def _following_q(form):
    """`follows_reports` as a condition on units, the recipient included."""
    from django.db.models import Q

    from chuyende.org.choices import LEVEL_ORDER

    kind = form.reporting_kind
    lower = LEVEL_ORDER[LEVEL_ORDER.index(kind) :] if kind in LEVEL_ORDER else [kind]
    return Q(pk=form.recipient_id) | ~Q(kind__in=lower)


def overview_units(*, form, user):
    """The units of the user's scope whose completeness and figures pages show a form: the
    recipient and the units below it that follow the reports (`follows_reports`)."""
    from chuyende.org.models import Unit

    return (
        Unit.objects.for_user(user)
        .filter(path__startswith=form.recipient.path)
        .filter(_following_q(form))
    )


def report_units(*, form, user):
    """The units of the user's scope that may hold a report on the form: the reporting units
    below the recipient, which write it, and the units of `overview_units`, which write their
    own part of the compiled report."""
    from django.db.models import Q

    from chuyende.org.models import Unit

    return (
        Unit.objects.for_user(user)
        .filter(path__startswith=form.recipient.path)
        .filter(Q(kind=form.reporting_kind) | _following_q(form))
    )


def forms_received(*, user):
    """Forms whose reports come to a unit of the user's scope: to the recipient itself or a unit
    above it, or to a unit between the recipient and the reporting units that follows them
    (`follows_reports`). Not the forms the user's units write on, nor those of a level above
    theirs: a grassroots union follows no upper-level union's report to the province.
    Completeness links; 3 queries at most."""
    from chuyende.core.scoping import user_scope
    from chuyende.org.models import Unit

    from .models import ReportForm, ReportingPeriod

    scope = user_scope(user)
    tops = scope.paths_for("view")
    candidates = list(ReportForm.objects.for_user(user).select_related("plan", "recipient"))
    # The user's subtrees that start below a form's recipient: their unit's kind decides.
    below = {
        p
        for f in candidates
        for p in tops
        if p.startswith(f.recipient.path) and p != f.recipient.path
    }
    kinds = dict(Unit.objects.filter(path__in=below).values_list("path", "kind")) if below else {}
    forms = [
        f
        for f in candidates
        if scope.allows("view", f.recipient.path)
        or any(
            p.startswith(f.recipient.path) and follows_reports(kind, f.reporting_kind)
            for p, kind in kinds.items()
        )
    ]
    periods = list(ReportingPeriod.objects.filter(kind__in={f.period_kind for f in forms}))
    return [(f, [p for p in periods if p.kind == f.period_kind]) for f in forms]


def completeness(*, form, period, parent, user, today) -> dict:
    """Which reporting units below `parent` have submitted (on time, late), not yet, overdue;
    and the reporting rate. Two queries whatever the number of units."""
    from chuyende.org.models import Unit

    from .models import Report

    units = list(
        Unit.objects.for_user(user)
        .filter(path__startswith=parent.path, kind=form.reporting_kind, active=True)
        .exclude(pk=parent.pk)
        .order_by("path")
    )
    reports = {
        r.unit_id: r
        for r in Report.objects.filter(
            form=form, period=period, unit__path__startswith=parent.path
        ).select_related("period")
    }
    rows, counts = [], {"on_time": 0, "late": 0, "not_yet": 0, "overdue": 0}
    for unit in units:
        report = reports.get(unit.pk)
        submitted = report is not None and report.submitted_at is not None
        if report is not None and report.status in DONE:
            state = "late" if report.is_late else "on_time"
        elif today > period.due:
            state = "overdue"
        else:
            state = "not_yet"
        counts[state] += 1
        rows.append({"unit": unit, "report": report, "state": state, "submitted": submitted})
    expected = len(units)
    done = counts["on_time"] + counts["late"]
    rate = round(Decimal(done) * 100 / Decimal(expected), 1) if expected else None
    return {"rows": rows, "counts": counts, "expected": expected, "done": done, "rate": rate}


def rollup(*, form, period, parent, user) -> dict:
    """The parent's direct children: figures submitted in their reports (summed over the
    reporting units of each child's subtree) beside the figures computed from records.

    A fixed number of queries: children, indicators, one grouped query per computed
    indicator (compute_figures) and one grouped query for the submitted values."""
    from django.db.models import Count, Sum
    from django.db.models.functions import Substr

    from chuyende.org.models import Unit

    from .models import ReportValue

    width = len(parent.path) + STEP
    children = list(
        Unit.objects.for_user(user)
        .filter(path__startswith=parent.path, depth=parent.depth + 1, active=True)
        .order_by("path")
    )
    from .figures import stored_set

    indicators = list(form.indicators.all())
    figure_set = stored_set(period=period, plan=form.plan)
    computed = compute_figures(
        indicators=[i for i in indicators if i.source == "computed"],
        root_path=parent.path,
        width=width,
        start=period.start,
        end=period.end,
        plan=form.plan,
        figure_set=figure_set,
    )
    submitted = {}
    for prefix, code, total, n in (
        ReportValue.objects.filter(
            report__form=form,
            report__period=period,
            report__status__in=DONE,
            report__unit__path__startswith=parent.path,
            report__unit__depth__gt=parent.depth,
        )
        .annotate(prefix=Substr("report__unit__path", 1, width))
        .order_by()
        .values("prefix", "indicator__code")
        .annotate(total=Sum("value"), n=Count("id"))
        .values_list("prefix", "indicator__code", "total", "n")
    ):
        submitted.setdefault(prefix, {})[code] = (total, n)
    by_code = {i.code: i for i in indicators}
    rows = []
    for child in children:
        sent = submitted.get(child.path, {})
        cells = []
        for indicator in indicators:
            declared = _submitted_value(indicator, sent, by_code)
            counted = computed.get(child.path, {}).get(indicator.code)
            if (
                indicator.source == "computed"
                and counted is None
                and indicator.aggregation != "ratio"
            ):
                counted = 0
            differs = (
                indicator.source == "computed"
                and declared is not None
                and counted is not None
                and Decimal(declared) != Decimal(counted)
            )
            cells.append(
                {
                    "indicator": indicator,
                    "sent": plain(declared),
                    "counted": plain(counted),
                    "differs": differs,
                }
            )
        rows.append({"unit": child, "cells": cells, "has_sent": bool(sent)})
    return {
        "indicators": indicators,
        "rows": rows,
        "width": width,
        "as_of": figure_set.computed_at if figure_set is not None else None,
    }


def _submitted_value(indicator, sent, by_code):
    if indicator.code not in sent:
        return None
    total, n = sent[indicator.code]
    if indicator.aggregation != "ratio" or n == 1:
        return total
    top, bottom = sent.get(indicator.numerator), sent.get(indicator.denominator)
    if top and bottom and bottom[0]:
        return round(Decimal(top[0]) * 100 / Decimal(bottom[0]), 1)
    return None


def report_figures(*, report) -> list[dict]:
    """The figures of a report, in the form's order, with their drill-down link (2 queries)."""
    from urllib.parse import urlencode

    from django.urls import NoReverseMatch, reverse

    from .models import ReportValue

    values = {
        v.indicator_id: v
        for v in ReportValue.objects.filter(report=report).select_related("indicator")
    }
    query = urlencode(
        {
            "unit": report.unit_id,
            "start": report.period.start.isoformat(),
            "end": report.period.end.isoformat(),
        }
    )
    rows = []
    for indicator in report.form.indicators.all():
        value = values.get(indicator.pk)
        spec = REGISTRY.get(indicator.code)
        link = ""
        if spec is not None and spec.drilldown and indicator.source == "computed":
            try:
                link = f"{reverse(spec.drilldown)}?{query}"
            except NoReverseMatch:
                link = ""
        rows.append(
            {
                "indicator": indicator,
                "value": plain(value.value) if value else None,
                "declared": bool(value and value.declared),
                "link": link,
            }
        )
    return rows


def document_header(*, unit) -> tuple[str, str]:
    """(superior body, locality) for an official document issued by `unit` (one query)."""
    from chuyende.org.selectors import ancestors_by_path

    above = ancestors_by_path([unit.path])
    parent = above.get(unit.path[:-STEP])
    names = [unit.name] + [above[p].name for p in sorted(above, reverse=True)]
    markers = (" tỉnh ", " thành phố ")
    locality = next((n.split(m, 1)[1].strip() for n in names for m in markers if m in n), "")
    return (parent.name if parent else ""), locality


def plain(value):
    """12.00 -> 12; 12.50 -> Decimal('12.5'); None stays None."""
    if value is None:
        return None
    number = Decimal(value)
    return int(number) if number == int(number) else number.normalize()
