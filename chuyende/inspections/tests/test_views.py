"""Screens: no login, in scope, out of scope; the inspected unit reads and answers its own
inspection, a sibling never sees it; lists in a fixed number of queries."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from docx import Document

from chuyende.inspections.choices import InspectionStatus
from chuyende.inspections.models import Finding, Inspection, InspectionPlan, Recommendation
from chuyende.inspections.selectors import overdue_recommendations

from .helpers import conclude, foreign_inspection, make_inspection, make_plan

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 1, 15, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def a1_inspection(world):
    """The province's inspection of A1, concluded, with one overdue open recommendation."""
    inspection_plan = make_plan(world.province, plan=world.plan, tasks=[world.task])
    inspection = make_inspection(inspection_plan, world.a1, date=datetime.date(2024, 10, 8))
    world.rec = conclude(inspection, recommendation_due=datetime.date(2024, 12, 31))
    make_inspection(inspection_plan, world.a2)
    return inspection


def test_pages_ask_for_a_login(client, world, a1_inspection):
    for url in (
        reverse("inspections:plan_list"),
        reverse("inspections:inspection_detail", args=[a1_inspection.pk]),
        reverse("inspections:minutes_docx", args=[a1_inspection.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login")


def test_the_inspected_unit_reads_its_inspection_and_a_sibling_does_not(
    client, world, a1_inspection
):
    url = reverse("inspections:inspection_detail", args=[a1_inspection.pk])
    client.force_login(world.carol)
    body = client.get(url).content.decode()
    assert "Bổ sung biên bản sinh hoạt chuyên đề." in body
    assert f'data-answer="{world.rec.pk}"' in body  # the answer form
    assert "data-close=" not in body  # closing belongs to the inspectors
    # carol cannot open the province's plan itself, but sees her inspection in the list
    plan_url = reverse("inspections:plan_detail", args=[a1_inspection.inspection_plan_id])
    assert client.get(plan_url).status_code == 404
    listing = client.get(reverse("inspections:plan_list")).content.decode()
    assert f'data-inspection="{a1_inspection.pk}"' in listing
    for user in (world.mallory, world.nobody):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert (
            client.get(reverse("inspections:minutes_docx", args=[a1_inspection.pk])).status_code
            == 404
        )
    # A2's inspection is not A1's business
    a2 = Inspection.objects.get(unit=world.a2)
    client.force_login(world.carol)
    assert client.get(reverse("inspections:inspection_detail", args=[a2.pk])).status_code == 404


def test_the_inspected_unit_answers_and_the_inspector_closes(client, world, a1_inspection):
    rec = world.rec
    client.force_login(world.carol)
    response = client.post(
        reverse("inspections:recommendation_answer", args=[rec.pk]),
        {f"r{rec.pk}-answer": "Đã bổ sung biên bản."},
    )
    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.status == "answered"
    # carol cannot close it
    assert (
        client.post(reverse("inspections:recommendation_close", args=[rec.pk])).status_code == 403
    )
    client.force_login(world.alice)
    client.post(
        reverse("inspections:recommendation_close", args=[rec.pk]), {f"c{rec.pk}-comment": ""}
    )
    rec.refresh_from_db()
    a1_inspection.refresh_from_db()
    assert rec.status == "closed" and a1_inspection.status == InspectionStatus.CLOSED


def test_bob_above_the_unit_sees_but_cannot_inspect(client, world, a1_inspection):
    client.force_login(world.bob)
    url = reverse("inspections:inspection_detail", args=[a1_inspection.pk])
    body = client.get(url).content.decode()
    assert "data-close=" not in body and "add-recommendation" not in body
    response = client.post(
        reverse("inspections:recommendation_add", args=[a1_inspection.pk]),
        {"text": "x", "due_on": "01/02/2025"},
    )
    assert response.status_code == 403


@time_machine.travel(NOW, tick=False)
def test_findings_are_recorded_per_point_with_htmx(client, world):
    inspection_plan = make_plan(world.province, plan=world.plan, tasks=[world.task])
    inspection = make_inspection(inspection_plan, world.a1, date=datetime.date(2025, 1, 10))
    client.force_login(world.alice)
    client.post(
        reverse("inspections:inspection_start", args=[inspection.pk]), {"date": "14/01/2025"}
    )
    inspection.refresh_from_db()
    assert inspection.status == "in_progress" and inspection.date == datetime.date(2025, 1, 14)
    point = inspection_plan.points.first()
    url = reverse("inspections:finding_record", args=[inspection.pk, point.pk])
    response = client.post(
        url, {f"p{point.pk}-text": "", f"p{point.pk}-rating": "good"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200 and f'id="point-{point.pk}"' in body and "<html" not in body
    assert "invalid-feedback" in body and not Finding.objects.exists()
    response = client.post(
        url,
        {f"p{point.pk}-text": "Đã tổ chức hội nghị", f"p{point.pk}-rating": "good"},
        HTTP_HX_REQUEST="true",
    )
    assert 'data-rating="good"' in response.content.decode()
    assert Finding.objects.get().text == "Đã tổ chức hội nghị"
    # conclude without text: the page again with the error, nothing changed
    response = client.post(
        reverse("inspections:inspection_conclude", args=[inspection.pk]), {"conclusion": ""}
    )
    assert response.status_code == 422
    response = client.post(
        reverse("inspections:recommendation_add", args=[inspection.pk]),
        {"text": "Hoàn thiện hồ sơ", "due_on": "28/02/2025"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("inspections:inspection_conclude", args=[inspection.pk]),
        {"conclusion": "Đơn vị thực hiện tốt.", "notice_number": "7/TB-LĐLĐ"},
    )
    inspection.refresh_from_db()
    assert inspection.status == "concluded" and Recommendation.objects.count() == 1


def test_plan_create_and_edit_through_the_form(client, world):
    client.force_login(world.alice)
    url = reverse("inspections:plan_create")
    page = client.get(url + "?unit_q=le loi")
    assert page.status_code == 200 and f'id="unit-{world.a1.pk}"' in page.content.decode()
    # the htmx refresh of the task list follows the plan chosen
    response = client.get(
        url, {"plan": world.plan.pk}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="task-options"
    )
    assert f'id="task-{world.task.pk}"' in response.content.decode()
    data = {
        "unit": world.province.pk,
        "plan": world.plan.pk,
        "number": "40/KH-LĐLĐ",
        "title": "Kiểm tra Chuyên đề 2024",
        "year": "2024",
        "start_on": "01/10/2024",
        "end_on": "31/10/2024",
        "team": "Nguyễn Thị Lý, Phó Chủ tịch\nTrần Văn Hùng, Ủy viên",
        "free_points": "",
        "units": [world.a1.pk],
        "tasks": [world.task.pk],
    }
    # a refresh (Enter in the unit search) saves nothing
    assert client.post(url, {**data, "refresh": "units"}).status_code == 200
    assert not InspectionPlan.objects.exists()
    response = client.post(url, {**data, "units": []})
    assert response.status_code == 200 and "units" in response.context["form"].errors
    response = client.post(url, data)
    inspection_plan = InspectionPlan.objects.get()
    assert response["Location"] == reverse("inspections:plan_detail", args=[inspection_plan.pk])
    edit = reverse("inspections:plan_edit", args=[inspection_plan.pk])
    body = client.get(edit).content.decode()
    assert (
        f'id="unit-{world.a1.pk}" checked' in body and f'id="task-{world.task.pk}" checked' in body
    )
    data.pop("unit")
    client.post(edit, {**data, "units": [world.a1.pk, world.a2.pk]})
    assert inspection_plan.inspections.count() == 2
    # bob (manager of A) cannot edit the province's plan: not even see it
    client.force_login(world.bob)
    assert client.get(edit).status_code == 404


def test_a_unit_manager_without_units_below_cannot_create(client, world):
    client.force_login(world.carol)
    assert client.get(reverse("inspections:plan_create")).status_code == 403


def test_documents_open_with_python_docx(client, world, a1_inspection):
    client.force_login(world.erin)  # a viewer may print
    response = client.get(reverse("inspections:minutes_docx", args=[a1_inspection.pk]))
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BIÊN BẢN KIỂM TRA" in text and "Công đoàn Trường THCS Lê Lợi" in text
    findings = doc.tables[1]
    assert [c.text for c in findings.rows[0].cells] == [
        "STT",
        "Nội dung kiểm tra",
        "Kết quả kiểm tra",
        "Đánh giá",
    ]
    assert findings.rows[1].cells[1].text == "II.1. Tổ chức học tập"
    assert findings.rows[1].cells[3].text == "Tốt"
    response = client.get(reverse("inspections:notice_docx", args=[a1_inspection.pk]))
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "THÔNG BÁO" in text and "Kết luận kiểm tra tại Công đoàn Trường THCS Lê Lợi" in text
    recs = doc.tables[1]
    assert recs.rows[1].cells[1].text == "Bổ sung biên bản sinh hoạt chuyên đề."
    assert recs.rows[1].cells[2].text == "31/12/2024"
    header = doc.tables[0].rows[0].cells[0].text
    assert "LIÊN ĐOÀN LAO ĐỘNG TỈNH ĐẮK LẮK" in header and "TỔNG LIÊN ĐOÀN" in header


def test_the_notice_waits_for_the_conclusion(client, world):
    inspection_plan = make_plan(world.province)
    inspection = make_inspection(inspection_plan, world.a1)
    client.force_login(world.alice)
    response = client.get(reverse("inspections:notice_docx", args=[inspection.pk]))
    assert response.status_code == 302


@time_machine.travel(NOW, tick=False)
def test_overdue_recommendations_follow_the_scope_and_the_unit(client, world, a1_inspection):
    foreign_inspection(world)  # B1's recommendation is overdue too
    assert overdue_recommendations(user=world.alice).total == 2
    assert overdue_recommendations(user=world.alice, unit=world.a).total == 1
    assert overdue_recommendations(user=world.carol).total == 1
    assert overdue_recommendations(user=world.mallory).rows[0].inspection.unit == world.b1
    assert overdue_recommendations(user=world.nobody).total == 0
    client.force_login(world.bob)
    body = client.get(reverse("inspections:plan_list")).content.decode()
    assert 'id="overdue-recommendations" data-count="1"' in body and "Ea Kar" not in body
    body = client.get(reverse("inspections:inspection_list") + "?overdue=on").content.decode()
    assert f'data-inspection="{a1_inspection.pk}"' in body and "Ea Kar" not in body


def test_the_template_tag_renders_the_box(rf, world, a1_inspection):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = world.bob
    with time_machine.travel(NOW, tick=False):
        html = Template("{% load inspections_tags %}{% overdue_recommendations unit %}").render(
            Context({"request": request, "unit": world.a})
        )
    assert "overdue-recommendations" in html and "Lê Lợi" in html


def test_lists_take_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    for n in range(6):
        inspection_plan = make_plan(world.province, title=f"Kế hoạch {n}")
        for unit in (world.a1, world.a2):
            inspection = make_inspection(inspection_plan, unit)
            conclude(inspection, recommendation_due=datetime.date(2024, 11, 1))
    client.force_login(world.alice)
    client.get(reverse("inspections:plan_list"))  # warm up
    with django_assert_num_queries(10):
        assert client.get(reverse("inspections:plan_list")).status_code == 200
    with django_assert_num_queries(6):
        assert client.get(reverse("inspections:inspection_list")).status_code == 200
    inspection_plan = InspectionPlan.objects.first()
    with django_assert_num_queries(8):
        client.get(reverse("inspections:plan_detail", args=[inspection_plan.pk]))
    with django_assert_num_queries(9):
        client.get(reverse("inspections:inspection_detail", args=[inspection.pk]))
