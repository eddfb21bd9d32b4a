"""Stored figures: the same numbers as counting the records, read in one query, kept fresh."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chuyende.demo.builder import build_demo
from chuyende.org.models import Unit
from chuyende.reports import figures
from chuyende.reports.models import Figure, FigureSet, ReportForm, ReportingPeriod
from chuyende.reports.selectors import compute_figures, computed_indicators
from chuyende.reports.services import period_ensure
from chuyende.reports.tests.test_views import open_report
from conftest import make_member

STEP = 4


@pytest.fixture
def demo(db, settings):
    settings.FIGURES_STORED = False  # build without storing: the tests store explicitly
    build_demo(scale=0.02)
    settings.FIGURES_STORED = True


def _live(indicators, root, width, period, plan):
    return compute_figures(
        indicators=indicators,
        root_path=root.path,
        width=width,
        start=period.start,
        end=period.end,
        plan=plan,
    )


@pytest.mark.django_db
def test_every_stored_figure_equals_the_count_from_the_records_at_every_level(demo):
    indicators = list(computed_indicators())
    assert len(indicators) > 20  # the modules' registry, ratios included
    root = Unit.objects.get(code="TLD")
    province = Unit.objects.get(code="DLK")
    upper = Unit.objects.filter(path__startswith=province.path, depth=province.depth + 1).first()
    grassroots = (
        Unit.objects.filter(path__startswith=upper.path, depth=upper.depth + 1).first() or upper
    )
    form = ReportForm.objects.filter(recipient=province).first()
    checked = 0
    for period in ReportingPeriod.objects.all():
        for plan in (None, form.plan):
            figure_set = figures.refresh(period=period, plan=plan)
            assert figure_set.status == FigureSet.Status.READY and figure_set.rows > 0
            for unit in (root, province, upper, grassroots):
                for width in (len(unit.path), len(unit.path) + STEP):
                    live = _live(indicators, unit, width, period, plan)
                    stored = compute_figures(
                        indicators=indicators,
                        root_path=unit.path,
                        width=width,
                        start=period.start,
                        end=period.end,
                        plan=plan,
                        figure_set=figure_set,
                    )
                    # (counting also gives the parent's own records under its shorter path)
                    for prefix in {p for p in set(live) | set(stored) if len(p) == width}:
                        expected = live.get(prefix) or {i.code: 0 for i in indicators}
                        got = stored.get(prefix) or {i.code: 0 for i in indicators}
                        for code in expected:
                            assert (expected[code] or 0) == (got[code] or 0), (
                                period.code,
                                plan,
                                prefix,
                                code,
                            )
                            checked += 1
    assert checked > 1000


@pytest.mark.django_db
def test_a_refresh_replaces_the_rows_and_zeros_are_not_stored(demo):
    period = ReportingPeriod.objects.order_by("start").first()
    first = figures.refresh(period=period)
    again = figures.refresh(period=period)
    assert again.pk == first.pk and again.rows == first.rows
    assert Figure.objects.filter(figure_set=again).count() == again.rows
    assert not Figure.objects.filter(value=0).exists()


@pytest.mark.django_db
def test_the_dashboard_reads_the_stored_figures_shows_their_time_and_asks_for_new_ones(
    client, reporting, settings, django_capture_on_commit_callbacks
):
    """The dashboard shows the stored figures (records added since are not in them) with the
    time they were computed; once they are older than FIGURES_MAX_AGE the first page view asks
    the worker (once) and the next view shows the new figures."""
    settings.FIGURES_STORED = True
    settings.FIGURES_MAX_AGE_PAST = 600  # 2024S1 has ended on the fixture's day (5/7/2024)
    w = reporting
    url = reverse("reports:dashboard")
    figures.refresh(period=w.period, plan=w.plan)
    figures.refresh(period=w.period)
    make_member(w.a1, "Người Mới")  # after the computation
    client.force_login(w.alice)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        body = client.get(url, {"period": "2024S1"}).content.decode()
    assert callbacks == []  # fresh: nothing asked
    assert 'data-tile="test.members"' in body and 'data-value="4"' in body  # not 5 yet
    assert 'id="figures-as-of" data-as-of="2024-07-05T' in body

    FigureSet.objects.update(computed_at=timezone.now() - datetime.timedelta(seconds=601))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        body = client.get(url, {"period": "2024S1"}).content.decode()
    assert len(callbacks) == 1  # one computation asked; the immediate backend ran it
    assert 'data-value="4"' in body  # this view still showed the old figures
    body = client.get(url, {"period": "2024S1"}).content.decode()
    assert 'data-value="5"' in body


@pytest.mark.django_db
def test_an_old_set_is_asked_for_once_whoever_looks(
    reporting, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.FIGURES_STORED = True
    w = reporting
    figures.refresh(period=w.period, plan=w.plan)
    FigureSet.objects.update(computed_at=timezone.now() - datetime.timedelta(days=1))
    asked = []
    monkeypatch.setattr(
        "chuyende.reports.figures.enqueue_refresh", lambda *args: asked.append(args)
    )
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            found = figures.stored_set(period=w.period, plan=w.plan)
        assert found is not None  # the old figures are shown meanwhile
    assert asked == [(w.period.pk, w.plan.pk)]


@pytest.mark.django_db
def test_with_no_stored_set_the_page_counts_the_records_and_asks_for_a_set(
    client, reporting, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.FIGURES_STORED = True
    w = reporting
    asked = []
    monkeypatch.setattr(
        "chuyende.reports.figures.enqueue_refresh", lambda *args: asked.append(args)
    )
    client.force_login(w.alice)
    with django_capture_on_commit_callbacks(execute=True):
        body = client.get(reverse("reports:dashboard"), {"period": "2024S1"}).content.decode()
    assert 'data-value="4"' in body and 'id="figures-as-of" data-live="1"' in body
    assert (w.period.pk, w.plan.pk) in asked
    assert FigureSet.objects.get(period=w.period, plan=w.plan).status == "pending"


@pytest.mark.django_db
def test_a_failed_computation_keeps_the_last_figures_and_says_why(reporting, settings):
    settings.FIGURES_STORED = True
    w = reporting
    done = figures.refresh(period=w.period, plan=w.plan)

    from chuyende.reports import registry

    def broken(**kwargs):
        raise RuntimeError("boom")

    registry.indicator("test.broken", "Broken")(broken)
    with pytest.raises(RuntimeError):
        figures.refresh(period=w.period, plan=w.plan)
    kept = FigureSet.objects.get(pk=done.pk)
    assert kept.status == "ready" and "boom" in kept.error
    assert Figure.objects.filter(figure_set=kept).count() == done.rows
    assert figures.stored_set(period=w.period, plan=w.plan) == kept


@pytest.mark.django_db
def test_the_rollup_reads_the_stored_figures_in_a_fixed_number_of_queries(
    client, reporting, settings
):
    settings.FIGURES_STORED = True
    w = reporting
    open_report(w)
    figures.refresh(period=w.period, plan=w.plan)
    client.force_login(w.alice)
    url = reverse("reports:rollup", kwargs={"pk": w.form.pk, "period": "2024S1"})
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(5):
        make_member(w.a1, f"Thêm {n}")
    figures.refresh(period=w.period, plan=w.plan)
    with CaptureQueriesContext(connection) as more:
        body = client.get(url).content.decode()
    assert len(more) == len(few)
    assert 'data-indicator="test.members" data-kind="counted">8<' in body  # 3 + 5 below A


@pytest.mark.django_db
def test_the_figures_command_recomputes_every_period(reporting, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.FIGURES_STORED = True
    period_ensure("2024S2")
    out = StringIO()
    call_command("figures", stdout=out)
    assert FigureSet.objects.filter(status="ready").count() == 4  # 2 periods × (no plan, plan)
    assert "2024S1" in out.getvalue() and "2024S2" in out.getvalue()


@pytest.mark.django_db
def test_a_period_still_running_is_recomputed_sooner_than_one_that_has_ended(
    reporting, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.FIGURES_STORED = True
    settings.FIGURES_MAX_AGE = 600
    settings.FIGURES_MAX_AGE_PAST = 86400
    w = reporting
    running = period_ensure("2024S2")  # the fixture's day is 5/7/2024
    figures.refresh(period=w.period)
    figures.refresh(period=running)
    FigureSet.objects.update(computed_at=timezone.now() - datetime.timedelta(hours=1))
    asked = []
    monkeypatch.setattr(
        "chuyende.reports.figures.enqueue_refresh", lambda *args: asked.append(args)
    )
    with django_capture_on_commit_callbacks(execute=True):
        found = figures.stored_sets(periods=[w.period, running], plan=None)
    assert set(found) == {w.period.pk, running.pk}
    assert asked == [(running.pk, None)]
