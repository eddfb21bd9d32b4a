import json

import pytest
from django.urls import reverse

from chuyende.core.models import AuditEvent
from chuyende.privacy import services

from .helpers import records_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def binh_records(world):
    world.binh.phone = "0987654321"
    world.binh.religion = "Phật giáo"
    world.binh.id_number = "066185004321"
    world.binh.save()
    return records_for(world, world.binh)


def test_the_page_shows_every_field_and_the_records_of_every_module(client, world, binh_records):
    services.consent_give(member=world.binh, acting_user=world.dave)
    client.force_login(world.dave)
    response = client.get(reverse("privacy:my_data"))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "Trần Thị Bình",
        "0987654321",
        "066185004321",
        "Phật giáo",
        "02/03/1985",
        "Công đoàn Trường THCS Lê Lợi",
        "Hội nghị học tập Chuyên đề 2024",  # attendance
        "Thi tìm hiểu",  # contest entry
        "Trần Thị Bình đọc sách về Bác",  # pledge
        "Gương sáng Trần Thị Bình",  # nomination
        "dave",  # account
    ):
        assert text in body, text
    record = {row["field"] for row in response.context["data"]["member"]}
    assert {"full_name", "date_of_birth", "ethnicity", "religion", "phone", "email"} <= record
    assert {"id_number", "card_number", "job_title", "unit", "status", "joined_on"} <= record
    assert response.context["data"]["consents"][0]["version"] == "2026-01"


def test_the_json_download_holds_the_same_and_is_audited_with_its_reason(
    client, world, binh_records
):
    client.force_login(world.dave)
    response = client.get(reverse("privacy:my_data_json"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["member"]["full_name"] == "Trần Thị Bình"
    assert data["member"]["date_of_birth"] == "1985-03-02"
    assert data["member"]["phone"] == "0987654321"
    assert data["account"]["username"] == "dave"
    assert data["pledges"][0]["actions"][0] == "Trần Thị Bình đọc sách về Bác"
    assert data["pledges"][0]["evaluation"]["final_rating"] == "excellent"
    assert data["attendance"][0]["date"] == "2024-03-15"
    assert data["contests"][0]["attempts"][0]["prediction"] == 40
    assert data["contests"][0]["ip_address"] == "10.0.0.7"
    assert data["nominations"][0]["awards"], "the award decision is listed"
    event = AuditEvent.objects.get(action="export", object_type="org.member")
    assert event.actor == world.dave and event.object_id == str(world.binh.pk)
    assert event.unit == world.a1 and event.ip_address == "127.0.0.1"
    assert event.changes["reason"] == services.OWN_DATA_REASON
    assert "id_number" in event.changes["fields"] and "ethnicity" in event.changes["fields"]


def test_the_access_log_on_the_page_shows_reveals_with_their_reason(client, world):
    from django.db import transaction

    from chuyende.org import services as org_services

    with transaction.atomic():
        org_services.member_reveal(
            member=world.binh, acting_user=world.carol, reason="Làm thẻ bảo hiểm y tế"
        )
    client.force_login(world.dave)
    body = client.get(reverse("privacy:my_data")).content.decode()
    assert "Làm thẻ bảo hiểm y tế" in body and "carol" in body


def test_an_account_without_a_member_record(client, world):
    client.force_login(world.bob)
    response = client.get(reverse("privacy:my_data"))
    assert response.status_code == 200 and response.context["member"] is None
    assert client.get(reverse("privacy:my_data_json")).status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


def test_no_login(client, world):
    for name in ("privacy:my_data", "privacy:my_data_json"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_one_members_page_never_shows_another_members_data(client, world, binh_records):
    records_for(world, world.an, tag=" (An)")
    client.force_login(world.dave)
    body = client.get(reverse("privacy:my_data")).content.decode()
    assert "Nguyễn Văn An" not in body and "0912345678" not in body
    data = json.loads(client.get(reverse("privacy:my_data_json")).content)
    assert len(data["pledges"]) == len(data["nominations"]) == len(data["contests"]) == 1


def test_the_page_reads_in_a_fixed_number_of_queries(client, world, binh_records):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.dave)
    client.get(reverse("privacy:my_data"))  # warm the caches (content types, session)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("privacy:my_data"))
    from chuyende.honors.tests.helpers import decide, propose
    from chuyende.study.tests.helpers import attend, make_session

    for n in range(3):  # more records of each kind
        attend(make_session(world.a1, title=f"Buổi {n}"), world.binh)
        nomination = propose(world, member=world.binh, title=f"Gương sáng {n}")
        decide(world.a, world.bob, [nomination], number=f"{n}/QĐ", thematic_review=True)
        services.consent_give(member=world.binh, acting_user=world.dave)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("privacy:my_data"))
    first = [q["sql"] for q in one.captured_queries]
    second = [q["sql"] for q in more.captured_queries]
    assert len(second) == len(first), "\n\n".join(second)
