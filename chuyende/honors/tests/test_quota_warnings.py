"""Sending a nomination to a level whose quota is already full: a clear warning, recorded in
the audit row, but no refusal (a quota caps the awards granted, enforced at the decision)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chuyende.core.models import AuditEvent
from chuyende.honors import services
from chuyende.honors.choices import AwardKind, NominationStatus

from .helpers import at_province, decide, propose

pytestmark = pytest.mark.django_db

FULL = (
    "Quota full: Liên đoàn Lao động thành phố Buôn Ma Thuột may receive at most 1 Certificate "
    "of commendation (Bằng khen) from Liên đoàn Lao động tỉnh Đắk Lắk in 2024; 1 already "
    "granted."
)


def province_quota(w, limit=1, unit=None, year=2024):
    return services.quota_set(
        issuer=w.province,
        unit=unit or w.a,
        year=year,
        award_kind=AwardKind.BANG_KHEN,
        limit=limit,
        acting_user=w.alice,
    )


def _forward_event(nomination):
    return (
        AuditEvent.objects.filter(
            object_type="honors.nomination", object_id=str(nomination.pk), action="update"
        )
        .order_by("-id")
        .first()
    )


def test_forwarding_to_a_full_level_warns_and_still_forwards(world):
    province_quota(world)
    decide(world.province, world.alice, [at_province(world)])
    nomination = propose(world, member=world.an)
    forwarded = services.nomination_forward(nomination=nomination, acting_user=world.bob)
    assert forwarded.status == NominationStatus.FORWARDED and forwarded.holder == world.province
    assert len(forwarded.quota_warnings) == 1
    assert forwarded.quota_warnings[0].startswith(FULL)
    assert (
        "cannot grant this nomination that award unless the quota is raised"
        in (forwarded.quota_warnings[0])
    )
    assert _forward_event(nomination).changes["quota_full"] == forwarded.quota_warnings
    # The hard cap stays at the decision.
    with pytest.raises(ValidationError) as error:
        decide(world.province, world.alice, [forwarded], number="16/QĐ-LĐLĐ")
    assert error.value.message_dict["nominations"][0].startswith("Quota exceeded")


def test_no_warning_when_the_quota_has_room_or_is_not_the_nominees(world):
    province_quota(world, limit=2)
    province_quota(world, limit=0, unit=world.b)  # another subtree
    province_quota(world, limit=0, year=2023)  # another year
    decide(world.province, world.alice, [at_province(world)])
    forwarded = services.nomination_forward(
        nomination=propose(world, member=world.an), acting_user=world.bob
    )
    assert forwarded.quota_warnings == []
    assert "quota_full" not in _forward_event(forwarded).changes


def test_proposing_to_a_full_upper_level_warns_too(world):
    services.quota_set(
        issuer=world.a,
        unit=world.a1,
        year=2024,
        award_kind=AwardKind.GIAY_KHEN,
        limit=0,
        acting_user=world.bob,
    )
    nomination = propose(world)
    assert nomination.holder == world.a and nomination.status == NominationStatus.SUBMITTED
    assert nomination.quota_warnings[0].startswith(
        "Quota full: Công đoàn Trường THCS Lê Lợi may receive at most 0 Certificate of merit"
    )
    event = AuditEvent.objects.get(
        object_type="honors.nomination", object_id=str(nomination.pk), action="create"
    )
    assert event.changes["quota_full"] == nomination.quota_warnings


def test_the_reviewer_sees_the_warning_before_and_after_forwarding(client, world):
    province_quota(world)
    decide(world.province, world.alice, [at_province(world)])
    nomination = propose(world, member=world.an)
    detail = reverse("honors:nomination_detail", args=[nomination.pk])
    client.force_login(world.bob)
    body = client.get(detail).content.decode()
    assert 'id="forward-warning"' in body and FULL in body
    client.force_login(world.carol)  # not carol's to forward: no warning for her
    assert 'id="forward-warning"' not in client.get(detail).content.decode()
    client.force_login(world.bob)
    response = client.post(
        reverse("honors:nomination_act", args=[nomination.pk]),
        {"action": "forward"},
        follow=True,
    )
    body = response.content.decode()
    assert "The nomination was forwarded." in body and FULL in body
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.FORWARDED


def test_forward_warnings_out_of_scope_and_without_login(client, world):
    province_quota(world)
    decide(world.province, world.alice, [at_province(world)])
    nomination = propose(world, member=world.an)
    url = reverse("honors:nomination_act", args=[nomination.pk])
    assert client.post(url, {"action": "forward"}).status_code == 302
    client.force_login(world.mallory)
    assert client.post(url, {"action": "forward"}).status_code == 404
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.SUBMITTED and nomination.holder == world.a
