"""Every path that creates a plan sets up the report forms its reporting duties imply, as the
demo does (chuyende.reports.seeding.report_setup_for_plan), through the plans service."""

import datetime

import pytest
from django.urls import reverse

from chuyende.core.models import AuditEvent
from chuyende.plans import services
from chuyende.plans.models import Plan
from chuyende.reports.models import ReportForm, ReportingPeriod
from chuyende.reports.registry import REGISTRY
from chuyende.reports.seeding import report_setup_for_plan

from .test_plan_workflow import _review_post, _upload

pytestmark = pytest.mark.django_db

# The demo's forms for the same seed plan (chuyende/reports/tests/test_demo.py).
DEMO_FORMS = {
    ("upper", "semester", "DLK"),
    ("upper", "year", "DLK"),
    ("province", "semester", "TLD"),
    ("province", "year", "TLD"),
}


def _forms(plan):
    return {
        (f.reporting_kind, f.period_kind, f.recipient.code): f
        for f in ReportForm.objects.filter(plan=plan).select_related("recipient")
    }


def test_a_plan_imported_through_the_screens_has_the_demos_report_forms(client, world):
    client.force_login(world.alice)
    review = _upload(client)
    response = client.post(
        reverse("plans:plan_import_save"), _review_post(review, number="26/KH-LĐLĐ-2024")
    )
    assert response.status_code == 302
    plan = Plan.objects.get(number="26/KH-LĐLĐ-2024")
    forms = _forms(plan)
    assert set(forms) == DEMO_FORMS
    for form in forms.values():
        assert set(form.indicators.values_list("code", flat=True)) == set(REGISTRY)
    assert forms[("upper", "semester", "DLK")].name == (
        "Báo cáo 6 tháng kết quả thực hiện Kế hoạch số 26/KH-LĐLĐ-2024"
    )
    assert {"2024S1", "2024S2", "2024"} <= set(
        ReportingPeriod.objects.values_list("code", flat=True)
    )
    created = AuditEvent.objects.filter(object_type="reports.reportform", action="create")
    assert set(created.values_list("actor", flat=True)) == {world.alice.pk}
    assert created.count() == 4
    # The demo's own call on the same plan finds everything there: nothing is added twice.
    counts = (ReportForm.objects.count(), ReportingPeriod.objects.count(), created.count())
    again = report_setup_for_plan(plan=plan, acting_user=world.alice)
    assert {f.pk for f in again} == {f.pk for f in forms.values()}
    assert counts == (ReportForm.objects.count(), ReportingPeriod.objects.count(), created.count())


def test_a_plan_saved_by_an_editor_gets_its_forms_set_up_by_the_system(world):
    plan = services.plan_create(
        unit=world.a1,
        acting_user=world.carol,  # an editor: may create plans, not manage the unit
        fields={
            "number": "05/KH-CĐ",
            "title": "Kế hoạch của công đoàn trường",
            "issued_on": datetime.date(2025, 3, 1),
            "reporting": [
                {"by": "CĐCS", "to": "Liên đoàn Lao động tỉnh", "frequency": ["hằng quý"]}
            ],
        },
        tasks=[{"ref": "1", "title": "Học tập chuyên đề"}],
        occasions=[],
    )
    assert set(_forms(plan)) == {("grassroots", "quarter", "DLK")}
    assert {"2025Q1", "2025Q4", "2025S1", "2025"} <= set(
        ReportingPeriod.objects.values_list("code", flat=True)
    )
    audit = AuditEvent.objects.get(object_type="reports.reportform", action="create")
    assert audit.actor is None


def test_a_plan_without_duties_gets_periods_and_no_form_and_an_edit_follows_its_year(world):
    plan = services.plan_create(
        unit=world.province,
        acting_user=world.alice,
        fields={
            "number": "30/KH-LĐLĐ",
            "title": "Kế hoạch",
            "issued_on": datetime.date(2024, 5, 2),
        },
        tasks=[],
        occasions=[],
    )
    assert not ReportForm.objects.filter(plan=plan).exists()
    assert ReportingPeriod.objects.filter(code="2024S2").exists()
    services.plan_update(
        plan=plan,
        acting_user=world.alice,
        fields={
            "issued_on": datetime.date(2025, 1, 10),
            "reporting": [
                {"by": "Công đoàn cấp trên trực tiếp cơ sở", "to": "LĐLĐ tỉnh", "frequency": []}
            ],
        },
    )
    assert set(_forms(plan)) == {("upper", "semester", "DLK"), ("upper", "year", "DLK")}
    assert {"2025S1", "2025S2", "2025"} <= set(
        ReportingPeriod.objects.values_list("code", flat=True)
    )
