"""The seed plan's reporting duties become report forms, periods and indicators, idempotently."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from chuyende.core.models import AuditEvent
from chuyende.reports.models import Indicator, ReportForm, ReportingPeriod
from chuyende.reports.registry import REGISTRY
from chuyende.reports.seeding import duties, report_setup_for_plan
from chuyende.reports.selectors import unit_figures
from chuyende.reports.services import report_open

pytestmark = pytest.mark.django_db

# As the parser reads them off the seed plan (III.2 and its "Nơi nhận").
SEED_REPORTING = [
    {"by": "Công đoàn cấp trên trực tiếp cơ sở", "to": "LĐLĐ tỉnh", "frequency": ["6 tháng", "năm"]}
]
SEED_RECIPIENTS = [
    {"name": "CĐ cấp trên trực tiếp CS", "purpose": "Thực hiện"},
    {"name": "Ban TG Tỉnh ủy, TLĐ", "purpose": "Báo cáo"},
    {"name": "Thường trực LĐLĐ tỉnh", "purpose": None},
]


@pytest.fixture
def seed_plan(world):
    world.plan.reporting = SEED_REPORTING
    world.plan.recipients = SEED_RECIPIENTS
    world.plan.save()
    return world.plan


def _forms(plan):
    return {
        (f.reporting_kind, f.recipient.code, f.period_kind): f
        for f in ReportForm.objects.filter(plan=plan).select_related("recipient")
    }


def test_upper_level_unions_report_to_the_province_every_six_months_and_year(world, seed_plan):
    report_setup_for_plan(plan=seed_plan, acting_user=world.alice)
    forms = _forms(seed_plan)
    assert set(forms) == {
        ("upper", "DLK", "semester"),
        ("upper", "DLK", "year"),
        ("province", "TLD", "semester"),
        ("province", "TLD", "year"),
    }
    assert forms[("upper", "DLK", "semester")].name == (
        "Báo cáo 6 tháng kết quả thực hiện Kế hoạch số 26/KH-LĐLĐ"
    )
    assert set(ReportingPeriod.objects.values_list("code", flat=True)) == {
        "2024S1",
        "2024S2",
        "2024",
    }
    for form in forms.values():
        assert set(form.indicators.values_list("code", flat=True)) == set(REGISTRY)
    assert (
        AuditEvent.objects.filter(object_type="reports.reportform", actor=world.alice).count() == 4
    )


def test_running_the_setup_again_changes_nothing(world, seed_plan):
    first = report_setup_for_plan(plan=seed_plan)
    counts = (
        ReportForm.objects.count(),
        ReportingPeriod.objects.count(),
        Indicator.objects.count(),
        AuditEvent.objects.count(),
    )
    again = report_setup_for_plan(plan=seed_plan)
    assert [f.pk for f in again] == [f.pk for f in first]
    assert counts == (
        ReportForm.objects.count(),
        ReportingPeriod.objects.count(),
        Indicator.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_form_missing_indicators_gets_them_back(world, seed_plan):
    form = report_setup_for_plan(plan=seed_plan)[0]
    form.indicators.remove(*form.indicators.filter(code__startswith="study."))
    report_setup_for_plan(plan=seed_plan)
    assert set(form.indicators.values_list("code", flat=True)) == set(REGISTRY)


def test_other_levels_named_by_the_duties_get_their_own_forms(world):
    world.plan.reporting = [
        {"by": "CĐCS", "to": "Liên đoàn Lao động tỉnh", "frequency": ["hằng quý"]},
        # A recipient that is not one unit (each grassroots union's own upper level): skipped.
        {"by": "CĐCS", "to": "Công đoàn cấp trên trực tiếp cơ sở", "frequency": ["tháng"]},
    ]
    world.plan.save()
    assert [(k, r.code, p) for k, r, p in duties(world.plan)] == [
        ("grassroots", "DLK", ["quarter"])
    ]
    report_setup_for_plan(plan=world.plan)
    assert set(_forms(world.plan)) == {("grassroots", "DLK", "quarter")}
    assert {"2024Q1", "2024Q2", "2024Q3", "2024Q4", "2024S1", "2024"} <= set(
        ReportingPeriod.objects.values_list("code", flat=True)
    )


def test_a_plan_without_reporting_duties_gets_indicators_and_periods_but_no_form(world):
    assert report_setup_for_plan(plan=world.plan) == []
    assert not ReportForm.objects.exists()
    assert Indicator.objects.filter(code="study.sessions").exists()
    assert ReportingPeriod.objects.filter(code="2024S2").exists()


def test_only_a_manager_of_the_issuing_unit_sets_the_reports_up(world, seed_plan):
    with pytest.raises(PermissionDenied):
        report_setup_for_plan(plan=seed_plan, acting_user=world.bob)
    assert not ReportForm.objects.exists()
    assert not Indicator.objects.exists()


def test_a_report_on_the_seed_form_opens_with_its_figures_counted(world, seed_plan):
    forms = _forms_after_setup(world, seed_plan)
    period = ReportingPeriod.objects.get(code="2024S1")
    report = report_open(
        form=forms[("upper", "DLK", "semester")], period=period, unit=world.a, acting_user=world.bob
    )
    values = {v.indicator.code: v.value for v in report.values.select_related("indicator")}
    expected = unit_figures(
        indicators=list(forms[("upper", "DLK", "semester")].indicators.all()),
        unit=world.a,
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2024, 6, 30),
        plan=seed_plan,
    )
    assert set(values) == set(REGISTRY)
    assert values["org.members"] == expected["org.members"] == 3
    assert values["plans.assignments"] == 1


def _forms_after_setup(world, plan):
    report_setup_for_plan(plan=plan, acting_user=world.alice)
    return _forms(plan)
