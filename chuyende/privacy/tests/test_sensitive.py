"""Sensitive fields (ethnicity, religion, citizen ID, date of birth, phone): shown only on an
audited reveal with its reason, never on a public page."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from chuyende.core.models import AuditEvent
from chuyende.org import services as org_services

from .helpers import records_for

pytestmark = pytest.mark.django_db

SENSITIVE = {
    "ethnicity": "Brâu",
    "religion": "Cao Đài",
    "phone": "0966123456",
    "id_number": "066077007777",
}
BORN = datetime.date(1977, 7, 7)


@pytest.fixture
def marked(world):
    member = world.binh
    for field, value in SENSITIVE.items():
        setattr(member, field, value)
    member.date_of_birth = BORN
    member.save()
    return member


def _reveal(client, member, **data):
    return client.post(reverse("org:member_reveal", args=[member.pk]), data)


def test_the_member_page_masks_ethnicity_and_religion_too(client, world, marked):
    client.force_login(world.carol)
    body = client.get(reverse("org:member_detail", args=[marked.pk])).content.decode()
    for value in (*SENSITIVE.values(), "07/07/1977"):
        assert value not in body, value
    assert 'name="reason"' in body


def test_a_reveal_needs_a_reason(client, world, marked):
    client.force_login(world.carol)
    body = _reveal(client, marked).content.decode()
    assert "Write why you need to see" in body
    body += _reveal(client, marked, reason="  ab ").content.decode()
    for value in SENSITIVE.values():
        assert value not in body
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_a_reveal_with_its_reason_shows_everything_and_is_audited(client, world, marked):
    client.force_login(world.carol)
    response = _reveal(
        client, marked, reason="Đối chiếu hồ sơ bảo hiểm xã hội"
    )  # who, when, what and why
    body = response.content.decode()
    for value in (*SENSITIVE.values(), "07/07/1977"):
        assert value in body, value
    event = AuditEvent.objects.get(action="reveal")
    assert event.actor == world.carol and event.actor_name == "carol"
    assert event.object_type == "org.member" and event.object_id == str(marked.pk)
    assert event.at is not None and event.unit == world.a1
    assert event.changes["reason"] == "Đối chiếu hồ sơ bảo hiểm xã hội"
    assert set(event.changes["fields"]) == {
        "date_of_birth",
        "phone",
        "id_number",
        "email",
        "ethnicity",
        "religion",
    }


def test_the_reveal_answers_htmx_with_the_fragment(client, world, marked):
    client.force_login(world.carol)
    response = client.post(
        reverse("org:member_reveal", args=[marked.pk]),
        {"reason": "Cấp thẻ đoàn viên mới"},
        headers={"HX-Request": "true", "HX-Target": "personal"},
    )
    body = response.content.decode()
    assert "Cao Đài" in body and "<html" not in body


def test_the_service_refuses_a_reveal_without_reason(world, marked):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError), transaction.atomic():
        org_services.member_reveal(member=marked, acting_user=world.carol, reason="")
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_viewers_and_other_subtrees_cannot_reveal(client, world, marked):
    client.force_login(world.erin)
    body = client.get(reverse("org:member_detail", args=[marked.pk])).content.decode()
    assert "Cao Đài" not in body and 'name="reason"' not in body
    assert _reveal(client, marked, reason="Tò mò muốn xem").status_code == 403
    client.force_login(world.mallory)
    assert _reveal(client, marked, reason="Tò mò muốn xem").status_code == 404
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_a_member_sees_their_own_sensitive_fields(client, world, marked):
    client.force_login(world.dave)
    body = client.get(reverse("org:member_detail", args=[marked.pk])).content.decode()
    assert "Cao Đài" in body and "Brâu" in body


def test_audit_diffs_keep_ethnicity_and_religion_out(world, marked):
    with transaction.atomic():
        org_services.member_update(
            member=marked, acting_user=world.carol, ethnicity="Kinh", religion="Không"
        )
    event = AuditEvent.objects.get(action="update", object_type="org.member")
    assert event.changes == {"ethnicity": {"changed": True}, "religion": {"changed": True}}


def test_public_pages_never_show_sensitive_fields(client, world, marked):
    from chuyende.contests.models import Round

    made = records_for(world, marked)
    round_ = Round.objects.get(contest=made["participant"].contest)
    nomination = made["nomination"]
    nomination.refresh_from_db()
    assert nomination.is_approved and nomination.showcase
    contest = made["participant"].contest
    contest.published = True
    contest.save()
    urls = [
        reverse("contests:public_list"),
        reverse("contests:public_contest", args=[contest.pk]),
        reverse("contests:leaderboard", args=[contest.pk, round_.pk]),
        reverse("honors:showcase"),
        reverse("honors:showcase_detail", args=[nomination.pk]),
        reverse("outreach:public_page", args=[world.a.code]),
        reverse("outreach:public_page", args=[world.a1.code]),
        reverse("privacy:notice"),
    ]
    shown = []
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        body = response.content.decode()
        if response.status_code == 200:
            shown.append(url)
        for value in (*SENSITIVE.values(), "07/07/1977", "1977-07-07"):
            assert value not in body, (url, value)
    # the name is public where it belongs (the leaderboard, the showcase)
    board = client.get(reverse("contests:leaderboard", args=[contest.pk, round_.pk]))
    assert "Trần Thị Bình" in board.content.decode()
    assert "Trần Thị Bình" in client.get(urls[4]).content.decode()
    assert len(shown) >= 6
