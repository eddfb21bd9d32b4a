"""Inspections for the Đắk Lắk demo: the provincial federation's 2024 inspection plan on the
seed plan 26/KH-LĐLĐ, with two inspections — the city federation of Buôn Ma Thuột, concluded
with its recommendations answered and closed, and the first grassroots union of the city
(the `coso` account's), concluded with one recommendation answered on time and one still open
past its due date. A handful of rows, written straight; deterministic."""

import datetime
import time

from django.contrib.auth import get_user_model
from django.utils import timezone

from chuyende.demo.builder import CITY_CODE, GRASSROOTS_CODE
from chuyende.org.models import Unit

from .choices import InspectionStatus, Rating, RecommendationStatus
from .models import Finding, Inspection, InspectionPlan, InspectionPoint, Recommendation

TITLE = "Kiểm tra, giám sát việc triển khai thực hiện Chuyên đề năm 2024"
TEAM = [
    {"name": "Nguyễn Thị Lý", "position": "Phó Chủ tịch LĐLĐ tỉnh"},
    {"name": "Phạm Thị Thanh Hương", "position": "Chuyên viên Ban Tuyên giáo – Nữ công"},
    {"name": "Lê Văn Tâm", "position": "Ủy viên Ủy ban Kiểm tra LĐLĐ tỉnh"},
]
POINT_TASKS = ("II.1", "II.2", "II.3")
FREE_POINTS = (
    "Hồ sơ, sổ sách theo dõi việc học tập và làm theo; bản cam kết tu dưỡng, rèn luyện của "
    "đoàn viên",
)

CITY_FINDINGS = {
    "II.1": (
        Rating.GOOD,
        "Tổ chức Hội nghị học tập, quán triệt Chuyên đề năm 2024 ngày 20/3/2024 cho 100% chủ "
        "tịch, phó chủ tịch CĐCS trực thuộc; có kế hoạch và báo cáo kết quả.",
    ),
    "II.2": (
        Rating.SATISFACTORY,
        "Đăng tải 18 tin, bài trên trang thông tin điện tử và fanpage; chưa có chuyên mục riêng "
        "về Chuyên đề năm 2024.",
    ),
    "II.3": (
        Rating.GOOD,
        "Hướng dẫn các CĐCS đưa nội dung Chuyên đề vào sinh hoạt định kỳ; 86% CĐCS đã triển khai.",
    ),
    "": (
        Rating.SATISFACTORY,
        "Hồ sơ lưu trữ cơ bản đầy đủ; một số CĐCS chưa gửi báo cáo 6 tháng đúng hạn.",
    ),
}
CITY_CONCLUSION = (
    "LĐLĐ thành phố Buôn Ma Thuột đã chủ động ban hành kế hoạch, tổ chức học tập, quán triệt "
    "Chuyên đề năm 2024 kịp thời, đúng đối tượng; công tác tuyên truyền có đổi mới. Cần tăng "
    "cường đôn đốc các CĐCS báo cáo đúng hạn và xây dựng chuyên mục tuyên truyền riêng."
)
CITY_RECOMMENDATIONS = (
    (
        "Xây dựng chuyên mục “Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh” "
        "trên trang thông tin điện tử của LĐLĐ thành phố.",
        datetime.date(2024, 11, 30),
        "Đã mở chuyên mục từ ngày 15/11/2024, đăng 6 bài giới thiệu gương điển hình.",
        datetime.date(2024, 11, 18),
        datetime.date(2024, 11, 22),
    ),
    (
        "Đôn đốc các CĐCS chưa gửi báo cáo 6 tháng hoàn thành báo cáo về LĐLĐ thành phố.",
        datetime.date(2024, 11, 15),
        "Đã nhận đủ báo cáo của 100% CĐCS trực thuộc.",
        datetime.date(2024, 11, 12),
        datetime.date(2024, 11, 14),
    ),
)

SCHOOL_FINDINGS = {
    "II.1": (
        Rating.GOOD,
        "Tổ chức quán triệt Chuyên đề trong buổi sinh hoạt Hội đồng sư phạm tháng 4/2024, 44/46 "
        "đoàn viên tham dự.",
    ),
    "II.2": (
        Rating.SATISFACTORY,
        "Có bảng tin công đoàn và nhóm Zalo; nội dung tuyên truyền về Chuyên đề còn ít.",
    ),
    "II.3": (
        Rating.WEAK,
        "Chưa đưa nội dung Chuyên đề vào sinh hoạt định kỳ hằng tháng; biên bản sinh hoạt chưa "
        "ghi nội dung học tập và làm theo.",
    ),
    "": (
        Rating.WEAK,
        "Còn 12 đoàn viên chưa viết bản cam kết tu dưỡng, rèn luyện năm 2024.",
    ),
}
SCHOOL_CONCLUSION = (
    "Công đoàn cơ sở đã tổ chức quán triệt Chuyên đề năm 2024 đến đoàn viên; tuy nhiên việc đưa "
    "nội dung Chuyên đề vào sinh hoạt định kỳ và tổ chức cho đoàn viên viết bản cam kết chưa đầy "
    "đủ. Đề nghị Ban Chấp hành CĐCS khắc phục các hạn chế theo kiến nghị của Đoàn kiểm tra."
)
SCHOOL_RECOMMENDATIONS = (
    (
        "Đưa nội dung Chuyên đề năm 2024 vào sinh hoạt công đoàn định kỳ hằng tháng và ghi rõ "
        "trong biên bản sinh hoạt.",
        datetime.date(2024, 11, 30),
        "Từ tháng 11/2024, nội dung Chuyên đề được đưa vào sinh hoạt định kỳ; gửi kèm biên bản "
        "sinh hoạt tháng 11.",
        datetime.date(2024, 11, 28),
        datetime.date(2024, 12, 3),
    ),
    (
        "Hoàn thành việc tổ chức cho 100% đoàn viên viết bản cam kết tu dưỡng, rèn luyện năm 2024.",
        datetime.date(2024, 12, 15),
        None,  # not answered: overdue and open
        None,
        None,
    ),
)


def _at(day, hour=9):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _inspect(
    *, inspection_plan, unit, points, date, findings, conclusion, notice, recommendations, users
):
    inspector, answerer = users
    closed_all = all(r[4] for r in recommendations)
    inspection = Inspection.objects.create(
        inspection_plan=inspection_plan,
        unit=unit,
        date=date,
        status=InspectionStatus.CLOSED if closed_all else InspectionStatus.CONCLUDED,
        conclusion=conclusion,
        notice_number=notice,
        started_by=inspector,
        started_at=_at(date, 8),
        concluded_by=inspector,
        concluded_at=_at(date + datetime.timedelta(days=3), 15),
    )
    Finding.objects.bulk_create(
        [
            Finding(
                inspection=inspection,
                point=point,
                rating=findings[point.task.ref if point.task_id else ""][0],
                text=findings[point.task.ref if point.task_id else ""][1],
                recorded_by=inspector,
                recorded_at=_at(date, 10),
            )
            for point in points
        ]
    )
    rows = []
    for text, due, answer, answered, closed in recommendations:
        status = (
            RecommendationStatus.CLOSED
            if closed
            else RecommendationStatus.ANSWERED
            if answered
            else RecommendationStatus.OPEN
        )
        rows.append(
            Recommendation(
                inspection=inspection,
                text=text,
                due_on=due,
                status=status,
                answer=answer or "",
                answered_by=answerer if answered else None,
                answered_at=_at(answered, 16) if answered else None,
                closed_by=inspector if closed else None,
                closed_at=_at(closed, 10) if closed else None,
                close_comment="Đoàn kiểm tra đã xem xét hồ sơ kèm theo." if closed else "",
                created_by=inspector,
            )
        )
    Recommendation.objects.bulk_create(rows)
    return inspection


def load_demo(*, province, plan, rng=None, stdout=None) -> None:
    started = time.perf_counter()
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["tinh", "captren", "coso"])
    }
    units = {u.code: u for u in Unit.objects.filter(code__in=[CITY_CODE, GRASSROOTS_CODE])}
    city, school = units.get(CITY_CODE), units.get(GRASSROOTS_CODE)
    if city is None or school is None:
        return
    inspector = users.get("tinh")
    inspection_plan = InspectionPlan.objects.create(
        unit=province,
        plan=plan,
        number="45/KH-LĐLĐ",
        title=TITLE,
        year=2024,
        team=TEAM,
        start_on=datetime.date(2024, 10, 7),
        end_on=datetime.date(2024, 10, 25),
        created_by=inspector,
    )
    tasks = {t.ref: t for t in plan.tasks.filter(ref__in=POINT_TASKS)}
    points = [
        InspectionPoint(
            inspection_plan=inspection_plan, task=tasks[ref], title=f"{ref}. {tasks[ref].title}"
        )
        for ref in POINT_TASKS
        if ref in tasks
    ] + [InspectionPoint(inspection_plan=inspection_plan, title=p) for p in FREE_POINTS]
    for index, point in enumerate(points, start=1):
        point.position = index
    InspectionPoint.objects.bulk_create(points)
    points = list(inspection_plan.points.select_related("task").order_by("position"))
    _inspect(
        inspection_plan=inspection_plan,
        unit=city,
        points=points,
        date=datetime.date(2024, 10, 9),
        findings=CITY_FINDINGS,
        conclusion=CITY_CONCLUSION,
        notice="52/TB-LĐLĐ",
        recommendations=CITY_RECOMMENDATIONS,
        users=(inspector, users.get("captren")),
    )
    _inspect(
        inspection_plan=inspection_plan,
        unit=school,
        points=points,
        date=datetime.date(2024, 10, 16),
        findings=SCHOOL_FINDINGS,
        conclusion=SCHOOL_CONCLUSION,
        notice="55/TB-LĐLĐ",
        recommendations=SCHOOL_RECOMMENDATIONS,
        users=(inspector, users.get("coso")),
    )
    if stdout is not None:
        stdout.write(
            f"  inspections: 1 plan, 2 inspections, 4 recommendations, "
            f"{time.perf_counter() - started:.1f} s\n"
        )
