"""Roll-ups at scale (issue 10): each figure next to a hand-written SQL lower bound measured in
the same run on the same data.

1. All computed indicators of a 6-month report for the root's children (the nation's provinces
   at SCALE=national), for one province's children and for one grassroots union — read from the
   stored figures, as the pages do; the lower bound is the bare SQL reading the same rows of the
   same table. Beside it, what counting the records on the request costs (the stored figures'
   reason to exist): one indicator, active members per child, through the platform's compute
   function, against the hand-written grouped count over the member table.
2. The completeness view (who has not reported) for the root's and a province's form; lower bound:
   the reporting units left-joined to their reports in one SQL statement.
3. The contest leaderboard of units at the contest's level and one level down; lower bound: the
   tallies summed per child in SQL.
4. The background computation of one period's stored figures (every indicator for every unit),
   reported with its row count; not a page, no target.

Target for pages: within 3x of the lower bound or under 300 ms at national scale (200 ms at the
province), whichever the issue states for the figure; every miss says why in benchmarks/README.md.
"""

import datetime
import time

from django.db import connection

from chuyende.org.models import Unit

from .common import duration_metric, prepare, timed, write

STEP = 4
# Active members of each child, from the member tallies the board reads (the same table).
MEMBERS_BY_CHILD = (
    "select u.path, sum(t.n) from org_membertally t join org_unit u on u.id = t.unit_id"
    " where u.path like %s and u.depth = %s and t.status = 'active' group by 1"
)


def _raw(sql, params=()):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return run


def _raws(*statements):
    runs = [_raw(sql, params) for sql, params in statements]

    def run():
        for each in runs:
            each()

    return run


def _ratio_metric(metric, samples, base_samples, what, *, at_most_ms, at_most_ratio=3.0):
    m = duration_metric(metric, samples, base_samples, what, at_most_ms)
    m["target"] = {"at_most": at_most_ms, "ratio_at_most": at_most_ratio}
    ratio = m["ratio"]
    m["met"] = m["value"] <= at_most_ms and ratio is not None and ratio <= at_most_ratio
    return m


def run(*, scale: str):
    from chuyende.reports.figures import refresh, stored_set
    from chuyende.reports.models import FigureSet, ReportForm, ReportingPeriod
    from chuyende.reports.selectors import compute_figures, computed_indicators

    prepare(scale)
    national = scale == "national"
    page_ms = 300 if national else 200
    repeat = 10 if national else 20
    root = Unit.objects.get(depth=1, code="TLD")
    province = Unit.objects.get(code="DLK")
    grassroots = (
        Unit.objects.filter(path__startswith=province.path, kind="grassroots")
        .order_by("-numchild", "path")
        .first()
    )
    period = ReportingPeriod.objects.get(code="2024S1")
    indicators = list(computed_indicators())
    codes = [i.code for i in indicators]
    metrics, checks = [], []

    figure_set = FigureSet.objects.filter(period=period, plan__isnull=True).first()
    began = time.perf_counter()
    if figure_set is None or figure_set.computed_at is None or not national:
        figure_set = refresh(period=period)
        took = (time.perf_counter() - began) * 1000
        checks.append(
            {
                "check": "stored figures of 2024S1 computed (background task)",
                "passed": figure_set.status == "ready",
                "detail": f"{figure_set.rows:,} rows in {took / 1000:.1f} s",
            }
        )
    else:
        checks.append(
            {
                "check": "stored figures of 2024S1 (kept from the data set's build)",
                "passed": figure_set.status == "ready",
                "detail": f"{figure_set.rows:,} rows, computed in {figure_set.took_ms / 1000:.1f} s",
            }
        )

    from django.conf import settings

    settings.FIGURES_STORED = True
    settings.FIGURES_MAX_AGE = 10**9  # the benchmark reads; it must not trigger a recomputation
    assert stored_set(period=period, plan=None) is not None

    def stored(unit, width):
        return lambda: compute_figures(
            indicators=indicators,
            root_path=unit.path,
            width=width,
            start=period.start,
            end=period.end,
            figure_set=figure_set,
        )

    # The best plan found by hand: from the units (path index) to their rows (unique index).
    figure_sql = (
        "select u.path, f.code, f.value from reports_figure f join org_unit u on u.id = f.unit_id"
        " where f.figure_set_id = %s and f.unit_id in (select id from org_unit where {units})"
        + (" and f.code = any(%s)" if connection.vendor == "postgresql" else "")
    )

    def figure_rows(unit, width):
        codes_param = [codes] if connection.vendor == "postgresql" else []
        if width == len(unit.path):  # the unit itself: by its path
            sql = figure_sql.format(units="path = %s")
            return _raw(sql, [figure_set.pk, unit.path] + codes_param)
        sql = figure_sql.format(units="path like %s and depth = %s")
        return _raw(sql, [figure_set.pk, unit.path + "%", width // STEP] + codes_param)

    for metric, unit, width, label in (
        ("report_root_children_ms", root, len(root.path) + STEP, "root's children"),
        ("report_province_children_ms", province, len(province.path) + STEP, "province's"),
        ("report_grassroots_ms", grassroots, len(grassroots.path), "one CĐCS"),
    ):
        values = stored(unit, width)()
        checks.append(
            {
                "check": f"{metric}: {len(indicators)} indicators for {len(values)} units",
                "passed": bool(values),
                "detail": label,
            }
        )
        metrics.append(
            _ratio_metric(
                metric,
                timed(stored(unit, width), repeat),
                timed(figure_rows(unit, width), repeat),
                "SQL: the same stored rows",
                at_most_ms=page_ms,
            )
        )

    # Counting the records on the request (what the stored figures save), one indicator.
    members = next(i for i in indicators if i.code == "org.members")
    live_repeat = 3 if national else 10
    for metric, unit in (
        ("count_members_root_children_ms", root),
        ("count_members_province_children_ms", province),
    ):
        width = len(unit.path) + STEP

        def live(unit=unit, width=width):
            return compute_figures(
                indicators=[members],
                root_path=unit.path,
                width=width,
                start=period.start,
                end=period.end,
            )

        sql = _raw(
            "select substr(u.path, 1, %s), count(*) from org_member m join org_unit u"
            " on u.id = m.unit_id where u.path like %s and m.status = 'active'"
            " and (m.joined_on is null or m.joined_on <= %s) group by 1",
            [width, unit.path + "%", period.end],
        )
        m = _ratio_metric(
            metric,
            timed(live, live_repeat),
            timed(sql, live_repeat),
            "SQL: grouped count of the member table",
            at_most_ms=10**9,  # not a page: shown for the ratio only
        )
        m["target"] = {"ratio_at_most": 3.0}
        m["met"] = m["ratio"] is not None and m["ratio"] <= 3.0
        metrics.append(m)

    # Completeness: who has not reported.
    from chuyende.core.scoping import user_scope  # noqa: F401  (the page's scoping)
    from chuyende.reports.selectors import completeness

    admin = _user("admin")
    today = datetime.date(2024, 7, 20)
    for metric, parent in (
        ("completeness_root_ms", root),
        ("completeness_province_ms", province),
    ):
        form = (
            ReportForm.objects.filter(recipient=parent, period_kind="semester")
            .order_by("pk")
            .first()
        )
        if form is None:
            checks.append(
                {
                    "check": f"{metric}: a semester form sent to {parent.code}",
                    "passed": False,
                    "detail": "none in the data set",
                }
            )
            continue

        def page(form=form, parent=parent):
            return completeness(form=form, period=period, parent=parent, user=admin, today=today)

        sql = _raw(
            "select u.id, u.name, r.status, r.submitted_at from org_unit u left join"
            " reports_report r on r.unit_id = u.id and r.form_id = %s and r.period_id = %s"
            " where u.path like %s and u.kind = %s and u.active and u.id <> %s order by u.path",
            [form.pk, period.pk, parent.path + "%", form.reporting_kind, parent.pk],
        )
        result = page()
        checks.append(
            {
                "check": f"{metric}: {result['expected']:,} units expected",
                "passed": result["expected"] > 0,
                "detail": f"{result['done']:,} reported",
            }
        )
        metrics.append(  # a list page: the page target (roll-ups have the 3x target)
            duration_metric(
                metric,
                timed(page, repeat),
                timed(sql, repeat),
                "SQL: reporting units left-joined to reports",
                page_ms,
            )
        )

    # Contest leaderboard of units.
    from django.core.cache import cache

    from chuyende.contests.models import Round, UnitTally
    from chuyende.contests.selectors import unit_board

    round_ = (
        Round.objects.filter(contest__unit__depth__lte=province.depth)
        .order_by("contest__unit__depth", "number")
        .first()
    )
    if round_ is not None:
        top = round_.contest.unit
        below = (
            Unit.objects.filter(path__startswith=top.path, depth=top.depth + 1)
            .order_by("-numchild", "path")
            .first()
        )
        for metric, parent in (
            ("contest_board_top_ms", top),
            ("contest_board_below_ms", below),
        ):
            width = len(parent.path) + STEP

            def board(parent=parent):
                cache.clear()  # the cold page: members per unit not cached
                return unit_board(round_=round_, parent=parent)

            sql = _raws(
                (
                    "select substr(path, 1, %s), sum(entries), sum(entrants) from"
                    f" {UnitTally._meta.db_table} where round_id = %s and path like %s group by 1",
                    [width, round_.pk, parent.path + "%"],
                ),
                (MEMBERS_BY_CHILD, [parent.path + "%", width // STEP]),
            )
            metrics.append(
                _ratio_metric(
                    metric,
                    timed(board, repeat),
                    timed(sql, repeat),
                    "SQL: contest tallies summed, member tallies read per child",
                    at_most_ms=page_ms,
                )
            )
            checks.append(
                {
                    "check": f"{metric}: {parent.code}",
                    "passed": True,
                    "detail": f"contest {round_.contest_id} round {round_.number}",
                }
            )
    from chuyende.org.models import Member

    checks.append(
        {
            "check": "data set size",
            "passed": True,
            "detail": f"{Unit.objects.count():,} units, {Member.objects.count():,} members",
        }
    )
    return write("rollups", scale, metrics, checks)


def _user(name):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=name)
