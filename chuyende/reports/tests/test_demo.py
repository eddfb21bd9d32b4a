"""The demo's 2024 reports: the seed plan's forms, the upper-level unions' and the province's
6-month and annual reports in every state, with the figures counted from the records."""

import random

import pytest

from chuyende.core.models import AuditEvent
from chuyende.demo.builder import build_demo
from chuyende.org.models import Unit
from chuyende.plans.models import Plan
from chuyende.reports import demo as reports_demo
from chuyende.reports.models import Report, ReportForm
from chuyende.reports.selectors import unit_figures

pytestmark = pytest.mark.django_db

PERIODS = ("2024S1", "2024S2", "2024")


@pytest.fixture
def demo(db):
    build_demo(scale=0.02)
    return Unit.objects.get(code="DLK")


def _state(report):
    if report.status == "submitted":
        return "late" if report.is_late else "on_time"
    return report.status


def test_the_seed_forms_are_set_up_for_the_upper_levels_and_the_province(demo):
    forms = {(f.reporting_kind, f.period_kind, f.recipient.code) for f in ReportForm.objects.all()}
    assert forms == {
        ("upper", "semester", "DLK"),
        ("upper", "year", "DLK"),
        ("province", "semester", "TLD"),
        ("province", "year", "TLD"),
    }


def test_every_period_has_reports_in_every_state_and_some_not_started(demo):
    uppers = set(Unit.objects.filter(kind="upper").values_list("pk", flat=True))
    for code in PERIODS:
        reports = list(
            Report.objects.filter(period__code=code, unit__kind="upper").select_related("period")
        )
        states = {_state(r) for r in reports}
        assert states == {"draft", "on_time", "late", "returned", "accepted"}, code
        assert uppers - {r.unit_id for r in reports}, f"{code}: every upper level started"
        for report in reports:
            if report.status == "returned":
                assert report.review_comment and report.reviewed_by.username == "tinh"
            if report.status in ("submitted", "returned", "accepted"):
                assert report.submitted_at.year in (2024, 2025)
                assert report.reviewed_at is None or report.reviewed_at > report.submitted_at
                assert report.results and report.number.endswith("/BC-LĐLĐ") and report.signer_name
            else:
                assert report.submitted_at is None and report.leadership


def test_captrens_first_report_is_a_draft_and_the_provinces_went_through_the_services(demo):
    city = Report.objects.get(unit__code="DLK-BMT")
    assert city.period.code == "2024S1" and city.status == "draft"
    assert AuditEvent.objects.filter(
        object_type="reports.report", object_id=str(city.pk), actor__username="captren"
    ).exists()
    province = {r.period.code: r for r in Report.objects.filter(unit=demo)}
    assert {code: _state(r) for code, r in province.items()} == {
        "2024S1": "accepted",
        "2024S2": "late",
        "2024": "draft",
    }
    assert province["2024S1"].reviewed_by.username == "admin"


def test_the_figures_are_those_counted_from_the_records_of_each_subtree(demo):
    plan = Plan.objects.get(unit=demo)
    reports = Report.objects.select_related("unit", "period", "form").order_by("pk")
    checked = 0
    for report in list(reports.filter(unit__kind="upper"))[::5][:6]:
        indicators = list(report.form.indicators.all())
        expected = unit_figures(
            indicators=indicators,
            unit=report.unit,
            start=report.period.start,
            end=report.period.end,
            plan=plan,
        )
        values = {v.indicator.code: v.value for v in report.values.select_related("indicator")}
        assert values == expected, report
        checked += 1
    assert checked == 6
    assert Report.objects.filter(values__indicator__code="study.sessions", values__value__gt=0)


def test_each_reports_history_ends_in_its_status(demo):
    for report in Report.objects.all():
        steps = list(
            AuditEvent.objects.filter(object_type="reports.report", object_id=str(report.pk))
            .order_by("at", "id")
            .values_list("action", "changes")
        )
        assert steps[0][0] == "create"
        last = steps[-1][1].get("status", {}).get("to", "draft") if len(steps) > 1 else "draft"
        assert last == report.status, report
        assert report.version == len(steps)


def test_loading_the_reports_again_changes_nothing(demo):
    plan = Plan.objects.get(unit=demo)
    before = (Report.objects.count(), AuditEvent.objects.count(), ReportForm.objects.count())
    reports_demo.load_demo(province=demo, plan=plan, rng=random.Random(1))
    assert (
        Report.objects.count(),
        AuditEvent.objects.count(),
        ReportForm.objects.count(),
    ) == before


def test_the_demo_keeps_its_2024_periods_open_so_drafts_can_be_tried():
    from chuyende.demo.builder import build_demo
    from chuyende.reports.models import ReportingPeriod

    build_demo(scale=0.02)
    periods = ReportingPeriod.objects.filter(code__in=["2024S1", "2024S2", "2024"])
    assert periods.count() == 3
    assert not any(p.is_locked for p in periods)
