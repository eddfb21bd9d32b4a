"""The demo's inspections: two of the 2024 plan, one closed, one with an overdue open
recommendation the grassroots officer `coso` can answer."""

import pytest

from chuyende.demo.builder import CITY_CODE, GRASSROOTS_CODE, build_demo
from chuyende.inspections.choices import InspectionStatus
from chuyende.inspections.models import Inspection, InspectionPlan
from chuyende.inspections.selectors import can_answer, can_inspect, overdue_recommendations
from chuyende.org.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db, django_user_model):
    build_demo(scale=0.02)
    return {u.username: u for u in django_user_model.objects.all()}


def test_two_inspections_of_the_2024_plan(demo):
    inspection_plan = InspectionPlan.objects.get()
    assert inspection_plan.plan.number.startswith("26")
    assert inspection_plan.points.filter(task__isnull=False).count() == 3
    city = Inspection.objects.get(unit__code=CITY_CODE)
    school = Inspection.objects.get(unit__code=GRASSROOTS_CODE)
    assert city.status == InspectionStatus.CLOSED
    assert all(r.closed_on_time for r in city.recommendations.all())
    assert school.status == InspectionStatus.CONCLUDED
    assert school.findings.count() == inspection_plan.points.count()
    overdue = overdue_recommendations(user=demo["coso"])
    assert overdue.total == 1 and overdue.rows[0].inspection == school
    assert can_answer(demo["coso"], school) and not can_inspect(demo["coso"], school)
    assert can_inspect(demo["tinh"], school)
    assert (
        overdue_recommendations(user=demo["tinh"], unit=Unit.objects.get(code=CITY_CODE)).total == 1
    )
