"""Creating and editing sessions: the task offered, the audience, the expected count, files."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chuyende.core.models import AuditEvent
from chuyende.plans.models import Assignment, Plan, Task
from chuyende.study import selectors, services
from chuyende.study.choices import ExpectedMode
from chuyende.study.models import CODE_ALPHABET, StudySession
from conftest import make_member, make_unit

from .helpers import PDF, foreign_session, make_session

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2024, 3, 10, 9, 0, tzinfo=datetime.UTC)


def _fields(**extra):
    return {
        "title": "Hội nghị quán triệt Chuyên đề 2024",
        "kind": "conference",
        "delivery": "in_person",
        "date": datetime.date(2024, 3, 15),
        "start_time": datetime.time(8, 0),
        "place": "Hội trường",
        "audiences": [],
        "expected_mode": ExpectedMode.MEMBERS,
        "expected_number": None,
        "speakers": "Báo cáo viên LĐLĐ tỉnh",
        "materials": "https://example.org/tai-lieu",
        "checkin_opens_before": 0,
        "task": None,
        **extra,
    }


def _post(world, **extra):
    data = {
        "unit": world.a1.pk,
        "title": "Sinh hoạt chuyên đề tháng 3",
        "kind": "periodic",
        "delivery": "in_person",
        "date": "15/03/2024",
        "start_time": "14:00",
        "place": "Phòng họp",
        "audiences": "",
        "expected_mode": "members",
        "expected_units": [world.a1.pk],
        "speakers": "",
        "materials": "",
        "checkin_opens_before": "0",
        "task": "",
        **extra,
    }
    return data


# Tasks offered ---------------------------------------------------------------------------


def test_a_grassroots_union_is_offered_the_tasks_handed_to_it_or_to_a_unit_above(world):
    # II.1 is handed to A (the grassroots union's upper level), not to a1 itself.
    offered = list(selectors.selectable_tasks(unit=world.a1))
    assert offered == [world.task]


def test_the_issuing_unit_is_offered_its_own_plans_tasks(world):
    assert world.task in selectors.selectable_tasks(unit=world.province)
    assert world.foreign_task in selectors.selectable_tasks(unit=world.b)


def test_a_task_of_the_sibling_subtree_is_never_offered(world):
    assert world.foreign_task not in selectors.selectable_tasks(unit=world.a1)
    assert world.foreign_task not in selectors.selectable_tasks(unit=world.a)


def test_a_task_not_handed_to_the_unit_is_refused_by_the_service(world):
    with pytest.raises(ValidationError) as error:
        services.session_create(
            unit=world.a1,
            acting_user=world.carol,
            fields=_fields(task=world.foreign_task),
            expected_units=[world.a1],
        )
    assert "task" in error.value.error_dict
    assert not StudySession.objects.exists()


# Creating ---------------------------------------------------------------------------------


def test_the_expected_count_is_the_active_members_of_the_chosen_units(world):
    make_member(world.a1, "Lê Văn Cũ", status="left")
    session = services.session_create(
        unit=world.a, acting_user=world.bob, fields=_fields(), expected_units=[world.a1, world.a2]
    )
    assert session.expected_count == 3  # an, binh (a1) and hnga (a2); the one who left is not
    assert set(session.expected_units.all()) == {world.a1, world.a2}


def test_overlapping_chosen_units_count_each_member_once(world):
    session = services.session_create(
        unit=world.a, acting_user=world.bob, fields=_fields(), expected_units=[world.a, world.a1]
    )
    assert session.expected_count == 3


def test_a_given_number_is_the_expected_count(world):
    session = services.session_create(
        unit=world.a,
        acting_user=world.bob,
        fields=_fields(expected_mode=ExpectedMode.NUMBER, expected_number=120),
    )
    assert session.expected_count == 120
    assert not session.expected_units.exists()


def test_chosen_units_outside_the_organising_unit_are_refused(world):
    with pytest.raises(ValidationError) as error:
        services.session_create(
            unit=world.a, acting_user=world.bob, fields=_fields(), expected_units=[world.b1]
        )
    assert "expected_units" in error.value.error_dict
    assert not StudySession.objects.exists()


def test_the_audiences_come_from_the_task_when_none_are_given(world):
    world.task.audiences = ["Báo cáo viên", "Cán bộ công đoàn"]
    world.task.save()
    session = services.session_create(
        unit=world.a1,
        acting_user=world.carol,
        fields=_fields(task=world.task),
        expected_units=[world.a1],
    )
    assert session.audiences == ["Báo cáo viên", "Cán bộ công đoàn"]


def test_each_session_gets_a_unique_six_character_code_without_ambiguous_letters(world):
    codes = {
        services.session_create(
            unit=world.a1, acting_user=world.carol, fields=_fields(), expected_units=[world.a1]
        ).code
        for _ in range(30)
    }
    assert len(codes) == 30
    for code in codes:
        assert len(code) == 6 and set(code) <= set(CODE_ALPHABET)
        assert not set(code) & set("01ILO")


def test_creating_a_session_writes_an_audit_row(world):
    session = services.session_create(
        unit=world.a1, acting_user=world.carol, fields=_fields(), expected_units=[world.a1]
    )
    event = AuditEvent.objects.get(object_type="study.studysession")
    assert event.actor == world.carol and event.unit == world.a1
    assert event.object_id == str(session.pk) and event.changes["expected"] == 2


def test_a_viewer_cannot_create_a_session(world):
    with pytest.raises(PermissionDenied):
        services.session_create(
            unit=world.province, acting_user=world.erin, fields=_fields(), expected_units=[]
        )


def test_an_officer_creates_a_session_through_the_form(client, world):
    client.force_login(world.carol)
    response = client.post(reverse("study:session_create"), _post(world))
    session = StudySession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("study:session_detail", args=[session.pk])
    assert session.unit == world.a1 and session.expected_count == 2
    assert session.start_time == datetime.time(14, 0)


def test_the_form_refuses_a_unit_outside_the_officers_scope(client, world):
    client.force_login(world.carol)
    response = client.post(
        reverse("study:session_create"), _post(world, unit=world.b1.pk, expected_units=[])
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not StudySession.objects.exists()


def test_the_form_asks_for_the_number_when_no_units_are_chosen(client, world):
    client.force_login(world.carol)
    response = client.post(
        reverse("study:session_create"), _post(world, expected_mode="number", expected_units=[])
    )
    assert "expected_number" in response.context["form"].errors
    assert not StudySession.objects.exists()


def test_a_viewer_gets_403_on_the_new_session_form(client, world):
    client.force_login(world.erin)
    assert client.get(reverse("study:session_create")).status_code == 403


def test_changing_the_unit_reloads_the_tasks_and_units_offered(client, world):
    client.force_login(world.bob)
    response = client.get(
        reverse("study:session_create") + f"?unit={world.a2.pk}",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="task-field",
    )
    body = response.content.decode()
    assert 'id="task-field"' in body and 'hx-swap-oob="true"' in body
    assert f'value="{world.a2.pk}"' in body and f'value="{world.a1.pk}"' not in body
    assert "<html" not in body


def test_choosing_a_task_fills_the_empty_audiences_from_it(client, world):
    world.task.audiences = ["Báo cáo viên LĐLĐ tỉnh"]
    world.task.save()
    client.force_login(world.carol)
    url = reverse("study:session_create")
    response = client.get(
        url + f"?unit={world.a1.pk}&task={world.task.pk}&audiences=",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="audiences-field",
    )
    assert "Báo cáo viên LĐLĐ tỉnh" in response.content.decode()
    typed = client.get(
        url + f"?unit={world.a1.pk}&task={world.task.pk}&audiences=Đoàn viên",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="audiences-field",
    )
    assert "Báo cáo viên" not in typed.content.decode()


# Editing ----------------------------------------------------------------------------------


def test_editing_the_audience_recounts_the_expected_members(client, world):
    session = services.session_create(
        unit=world.a, acting_user=world.bob, fields=_fields(), expected_units=[world.a1]
    )
    client.force_login(world.bob)
    data = _post(world, title="Đổi tên", expected_units=[world.a1.pk, world.a2.pk])
    del data["unit"]
    response = client.post(reverse("study:session_edit", args=[session.pk]), data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Đổi tên" and session.expected_count == 3
    event = AuditEvent.objects.filter(action="update").get()
    assert event.changes["expected"] == {"from": 2, "to": 3}
    assert event.changes["title"]["to"] == "Đổi tên"


def test_the_sibling_manager_cannot_edit_and_bob_gets_404(client, world):
    session = foreign_session(world)
    client.force_login(world.bob)
    data = _post(world, title="Hacked")
    del data["unit"]
    assert client.post(reverse("study:session_edit", args=[session.pk]), data).status_code == 404
    session.refresh_from_db()
    assert session.title != "Hacked"


def test_a_viewer_gets_403_on_edit(client, world):
    session = make_session(world.a1)
    client.force_login(world.erin)
    assert client.get(reverse("study:session_edit", args=[session.pk])).status_code == 403


# Minutes ----------------------------------------------------------------------------------


def test_minutes_are_saved_and_served_only_through_the_scoped_view(client, world):
    client.force_login(world.carol)
    data = _post(world, minutes=SimpleUploadedFile("bien-ban.pdf", PDF))
    client.post(reverse("study:session_create"), data)
    session = StudySession.objects.get()
    response = client.get(reverse("study:minutes_file", args=[session.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="export", object_id=str(session.pk)).exists()
    detail = client.get(reverse("study:session_detail", args=[session.pk])).content.decode()
    assert "/media/" not in detail


def test_minutes_that_are_not_a_document_are_refused_and_nothing_is_saved(client, world):
    client.force_login(world.carol)
    fake = SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00 not a pdf")
    response = client.post(reverse("study:session_create"), _post(world, minutes=fake))
    assert response.status_code == 200
    assert "minutes" in response.context["form"].errors
    assert not StudySession.objects.exists()


def test_removing_the_minutes(client, world):
    session = foreign_session(world)
    client.force_login(world.mallory)
    data = _post(world, unit=world.b1.pk, expected_units=[world.b1.pk], remove_minutes="on")
    del data["unit"]
    response = client.post(reverse("study:session_edit", args=[session.pk]), data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert not session.minutes


def test_replaced_minutes_leave_the_storage_once_the_edit_commits(
    world, django_capture_on_commit_callbacks
):
    session = foreign_session(world)
    storage, old = session.minutes.storage, session.minutes.name
    assert storage.exists(old)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_update(
            session=session,
            acting_user=world.mallory,
            fields={"expected_mode": ExpectedMode.MEMBERS},
            expected_units=[world.b1],
            minutes=SimpleUploadedFile("bien-ban-moi.pdf", PDF),
        )
    session.refresh_from_db()
    assert session.minutes.name != old and storage.exists(session.minutes.name)
    assert not storage.exists(old)


# Date rules -------------------------------------------------------------------------------


@time_machine.travel(TODAY)
def test_a_date_more_than_a_year_ahead_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.session_create(
            unit=world.a1,
            acting_user=world.carol,
            fields=_fields(date=datetime.date(2025, 6, 1)),
            expected_units=[world.a1],
        )
    assert "date" in error.value.error_dict


def test_a_plan_of_the_unit_itself_offers_its_tasks_to_its_grassroots(world):
    plan = Plan.objects.create(unit=world.a, number="05/KH-LĐLĐ", title="Kế hoạch của thành phố")
    own = Task.objects.create(plan=plan, ref="1", title="Sinh hoạt chuyên đề")
    assert own in selectors.selectable_tasks(unit=world.a)
    assert own not in selectors.selectable_tasks(unit=world.a1)  # not handed down yet
    Assignment.objects.create(task=own, unit=world.a1)
    assert own in selectors.selectable_tasks(unit=world.a1)


def test_a_section_is_not_offered_as_an_organising_unit(client, world):
    section = make_unit(world.a1, "BMT-001-T1", "Tổ công đoàn Toán", "section")
    client.force_login(world.carol)
    form = client.get(reverse("study:session_create")).context["form"]
    assert list(form.fields["unit"].queryset) == [world.a1]
    assert section in form.fields["expected_units"].queryset  # its members can be the audience


def test_a_session_keeps_its_task_on_edit_when_the_task_is_no_longer_handed_down(client, world):
    session = services.session_create(
        unit=world.a1,
        acting_user=world.carol,
        fields=_fields(task=world.task),
        expected_units=[world.a1],
    )
    world.assignment_a.delete()
    client.force_login(world.carol)
    data = _post(world, title="Vẫn nhiệm vụ cũ", task=world.task.pk)
    del data["unit"]
    response = client.post(reverse("study:session_edit", args=[session.pk]), data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.task == world.task and session.title == "Vẫn nhiệm vụ cũ"
