import datetime

import pytest
from django.urls import reverse

from chuyende.core.models import AuditEvent
from chuyende.org import tallies
from chuyende.org.models import MemberTally
from chuyende.privacy.choices import CorrectionStatus
from chuyende.privacy.models import CorrectionRequest

from .helpers import foreign_request

pytestmark = pytest.mark.django_db


def _ask(client, field, value, note=""):
    return client.post(
        reverse("privacy:correction_new"),
        {"field": field, "proposed_value": value, "note": note},
    )


def _decide(client, item, decision, reason=""):
    return client.post(
        reverse("privacy:correction_detail", args=[item.pk]),
        {"decision": decision, "reason": reason},
    )


def test_a_member_asks_and_an_officer_accepts_through_the_member_service(client, world):
    client.force_login(world.dave)
    response = _ask(client, "date_of_birth", "12/04/1986", "Theo căn cước")
    assert response.status_code == 302
    item = CorrectionRequest.objects.get()
    assert item.member == world.binh and item.status == CorrectionStatus.PENDING
    assert item.proposed_value == "1986-04-12" and item.current_value == "02/03/1985"
    created = AuditEvent.objects.get(object_type="privacy.correctionrequest")
    assert created.actor == world.dave and "1986" not in str(created.changes)

    client.force_login(world.carol)
    queue = client.get(reverse("privacy:correction_list"))
    assert [r.pk for r in queue.context["page"]] == [item.pk]
    assert "1986" not in queue.content.decode()  # personal values masked in the queue
    detail = client.get(reverse("privacy:correction_detail", args=[item.pk]))
    assert "12/04/1986" in detail.content.decode()
    shown = AuditEvent.objects.get(action="reveal")
    assert shown.actor == world.carol and shown.changes["fields"] == ["date_of_birth"]
    assert f"#{item.pk}" in shown.changes["reason"]

    assert _decide(client, item, "accepted", "Đã đối chiếu").status_code == 302
    world.binh.refresh_from_db()
    item.refresh_from_db()
    assert world.binh.date_of_birth == datetime.date(1986, 4, 12)
    assert item.status == CorrectionStatus.ACCEPTED and item.decided_by == world.carol
    update = AuditEvent.objects.get(object_type="org.member", action="update")
    assert update.actor == world.carol and update.changes == {"date_of_birth": {"changed": True}}
    assert AuditEvent.objects.filter(
        object_type="privacy.correctionrequest", action="update", actor=world.carol
    ).exists()

    client.force_login(world.dave)
    body = client.get(reverse("privacy:my_data")).content.decode()
    assert "Accepted and corrected" in body and "Đã đối chiếu" in body


def test_an_accepted_change_of_a_tallied_field_keeps_the_tallies_right(client, world):
    client.force_login(world.dave)
    _ask(client, "ethnicity", "e de")  # typed without accents
    item = CorrectionRequest.objects.get()
    assert item.proposed_value == "Ê Đê"
    client.force_login(world.bob)
    _decide(client, item, "accepted")
    world.binh.refresh_from_db()
    assert world.binh.ethnicity == "Ê Đê"
    assert tallies.differences() == []
    assert (
        MemberTally.objects.get(
            unit=world.a1, status="active", gender="female", ethnicity="Ê Đê", officer=False
        ).n
        == 1
    )


def test_a_rejection_needs_a_reason_which_the_member_sees(client, world):
    client.force_login(world.dave)
    _ask(client, "job_title", "Hiệu trưởng")
    item = CorrectionRequest.objects.get()
    client.force_login(world.carol)
    body = _decide(client, item, "rejected").content.decode()
    assert "Give the member the reason" in body
    item.refresh_from_db()
    assert item.status == CorrectionStatus.PENDING
    _decide(client, item, "rejected", "Chưa có quyết định bổ nhiệm")
    item.refresh_from_db()
    assert item.status == CorrectionStatus.REJECTED
    world.binh.refresh_from_db()
    assert world.binh.job_title == ""
    client.force_login(world.dave)
    body = client.get(reverse("privacy:correction_detail", args=[item.pk])).content.decode()
    assert "Chưa có quyết định bổ nhiệm" in body and "Rejected" in body
    assert "decision-form" not in body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", "31/02/1985", "Enter a valid date"),
        ("date_of_birth", "01/01/2020", "at least 15 years old"),
        ("phone", "12345", "Vietnamese phone number"),
        ("id_number", "0660", "exactly 12 digits"),
        ("id_number", "066090009999", "Another member already has this citizen ID number"),
        ("gender", "khác", "Write one of"),
        ("full_name", "Bình", "family name and given name"),
        ("full_name", "Trần  Thị Bình", "already the value held"),
        ("unit", "A2", "Select a valid choice"),
    ],
)
def test_a_request_is_checked_as_the_member_form_checks(client, world, field, value, message):
    client.force_login(world.dave)
    response = _ask(client, field, value)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CorrectionRequest.objects.exists()


def test_one_pending_request_per_field(client, world):
    client.force_login(world.dave)
    _ask(client, "phone", "0911222333")
    body = _ask(client, "phone", "0911222444").content.decode()
    assert "already waiting" in body
    assert CorrectionRequest.objects.count() == 1


def test_an_accepted_value_is_checked_again(client, world):
    client.force_login(world.dave)
    _ask(client, "id_number", "066185009876")
    item = CorrectionRequest.objects.get()
    world.an.id_number = "066185009876"  # another member got it meanwhile
    world.an.save()
    client.force_login(world.carol)
    body = _decide(client, item, "accepted").content.decode()
    assert "Another member already has this citizen ID number" in body
    item.refresh_from_db()
    assert item.status == CorrectionStatus.PENDING


def test_a_decided_request_cannot_be_decided_again(client, world):
    client.force_login(world.dave)
    _ask(client, "job_title", "Giáo viên")
    item = CorrectionRequest.objects.get()
    client.force_login(world.carol)
    _decide(client, item, "accepted")
    body = _decide(client, item, "rejected", "Nhầm").content.decode()
    assert "already been decided" in body
    item.refresh_from_db()
    assert item.status == CorrectionStatus.ACCEPTED


def test_an_officer_does_not_decide_their_own_request(world):
    from django.core.exceptions import PermissionDenied

    from chuyende.org.models import RoleAssignment
    from chuyende.privacy import services

    RoleAssignment.objects.create(user=world.dave, unit=world.a1, role="editor")
    item = services.correction_request(
        member=world.binh, acting_user=world.dave, field="job_title", proposed="Tổ trưởng"
    )
    with pytest.raises(PermissionDenied):
        services.correction_accept(request=item, acting_user=world.dave)


def test_scoping_of_the_queue_and_the_requests(client, world):
    item = foreign_request(world)
    client.force_login(world.bob)
    assert list(client.get(reverse("privacy:correction_list")).context["page"]) == []
    assert client.get(reverse("privacy:correction_detail", args=[item.pk])).status_code == 404
    assert _decide(client, item, "accepted").status_code == 404
    client.force_login(world.mallory)
    assert [r.pk for r in client.get(reverse("privacy:correction_list")).context["page"]] == [
        item.pk
    ]
    assert client.get(reverse("privacy:correction_detail", args=[item.pk])).status_code == 200
    client.force_login(world.erin)  # a viewer of the province: no values, no decisions
    assert client.get(reverse("privacy:correction_list")).status_code == 403
    assert client.get(reverse("privacy:correction_detail", args=[item.pk])).status_code == 403
    assert _decide(client, item, "accepted").status_code == 403
    item.refresh_from_db()
    assert item.status == CorrectionStatus.PENDING


def test_a_member_cannot_read_another_members_request(client, world):
    item = foreign_request(world)
    client.force_login(world.dave)
    assert client.get(reverse("privacy:correction_detail", args=[item.pk])).status_code == 404
    assert client.get(reverse("privacy:correction_list")).status_code == 403


def test_only_members_ask(client, world):
    client.force_login(world.bob)
    assert client.get(reverse("privacy:correction_new")).status_code == 403
    assert _ask(client, "job_title", "X Y").status_code == 403


def test_no_login(client, world):
    item = foreign_request(world)
    for url in (
        reverse("privacy:correction_new"),
        reverse("privacy:correction_list"),
        reverse("privacy:correction_detail", args=[item.pk]),
    ):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))
