"""Inspections for the tests, made straight in the database (the services are tested alone)."""

import datetime

from django.utils import timezone

from chuyende.inspections.choices import InspectionStatus, Rating, RecommendationStatus
from chuyende.inspections.models import (
    Finding,
    Inspection,
    InspectionPlan,
    InspectionPoint,
    Recommendation,
)

TEAM = [
    {"name": "Nguyễn Thị Lý", "position": "Phó Chủ tịch LĐLĐ tỉnh"},
    {"name": "Trần Văn Hùng", "position": "Trưởng Ban Tuyên giáo – Nữ công"},
]


def make_plan(unit, *, plan=None, tasks=(), free=("Sổ sách, hồ sơ lưu trữ",), **extra):
    values = {
        "title": "Kiểm tra việc triển khai Chuyên đề năm 2024",
        "number": "12/KH-LĐLĐ",
        "year": 2024,
        "start_on": datetime.date(2024, 10, 1),
        "end_on": datetime.date(2024, 10, 31),
        "team": TEAM,
        **extra,
    }
    inspection_plan = InspectionPlan.objects.create(unit=unit, plan=plan, **values)
    position = 0
    for task in tasks:
        position += 1
        InspectionPoint.objects.create(
            inspection_plan=inspection_plan,
            task=task,
            title=f"{task.ref}. {task.title}",
            position=position,
        )
    for title in free:
        position += 1
        InspectionPoint.objects.create(
            inspection_plan=inspection_plan, title=title, position=position
        )
    return inspection_plan


def make_inspection(inspection_plan, unit, *, status=InspectionStatus.PLANNED, **extra):
    return Inspection.objects.create(
        inspection_plan=inspection_plan,
        unit=unit,
        date=extra.pop("date", inspection_plan.start_on),
        status=status,
        **extra,
    )


def conclude(inspection, *, recommendation_due=None):
    """Findings on every point, a conclusion and (optionally) one open recommendation."""
    for point in inspection.inspection_plan.points.all():
        Finding.objects.create(
            inspection=inspection, point=point, text="Đã triển khai đầy đủ.", rating=Rating.GOOD
        )
    inspection.status = InspectionStatus.CONCLUDED
    inspection.conclusion = "Đơn vị triển khai nghiêm túc."
    inspection.concluded_at = timezone.now()
    inspection.save()
    if recommendation_due:
        return Recommendation.objects.create(
            inspection=inspection,
            text="Bổ sung biên bản sinh hoạt chuyên đề.",
            due_on=recommendation_due,
            status=RecommendationStatus.OPEN,
        )
    return None


def foreign_inspection(w):
    """B's own plan inspecting B1 (Ea Kar), concluded, with an open recommendation."""
    if not hasattr(w, "foreign_inspection"):
        inspection_plan = make_plan(
            w.b, plan=w.foreign_plan, tasks=[w.foreign_task], title="Kiểm tra Ea Kar"
        )
        inspection = make_inspection(inspection_plan, w.b1)
        w.foreign_recommendation = conclude(
            inspection, recommendation_due=datetime.date(2024, 12, 31)
        )
        w.foreign_inspection_plan = inspection_plan
        w.foreign_inspection = inspection
        w.foreign_point = inspection_plan.points.first()
    return w.foreign_inspection


def foreign_recommendation(w):
    foreign_inspection(w)
    return w.foreign_recommendation


def foreign_point(w):
    foreign_inspection(w)
    return w.foreign_point


def foreign_inspection_plan(w):
    foreign_inspection(w)
    return w.foreign_inspection_plan
