import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chuyende.core.models import AuditEvent
from chuyende.plans import selectors, services
from chuyende.plans.models import Assignment, Occasion, Plan, Task
from conftest import make_unit

pytestmark = pytest.mark.django_db

SEED = "chuyende/demo/data/ke-hoach-26-KH-LDLD-2024.txt"


def _upload(client, path=SEED, name=None):
    with open(path, "rb") as handle:
        upload = SimpleUploadedFile(name or path.rsplit("/", 1)[-1], handle.read())
    return client.post(reverse("plans:plan_import"), {"file": upload})


def _review_post(response, **overrides):
    """The review page's form as the browser would send it back."""
    context = response.context
    form, tasks = context["form"], context["tasks"]
    data = {
        "token": context["token"],
        "extras": context["extras_json"],
        "source_text": context["source_text"],
    }
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "pk"):
            value = value.pk
        if isinstance(value, datetime.date):
            value = value.strftime("%d/%m/%Y")
        data[name] = "" if value is None else value
    data.update(
        {
            f"task-{k}": v
            for k, v in {
                "TOTAL_FORMS": len(tasks.forms),
                "INITIAL_FORMS": len(tasks.forms),
                "MIN_NUM_FORMS": 0,
                "MAX_NUM_FORMS": 1000,
            }.items()
        }
    )
    for i, task_form in enumerate(tasks.forms):
        for name in task_form.fields:
            if name == "DELETE":
                continue
            value = task_form.initial.get(name)
            if isinstance(value, list):
                value = "\n".join(value)
            if name == "due" and value:
                value = datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
            data[f"task-{i}-{name}"] = value or ""
    data.update(overrides)
    return data


def test_importing_the_seed_shows_the_parsed_plan_beside_the_original(client, world):
    client.force_login(world.alice)
    response = _upload(client)
    assert response.status_code == 200
    assert response.context["form"].initial["number"] == "26/KH-LĐLĐ"
    assert response.context["form"].initial["unit"] == world.province
    assert [f.initial["ref"] for f in response.context["tasks"].forms] == [
        "II.1",
        "II.2",
        "II.3",
        "III.1",
        "III.2",
    ]
    assert "Nguyễn Thị Lý" in response.context["source_text"]
    assert not Plan.objects.filter(number_key="26/kh-ldld", title__startswith="Tổ chức").exists()


def test_saving_a_reviewed_import_keeps_fields_tasks_occasions_and_file(client, world):
    client.force_login(world.alice)
    review = _upload(client)
    data = _review_post(review, number="26/KH-LĐLĐ-2024", place="Buôn Ma Thuột")
    response = client.post(reverse("plans:plan_import_save"), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    plan = Plan.objects.get(number="26/KH-LĐLĐ-2024")
    assert plan.place == "Buôn Ma Thuột" and plan.unit == world.province
    assert plan.issued_on == datetime.date(2024, 2, 22)
    assert plan.tasks.count() == 5
    task = plan.tasks.get(ref="II.1")
    assert task.due_on == datetime.date(2024, 3, 31) and len(task.audiences) == 2
    assert sorted(Occasion.objects.filter(plan=plan).values_list("date", flat=True)) == [
        datetime.date(2024, 7, 28),
        datetime.date(2024, 11, 22),
    ]
    assert plan.recipients[0]["name"] == "CĐ cấp trên trực tiếp CS"
    assert plan.source_file.name.endswith(".txt")
    assert AuditEvent.objects.filter(action="create", object_id=str(plan.pk)).exists()


def test_a_plan_with_an_existing_number_is_flagged_before_saving(client, world):
    client.force_login(world.alice)
    review = _upload(client)
    data = _review_post(review)
    response = client.post(reverse("plans:plan_import_save"), data)
    assert response.status_code == 200
    assert [p.pk for p in response.context["duplicates"]] == [world.plan.pk]
    assert Plan.objects.filter(unit=world.province).count() == 1
    response = client.post(reverse("plans:plan_import_save"), {**data, "confirm_duplicate": "1"})
    assert response.status_code == 302
    assert Plan.objects.filter(unit=world.province).count() == 2


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("anh.png", b"\x89PNG\r\n\x1a\n\x00\x00"),
        ("trong.txt", b""),
        ("rac.txt", "Chỉ là một dòng ghi chú, không phải kế hoạch.".encode()),
        ("hong.docx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_an_unreadable_file_gets_one_vietnamese_message(client, world, name, content):
    client.force_login(world.alice)
    response = client.post(
        reverse("plans:plan_import"),
        {"file": SimpleUploadedFile(name, content)},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1 and ("tệp" in errors[0].lower() or "tập tin" in errors[0].lower())
    assert Plan.objects.count() == 2


def test_a_task_with_no_title_saves_nothing(client, world):
    client.force_login(world.alice)
    review = _upload(client)
    data = _review_post(review, number="99/KH", **{"task-1-title": ""})
    response = client.post(reverse("plans:plan_import_save"), data)
    assert response.status_code == 200
    assert not Plan.objects.filter(number="99/KH").exists()
    assert Task.objects.count() == 2


def test_a_plan_can_be_created_by_hand(client, world):
    client.force_login(world.bob)
    response = client.get(reverse("plans:plan_new"))
    data = _review_post(
        response,
        number="12/KH-LĐLĐ",
        title="Kế hoạch hội thao",
        **{"task-0-title": "Tổ chức hội thao", "task-0-due": "30/06/2024"},
    )
    response = client.post(reverse("plans:plan_import_save"), data)
    assert response.status_code == 302
    plan = Plan.objects.get(number="12/KH-LĐLĐ")
    assert plan.unit == world.a and plan.tasks.get().due_on == datetime.date(2024, 6, 30)


def test_assigning_to_every_upper_level_union(world):
    task = Task.objects.create(plan=world.plan, ref="II.2", title="Tuyên truyền")
    created = services.task_assign(
        task=task,
        units=selectors.units_for_target(source=world.province, target="upper", chosen=[]),
        acting_user=world.alice,
    )
    assert sorted(a.unit.code for a in created) == ["DLK-BMT", "DLK-EAKAR"]
    again = services.task_assign(task=task, units=[world.a, world.b], acting_user=world.alice)
    assert again == []


def test_passing_a_task_down_to_grassroots_unions(world):
    created = services.task_assign(
        task=world.task,
        units=[world.a1, world.a2],
        acting_user=world.bob,
        due_on=datetime.date(2024, 3, 15),
        parent=world.assignment_a,
    )
    assert {a.parent_id for a in created} == {world.assignment_a.pk}
    assert {a.due_on for a in created} == {datetime.date(2024, 3, 15)}


def test_passing_down_refuses_units_outside_the_assignee_and_late_dates(world):
    with pytest.raises(ValidationError):
        services.task_assign(
            task=world.task, units=[world.b1], acting_user=world.alice, parent=world.assignment_a
        )
    with pytest.raises(ValidationError):
        services.task_assign(
            task=world.task,
            units=[world.a1],
            acting_user=world.bob,
            due_on=datetime.date(2024, 4, 30),
            parent=world.assignment_a,
        )
    with pytest.raises(PermissionDenied):
        services.task_assign(
            task=world.task, units=[world.a1], acting_user=world.mallory, parent=world.assignment_a
        )
    assert Assignment.objects.filter(parent=world.assignment_a).count() == 0


def test_overdue_is_derived_from_the_due_date(world):
    with time_machine.travel(datetime.date(2024, 3, 1)):
        assert world.assignment_a.board_status == "not_started"
    with time_machine.travel(datetime.date(2024, 4, 2)):
        assert world.assignment_a.board_status == "overdue"
        services.assignment_update(
            assignment=world.assignment_a,
            acting_user=world.bob,
            status="done",
            progress_note="Đã tổ chức 2 hội nghị",
        )
        assert world.assignment_a.board_status == "done"
        assert world.assignment_a.completed_on == datetime.date(2024, 4, 2)


def test_an_editor_marks_a_task_done_with_evidence_through_the_screens(client, world):
    child = services.task_assign(
        task=world.task, units=[world.a1], acting_user=world.bob, parent=world.assignment_a
    )[0]
    client.force_login(world.carol)
    url = reverse("plans:assignment_update", args=[child.pk])
    assert client.post(url, {"status": "done", "progress_note": "Xong"}).status_code == 302
    child.refresh_from_db()
    assert child.status == "done" and child.progress_note == "Xong"
    response = client.post(
        reverse("plans:assignment_evidence", args=[child.pk]),
        {"link": "https://ldld.daklak.gov.vn/tin-tuc/hoi-nghi", "note": "Tin bài"},
    )
    assert response.status_code == 302
    assert child.evidence.get().note == "Tin bài"
    response = client.post(reverse("plans:assignment_evidence", args=[child.pk]), {"note": "x"})
    assert child.evidence.count() == 1


def test_a_viewer_cannot_change_an_assignment(client, world):
    client.force_login(world.erin)
    response = client.post(
        reverse("plans:assignment_update", args=[world.assignment_a.pk]), {"status": "done"}
    )
    assert response.status_code == 403
    world.assignment_a.refresh_from_db()
    assert world.assignment_a.status == "not_started"


@time_machine.travel(datetime.date(2024, 4, 2))
def test_board_counts_statuses_per_task_and_drills_down(world):
    children = services.task_assign(
        task=world.task,
        units=[world.a1, world.a2],
        acting_user=world.bob,
        parent=world.assignment_a,
    )
    services.assignment_update(assignment=children[0], acting_user=world.carol, status="done")
    services.assignment_update(
        assignment=world.assignment_b, acting_user=world.mallory, status="in_progress"
    )
    [task] = selectors.plan_board(plan=world.plan, user=world.alice)
    # past the due date, the unfinished ones (in progress or not) all count as overdue
    assert task.counts == {
        "task_id": world.task.pk,
        "done": 1,
        "overdue": 3,
        "in_progress": 0,
        "not_started": 0,
        "total": 4,
    }
    [task] = selectors.plan_board(plan=world.plan, user=world.bob)
    assert task.counts["total"] == 3 and task.counts["done"] == 1
    own, rows = selectors.task_drilldown(task=world.task, user=world.alice, unit=world.province)
    assert {child.code: c["total"] for child, c in rows} == {"DLK-BMT": 3, "DLK-EAKAR": 1}


def test_board_query_count_is_fixed_whatever_the_rows(client, world):
    client.force_login(world.alice)
    url = reverse("plans:plan_board", args=[world.plan.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    tasks = [
        Task.objects.create(plan=world.plan, ref=f"X.{i}", title=f"Việc {i}") for i in range(8)
    ]
    units = [make_unit(world.a, f"N{i}", f"Công đoàn số {i}", "grassroots") for i in range(10)]
    for task in tasks:
        services.task_assign(task=task, units=units, acting_user=world.alice)
    assert count() == small == 7


def test_a_task_is_edited_after_saving_and_audited(client, world):
    client.force_login(world.alice)
    url = reverse("plans:task_edit", args=[world.task.pk])
    data = {
        "ref": "II.1",
        "title": "Tổ chức học tập, quán triệt",
        "audiences": "Cán bộ\nĐoàn viên",
        "time": "Quý 2/2024",
        "due": "30/06/2024",
        "form": "Trực tuyến",
        "responsible": "",
        "details": "",
    }
    assert client.post(url, data).status_code == 302
    world.task.refresh_from_db()
    assert world.task.audiences == ["Cán bộ", "Đoàn viên"]
    assert world.task.due_on == datetime.date(2024, 6, 30)
    assert AuditEvent.objects.filter(action="update", object_id=str(world.task.pk)).exists()
    client.force_login(world.bob)
    assert client.get(url).status_code == 403


def test_files_are_served_only_in_scope_and_each_download_is_audited(client, world):
    client.force_login(world.mallory)
    response = client.get(reverse("plans:evidence_file", args=[world.foreign_evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xff\xd8 photo"
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action="export", object_id=str(world.foreign_evidence.pk)
    ).exists()
    client.force_login(world.bob)
    response = client.get(reverse("plans:plan_original", args=[world.foreign_plan.pk]))
    assert response.status_code == 404
    assert not client.get("/media/" + world.foreign_evidence.file.name).status_code == 200


def test_a_task_is_added_to_a_saved_plan_and_a_taken_reference_is_refused(client, world):
    client.force_login(world.alice)
    url = reverse("plans:task_add", args=[world.plan.pk])
    data = {
        "ref": "II.2",
        "title": "Tuyên truyền trên mạng xã hội",
        "audiences": "",
        "time": "",
        "due": "31/12/2024",
        "form": "",
        "responsible": "",
        "details": "",
    }
    assert client.post(url, data).status_code == 302
    task = Task.objects.get(plan=world.plan, ref="II.2")
    assert task.position == 1 and task.due_on == datetime.date(2024, 12, 31)
    assert AuditEvent.objects.filter(action="create", object_id=str(task.pk)).exists()
    response = client.post(url, {**data, "title": "Trùng"})
    assert response.status_code == 200 and "ref" in response.context["form"].errors
    response = client.post(reverse("plans:task_edit", args=[task.pk]), {**data, "ref": "II.1"})
    assert response.status_code == 200 and "ref" in response.context["form"].errors
    assert Task.objects.filter(plan=world.plan).count() == 2
