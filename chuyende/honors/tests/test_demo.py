"""The demo's honors: every stage, a signed decision of three or more, showcase stories."""

import pytest
from django.test import Client
from django.urls import reverse

from chuyende.demo.builder import build_demo
from chuyende.honors.choices import APPROVED, NominationStatus
from chuyende.honors.models import AwardDecision, Nomination
from chuyende.honors.selectors import showcase_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    build_demo(scale=0.02)


def test_nominations_stand_at_every_stage(demo):
    statuses = set(Nomination.objects.values_list("status", flat=True))
    assert statuses == set(NominationStatus.values)
    assert all(n.submitted_on.year == 2024 for n in Nomination.objects.all())
    coso_union = Nomination.objects.filter(unit__code="DLK-BMT-0001")
    assert {n.status for n in coso_union} >= {"submitted", "returned"}
    assert Nomination.objects.filter(status="forwarded", holder__code="DLK").count() >= 3


def test_the_province_signed_a_bang_khen_decision_of_three_or_more(demo):
    decision = AwardDecision.objects.get(unit__code="DLK")
    assert decision.award_kind == "bang_khen" and decision.awards.count() >= 3
    assert decision.thematic_review and decision.signer_name
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username="tinh"))
    response = client.get(reverse("honors:decision_docx", args=[decision.pk]))
    assert response.status_code == 200


def test_the_showcase_has_stories_with_photos(demo):
    shown = list(showcase_list())
    assert len(shown) >= 8 and all(n.status in APPROVED for n in shown)
    assert sum(1 for n in shown if n.photos.all()) >= 8
    body = Client().get(reverse("honors:showcase")).content.decode()
    assert "cồng chiêng" in body
    photo = shown[0].photos.all()[0]
    response = Client().get(reverse("honors:showcase_photo", args=[photo.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_the_school_union_grants_its_own_giay_khen(demo):
    from chuyende.honors.services import is_kept

    decision = AwardDecision.objects.get(unit__code="DLK-BMT-0001")
    assert decision.award_kind == "giay_khen" and decision.awards.count() == 1
    waiting = Nomination.objects.filter(unit__code="DLK-BMT-0001", holder__code="DLK-BMT-0001")
    assert any(is_kept(n) for n in waiting.select_related("unit"))
