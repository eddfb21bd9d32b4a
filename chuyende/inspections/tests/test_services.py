"""The inspection, step by step: plan, start, findings, conclusion, recommendations, answers,
closing — each with the rights on the right unit and clear messages for bad input."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from chuyende.core.models import AuditEvent
from chuyende.inspections import services
from chuyende.inspections.choices import InspectionStatus, RecommendationStatus
from chuyende.inspections.models import Finding, Inspection, InspectionPlan, Recommendation
from chuyende.plans.models import Task

from .helpers import conclude, make_inspection, make_plan

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2024, 10, 8, 9, 0, tzinfo=datetime.UTC)


def _fields(world, **extra):
    return {
        "plan": world.plan,
        "number": "35/KH-LĐLĐ",
        "title": "Kiểm tra việc triển khai Chuyên đề năm 2024",
        "year": 2024,
        "start_on": datetime.date(2024, 10, 1),
        "end_on": datetime.date(2024, 10, 31),
        **extra,
    }


def _create(world, user=None, **extra):
    kwargs = {
        "unit": world.province,
        "acting_user": user or world.alice,
        "fields": _fields(world),
        "units": [world.a1, world.a2],
        "tasks": [world.task],
        "free_points": ["Hồ sơ, sổ sách sinh hoạt chuyên đề"],
        "team": ["Nguyễn Thị Lý, Phó Chủ tịch", "Trần Văn Hùng; Ủy viên"],
        **extra,
    }
    return services.plan_create(**kwargs)


def _running(world, **extra):
    inspection_plan = make_plan(world.province, plan=world.plan, tasks=[world.task])
    return make_inspection(inspection_plan, world.a1, status=InspectionStatus.IN_PROGRESS, **extra)


# Plans --------------------------------------------------------------------------------------


def test_a_plan_creates_one_planned_inspection_per_unit_and_its_points(world):
    inspection_plan = _create(world)
    assert inspection_plan.team == [
        {"name": "Nguyễn Thị Lý", "position": "Phó Chủ tịch"},
        {"name": "Trần Văn Hùng", "position": "Ủy viên"},
    ]
    inspections = Inspection.objects.filter(inspection_plan=inspection_plan)
    assert {i.unit for i in inspections} == {world.a1, world.a2}
    assert all(i.status == "planned" and i.date == datetime.date(2024, 10, 1) for i in inspections)
    points = list(inspection_plan.points.order_by("position"))
    assert [p.task for p in points] == [world.task, None]
    assert points[0].title == "II.1. Tổ chức học tập"
    assert AuditEvent.objects.filter(object_type="inspections.inspectionplan").count() == 1


def test_units_to_inspect_must_be_below_the_issuer(world):
    with pytest.raises(ValidationError) as error:
        _create(world, unit=world.a, user=world.bob, units=[world.b1], fields=_fields(world))
    assert "units" in error.value.error_dict
    with pytest.raises(ValidationError):
        _create(world, unit=world.a, user=world.bob, units=[world.a], fields=_fields(world))
    with pytest.raises(ValidationError) as error:
        _create(world, units=[])
    assert "units" in error.value.error_dict
    assert not InspectionPlan.objects.exists() and not Inspection.objects.exists()


def test_a_plan_needs_a_manager_of_the_issuing_unit(world):
    with pytest.raises(PermissionDenied):
        _create(world, user=world.bob)
    with pytest.raises(PermissionDenied):
        _create(world, user=world.erin)


def test_bad_plan_fields_are_all_reported_and_nothing_is_saved(world):
    with pytest.raises(ValidationError) as error:
        _create(
            world,
            fields=_fields(world, title=" ", year=1990, end_on=datetime.date(2024, 9, 1)),
            team=[],
        )
    assert {"title", "year", "end_on", "team"} <= set(error.value.error_dict)
    assert not InspectionPlan.objects.exists()


def test_points_come_from_the_plan_checked_and_there_is_at_least_one(world):
    with pytest.raises(ValidationError) as error:
        _create(world, tasks=[world.foreign_task])
    assert "tasks" in error.value.error_dict
    with pytest.raises(ValidationError):
        _create(world, tasks=[], free_points=[])
    # a plan of a sibling subtree cannot be the plan checked
    with pytest.raises(ValidationError) as error:
        _create(world, fields=_fields(world, plan=world.foreign_plan), tasks=[])
    assert "plan" in error.value.error_dict


def test_editing_adds_units_and_points_but_keeps_a_started_inspection(world):
    inspection_plan = _create(world)
    second = Task.objects.create(plan=world.plan, ref="II.2", title="Tuyên truyền", position=2)
    services.plan_update(
        inspection_plan=inspection_plan,
        acting_user=world.alice,
        fields=_fields(world, title="Kiểm tra chuyên đề (sửa)"),
        units=[world.a1, world.b1],
        tasks=[world.task, second],
        free_points=[],
        team=["Nguyễn Thị Lý, Phó Chủ tịch"],
    )
    inspection_plan.refresh_from_db()
    assert inspection_plan.title == "Kiểm tra chuyên đề (sửa)"
    assert set(inspection_plan.inspections.values_list("unit", flat=True)) == {
        world.a1.pk,
        world.b1.pk,
    }
    assert list(inspection_plan.points.values_list("task__ref", flat=True)) == ["II.1", "II.2"]
    inspection = inspection_plan.inspections.get(unit=world.a1)
    services.inspection_start(inspection=inspection, acting_user=world.alice, date=NOW.date())
    with pytest.raises(ValidationError) as error:
        services.plan_update(
            inspection_plan=inspection_plan,
            acting_user=world.alice,
            fields=_fields(world),
            units=[world.b1],
            tasks=[world.task],
            team=["Nguyễn Thị Lý"],
        )
    assert "units" in error.value.error_dict
    assert inspection_plan.inspections.filter(unit=world.a1).exists()


# The inspection -------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_whole_inspection_from_start_to_closed(world):
    inspection_plan = _create(world)
    inspection = inspection_plan.inspections.get(unit=world.a1)
    services.inspection_start(inspection=inspection, acting_user=world.alice)
    inspection.refresh_from_db()
    assert inspection.status == "in_progress" and inspection.date == NOW.date()
    point = inspection_plan.points.first()
    services.finding_record(
        inspection=inspection,
        point=point,
        acting_user=world.alice,
        text="Đã tổ chức hội nghị quán triệt.",
        rating="good",
    )
    # recording again corrects the finding, never a second one
    services.finding_record(
        inspection=inspection, point=point, acting_user=world.alice, text="Sửa.", rating="weak"
    )
    assert Finding.objects.get(inspection=inspection).rating == "weak"
    rec = services.recommendation_add(
        inspection=inspection,
        acting_user=world.alice,
        text="Bổ sung kế hoạch sinh hoạt",
        due_on=datetime.date(2024, 11, 30),
    )
    services.inspection_conclude(
        inspection=inspection,
        acting_user=world.alice,
        conclusion="Đạt yêu cầu.",
        notice_number="5/TB-LĐLĐ",
    )
    inspection.refresh_from_db()
    assert inspection.status == "concluded"

    # the inspected unit's editor answers; the issuer's manager closes
    services.recommendation_answer(
        recommendation=rec, acting_user=world.carol, answer="Đã bổ sung."
    )
    rec.refresh_from_db()
    assert rec.status == "answered" and rec.answered_by == world.carol
    services.recommendation_reopen(
        recommendation=rec, acting_user=world.alice, comment="Chưa kèm biên bản."
    )
    rec.refresh_from_db()
    assert rec.status == "open" and rec.close_comment == "Chưa kèm biên bản."
    services.recommendation_answer(
        recommendation=rec, acting_user=world.carol, answer="Đã bổ sung, kèm biên bản."
    )
    services.recommendation_close(recommendation=rec, acting_user=world.alice)
    rec.refresh_from_db()
    inspection.refresh_from_db()
    assert rec.status == "closed" and rec.closed_on_time
    assert inspection.status == "closed"
    # reopening the last recommendation reopens the inspection
    services.recommendation_reopen(recommendation=rec, acting_user=world.alice, comment="Xem lại.")
    inspection.refresh_from_db()
    assert inspection.status == "concluded"
    assert AuditEvent.objects.filter(object_type="inspections.recommendation").count() == 6


@time_machine.travel(NOW, tick=False)
def test_steps_out_of_order_are_refused_with_a_message(world):
    inspection_plan = make_plan(world.province, plan=world.plan, tasks=[world.task])
    inspection = make_inspection(inspection_plan, world.a1)
    point = inspection_plan.points.first()
    with pytest.raises(ValidationError, match="under way"):
        services.finding_record(
            inspection=inspection, point=point, acting_user=world.alice, text="x", rating="good"
        )
    with pytest.raises(ValidationError):
        services.inspection_conclude(inspection=inspection, acting_user=world.alice, conclusion="x")
    with pytest.raises(ValidationError):
        services.inspection_start(
            inspection=inspection, acting_user=world.alice, date=datetime.date(2024, 12, 1)
        )
    services.inspection_start(inspection=inspection, acting_user=world.alice)
    with pytest.raises(ValidationError):
        services.inspection_start(inspection=inspection, acting_user=world.alice)


@time_machine.travel(NOW, tick=False)
def test_a_conclusion_needs_text_and_a_finding(world):
    inspection = _running(world)
    with pytest.raises(ValidationError) as error:
        services.inspection_conclude(inspection=inspection, acting_user=world.alice, conclusion=" ")
    assert "conclusion" in error.value.error_dict
    with pytest.raises(ValidationError, match="at least one finding"):
        services.inspection_conclude(
            inspection=inspection, acting_user=world.alice, conclusion="Tốt."
        )
    inspection.refresh_from_db()
    assert inspection.status == "in_progress"


@time_machine.travel(NOW, tick=False)
def test_bad_findings_and_recommendations(world):
    inspection = _running(world)
    point = inspection.inspection_plan.points.first()
    with pytest.raises(ValidationError) as error:
        services.finding_record(
            inspection=inspection, point=point, acting_user=world.alice, text="", rating="bad"
        )
    assert {"text", "rating"} <= set(error.value.error_dict)
    other = make_plan(world.province, title="Khác").points.first()
    with pytest.raises(ValidationError, match="not in the inspection plan"):
        services.finding_record(
            inspection=inspection, point=other, acting_user=world.alice, text="x", rating="good"
        )
    with pytest.raises(ValidationError) as error:
        services.recommendation_add(
            inspection=inspection, acting_user=world.alice, text="", due_on=None
        )
    assert {"text", "due_on"} <= set(error.value.error_dict)
    with pytest.raises(ValidationError) as error:
        services.recommendation_add(
            inspection=inspection,
            acting_user=world.alice,
            text="Sớm quá",
            due_on=inspection.date - datetime.timedelta(days=1),
        )
    assert "due_on" in error.value.error_dict
    assert not Finding.objects.exists() and not Recommendation.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_inspectors_need_manage_on_the_issuing_unit(world):
    inspection = _running(world)
    point = inspection.inspection_plan.points.first()
    # bob manages A, above the inspected unit, but the inspection is the province's
    for user in (world.bob, world.carol, world.mallory, world.erin):
        with pytest.raises(PermissionDenied):
            services.finding_record(
                inspection=inspection, point=point, acting_user=user, text="x", rating="good"
            )
        with pytest.raises(PermissionDenied):
            services.recommendation_add(
                inspection=inspection, acting_user=user, text="x", due_on=NOW.date()
            )


def test_answers_need_change_on_the_inspected_unit_and_a_concluded_inspection(world):
    inspection_plan = make_plan(world.province, plan=world.plan, tasks=[world.task])
    inspection = make_inspection(inspection_plan, world.a1)
    rec = conclude(inspection, recommendation_due=datetime.date(2024, 12, 1))
    for user in (world.mallory, world.dave, world.erin):
        with pytest.raises(PermissionDenied):
            services.recommendation_answer(recommendation=rec, acting_user=user, answer="x")
    with pytest.raises(PermissionDenied):
        services.recommendation_close(recommendation=rec, acting_user=world.carol, comment="x")
    with pytest.raises(ValidationError) as error:
        services.recommendation_answer(recommendation=rec, acting_user=world.carol, answer=" ")
    assert "answer" in error.value.error_dict
    # never answered: closing needs a reason
    with pytest.raises(ValidationError) as error:
        services.recommendation_close(recommendation=rec, acting_user=world.alice)
    assert "comment" in error.value.error_dict
    with pytest.raises(ValidationError):
        services.recommendation_reopen(recommendation=rec, acting_user=world.alice, comment="x")
    services.recommendation_close(
        recommendation=rec, acting_user=world.alice, comment="Đã kiểm tra trực tiếp."
    )
    with pytest.raises(ValidationError, match="closed"):
        services.recommendation_answer(recommendation=rec, acting_user=world.carol, answer="x")
    rec.refresh_from_db()
    assert rec.status == RecommendationStatus.CLOSED
    with pytest.raises(ValidationError) as error:
        services.recommendation_reopen(recommendation=rec, acting_user=world.alice, comment="")
    assert "comment" in error.value.error_dict


def test_an_inspection_not_yet_concluded_cannot_be_answered(world):
    inspection = _running(world)
    rec = Recommendation.objects.create(
        inspection=inspection, text="x", due_on=datetime.date(2024, 12, 1)
    )
    with pytest.raises(ValidationError, match="concluded"):
        services.recommendation_answer(recommendation=rec, acting_user=world.carol, answer="x")
