"""Inspection figures: held, recommendations issued and closed on time, per subtree and child,
counted for the inspecting unit, in one grouped query each."""

import datetime

import pytest

from chuyende.inspections.choices import RecommendationStatus
from chuyende.inspections.models import Recommendation
from chuyende.reports.registry import REGISTRY

from .helpers import conclude, make_inspection, make_plan

pytestmark = pytest.mark.django_db

START, END = datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)


def _compute(code, root, width, plan=None):
    return REGISTRY[code].compute(root_path=root.path, width=width, start=START, end=END, plan=plan)


def test_figures_belong_to_the_inspecting_unit(world, django_assert_num_queries):
    province_plan = make_plan(world.province, plan=world.plan)
    a1 = make_inspection(province_plan, world.a1, date=datetime.date(2024, 10, 8))
    rec = conclude(a1, recommendation_due=datetime.date(2024, 11, 30))
    rec.status = RecommendationStatus.CLOSED
    rec.closed_at = datetime.datetime(2024, 11, 20, 2, tzinfo=datetime.UTC)
    rec.save()
    Recommendation.objects.create(
        inspection=a1,
        text="Muộn",
        due_on=datetime.date(2024, 10, 31),
        status=RecommendationStatus.CLOSED,
        closed_at=datetime.datetime(2024, 11, 20, 2, tzinfo=datetime.UTC),
    )
    make_inspection(province_plan, world.a2)  # planned: not held
    a_plan = make_plan(world.a, title="Kiểm tra của thành phố")
    conclude(make_inspection(a_plan, world.a1, date=datetime.date(2024, 9, 1)))
    old = make_plan(world.a, title="Năm trước")
    conclude(make_inspection(old, world.a2, date=datetime.date(2023, 9, 1)))

    width = len(world.province.path)
    with django_assert_num_queries(1):
        held = _compute("inspections.held", world.province, width)
    assert held == {world.province.path: 2}
    by_child = _compute("inspections.held", world.province, width + 4)
    assert by_child == {world.province.path: 1, world.a.path: 1}
    issued = _compute("inspections.recommendations", world.province, width)
    on_time = _compute("inspections.closed_on_time", world.province, width)
    assert issued == {world.province.path: 2} and on_time == {world.province.path: 1}
    assert _compute("inspections.held", world.province, width, plan=world.plan) == {
        world.province.path: 1
    }
    assert _compute("inspections.held", world.b, len(world.b.path)) == {}
    assert REGISTRY["inspections.closed_on_time_rate"].numerator == "inspections.closed_on_time"
