"""A grassroots union (CĐCS) grants its own Giấy khen (QĐ 999/QĐ-TLĐ, 2024): it keeps a
nomination it proposes ("granted here") and decides it in a decision like the other levels,
with the same quota, repeat-award and "no awardee" rules, audited, printed as a .docx."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from docx import Document

from chuyende.core.models import AuditEvent
from chuyende.honors import services
from chuyende.honors.choices import AwardKind, NominationStatus, NomineeKind
from chuyende.honors.models import Award, AwardDecision, Nomination, NominationStep
from chuyende.org.models import RoleAssignment

from .helpers import decide, fields, propose, propose_collective

pytestmark = pytest.mark.django_db


@pytest.fixture
def chu(world, django_user_model):
    """The chair of A1's executive committee: manager of the grassroots union A1."""
    user = django_user_model.objects.create_user(username="chu", password="pw")
    RoleAssignment.objects.create(user=user, unit=world.a1, role="manager")
    return user


def kept(w, member=None, user=None, **extra):
    """A nomination of A1's member kept by A1 for its own Giấy khen."""
    return services.nomination_create(
        unit=w.a1,
        acting_user=user or w.carol,
        kind=NomineeKind.PERSON,
        member=member or w.binh,
        fields=fields(**extra),
        keep=True,
    )


def counts():
    return (
        Nomination.objects.count(),
        NominationStep.objects.count(),
        AwardDecision.objects.count(),
        Award.objects.count(),
        AuditEvent.objects.count(),
    )


# Services -------------------------------------------------------------------------------------


def test_a_grassroots_union_keeps_its_nomination_for_its_own_giay_khen(world, chu):
    nomination = kept(world)
    assert nomination.status == NominationStatus.SUBMITTED and nomination.holder == world.a1
    assert services.is_kept(nomination) and nomination.quota_warnings == []
    step = nomination.steps.get()
    assert step.is_keep and (step.from_unit, step.to_unit) == (world.a1, world.a1)
    event = AuditEvent.objects.get(
        object_type="honors.nomination", object_id=str(nomination.pk), action="create"
    )
    assert event.changes["kept"] is True and event.changes["to"] == world.a1.pk
    assert services.allowed_actions(nomination, world.carol) == ["edit", "send_up"]
    assert services.allowed_actions(nomination, chu) == ["edit", "send_up", "reject", "grant"]
    assert services.allowed_actions(nomination, world.mallory) == []
    assert "forward" not in services.allowed_actions(nomination, world.bob)


def test_only_a_grassroots_union_keeps_and_nothing_is_saved_on_refusal(world):
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.nomination_create(
            unit=world.a,
            acting_user=world.bob,
            kind=NomineeKind.COLLECTIVE,
            nominee_unit=world.a2,
            fields=fields(),
            keep=True,
        )
    assert "Only a grassroots union grants its own Giấy khen" in error.value.message_dict["keep"][0]
    with pytest.raises(PermissionDenied):
        kept(world, user=world.mallory)
    assert counts() == before


def test_the_union_decides_its_own_giay_khen_in_a_decision(world, chu):
    first, second = kept(world), kept(world, member=world.an, title="Tủ sách Bác Hồ")
    with pytest.raises(ValidationError) as error:
        decide(world.a1, chu, [first], kind=AwardKind.BANG_KHEN)
    assert "award_kind" in error.value.message_dict
    decision = decide(world.a1, chu, [first, second], number="05/QĐ-CĐCS")
    assert decision.award_kind == AwardKind.GIAY_KHEN and decision.awards.count() == 2
    first.refresh_from_db()
    assert first.status == NominationStatus.GRANTED and first.steps.last().action == "grant"
    event = AuditEvent.objects.get(
        object_type="honors.awarddecision", object_id=str(decision.pk), action="create"
    )
    assert sorted(event.changes["awardees"]) == sorted([first.pk, second.pk])


def test_rights_for_the_union_decision(world, chu):
    nomination = kept(world)
    before = counts()
    for user in (world.carol, world.mallory, world.erin):  # editor, sibling, viewer
        with pytest.raises(PermissionDenied):
            decide(world.a1, user, [nomination])
    assert counts() == before
    decide(world.a1, world.bob, [nomination])  # the upper level manages A1's subtree too


def test_the_same_rules_as_the_other_levels(world, chu):
    waiting_at_a = propose(world)
    own = kept(world, member=world.an)
    before = counts()
    with pytest.raises(ValidationError) as error:
        decide(world.a1, chu, [])
    assert error.value.message_dict["nominations"] == ["A decision lists at least one awardee."]
    with pytest.raises(ValidationError) as error:  # sent up: not A1's to grant any more
        decide(world.a1, chu, [waiting_at_a])
    assert "not waiting for a decision of Công đoàn Trường THCS Lê Lợi" in str(error.value)
    with pytest.raises(ValidationError):  # kept at A1: not A's to grant
        decide(world.a, world.bob, [own])
    assert counts() == before


def test_the_union_quota_is_enforced_with_a_clear_message(world, chu):
    services.quota_set(
        issuer=world.a1,
        unit=world.a1,
        year=2024,
        award_kind=AwardKind.GIAY_KHEN,
        limit=1,
        acting_user=chu,
    )
    first, second = kept(world), kept(world, member=world.an)
    before = counts()
    with pytest.raises(ValidationError) as error:
        decide(world.a1, chu, [first, second])
    message = error.value.message_dict["nominations"][0]
    assert message.startswith("Quota exceeded: Công đoàn Trường THCS Lê Lợi may receive at most 1")
    assert counts() == before
    assert set(Nomination.objects.values_list("status", flat=True)) == {"submitted"}
    decide(world.a1, chu, [first])


def test_a_second_giay_khen_of_the_union_in_a_year_is_flagged(world, chu):
    decide(world.a1, chu, [kept(world)], number="01/QĐ-CĐCS")
    # A Giấy khen of the upper level is another level: not a repeat for the union.
    decide(world.a, world.bob, [propose(world)], number="9/QĐ-LĐLĐ")
    again = kept(world, title="Lần hai")
    before = counts()
    with pytest.raises(ValidationError) as error:
        decide(world.a1, chu, [again], number="02/QĐ-CĐCS")
    assert error.value.error_dict["confirm_repeats"][0].code == "repeat"
    assert counts() == before
    decision = services.decision_create(
        unit=world.a1,
        acting_user=chu,
        fields={
            "award_kind": AwardKind.GIAY_KHEN,
            "number": "02/QĐ-CĐCS",
            "date": datetime.date(2024, 12, 20),
            "reason": "xuất sắc",
            "signer_position": "Chủ tịch",
            "signer_name": "Lê Thị Hoa",
        },
        nominations=[again],
        confirm_repeats=True,
    )
    assert decision.awards.get().repeat_flag


def test_a_nomination_sent_up_or_returned_can_be_kept_then_sent_up_again(world, chu):
    nomination = propose(world)
    assert "keep" in services.allowed_actions(nomination, world.carol)
    services.nomination_keep(nomination=nomination, acting_user=world.carol)
    nomination.refresh_from_db()
    assert services.is_kept(nomination) and nomination.steps.last().is_keep
    with pytest.raises(ValidationError):
        services.nomination_keep(nomination=nomination, acting_user=world.carol)
    with pytest.raises(ValidationError):  # kept: forwarding skips no level
        services.nomination_forward(nomination=nomination, acting_user=world.bob)
    services.nomination_resubmit(nomination=nomination, acting_user=world.carol)
    nomination.refresh_from_db()
    assert nomination.holder == world.a and not services.is_kept(nomination)
    services.nomination_return(nomination=nomination, acting_user=world.bob, comment="Tự khen.")
    nomination.refresh_from_db()
    services.nomination_keep(nomination=nomination, acting_user=world.carol, comment="Khen ở CĐCS")
    nomination.refresh_from_db()
    assert services.is_kept(nomination)
    assert [s.action for s in nomination.steps.all()] == [
        "submit",
        "submit",
        "submit",
        "return",
        "submit",
    ]


def test_a_reviewed_nomination_or_another_units_cannot_be_kept(world, chu):
    nomination = propose(world)
    services.nomination_forward(nomination=nomination, acting_user=world.bob)
    with pytest.raises(ValidationError):
        services.nomination_keep(nomination=nomination, acting_user=world.carol)
    own = propose(world)
    with pytest.raises(PermissionDenied):
        services.nomination_keep(nomination=own, acting_user=world.mallory)
    from_a = propose_collective(world, world.a2)
    with pytest.raises(ValidationError):
        services.nomination_keep(nomination=from_a, acting_user=world.bob)


# Screens --------------------------------------------------------------------------------------


def test_the_form_offers_to_keep_only_for_a_grassroots_union(client, world):
    client.force_login(world.bob)
    url = reverse("honors:nomination_create")
    assert 'name="keep"' not in client.get(url + f"?unit={world.a.pk}").content.decode()
    assert 'name="keep"' in client.get(url + f"?unit={world.a1.pk}").content.decode()
    client.force_login(world.carol)
    response = client.post(
        url,
        {
            "unit": world.a1.pk,
            "kind": "person",
            "member": world.binh.pk,
            "category": "good_deeds",
            "title": "Giữ lửa cồng chiêng",
            "achievement": "Câu chuyện",
            "year": 2024,
            "keep": "on",
        },
        follow=True,
    )
    nomination = Nomination.objects.get()
    assert services.is_kept(nomination)
    body = response.content.decode()
    assert "kept for a Giấy khen decision of Công đoàn Trường THCS Lê Lợi" in body
    assert 'id="kept-note"' in body and 'data-step="keep"' in body and 'id="act-send-up"' in body
    assert 'id="act-grant"' not in body  # carol edits; the managers decide


def test_the_union_manager_grants_from_the_detail_page_and_prints_the_docx(client, world, chu):
    nomination = kept(world)
    client.force_login(chu)
    detail = client.get(reverse("honors:nomination_detail", args=[nomination.pk])).content.decode()
    assert 'id="act-grant"' in detail and f"?unit={world.a1.pk}&amp;nomination=" in detail
    url = reverse("honors:decision_create")
    page = client.get(url + f"?unit={world.a1.pk}&nomination={nomination.pk}").content.decode()
    assert f'value="{nomination.pk}"' in page and "TM. BAN CHẤP HÀNH" in page
    assert "bang_khen" not in page
    response = client.post(
        url,
        {
            "unit": world.a1.pk,
            "award_kind": "giay_khen",
            "number": "05/QĐ-CĐCS",
            "date": "20/12/2024",
            "reason": "xuất sắc trong học tập và làm theo Bác",
            "signer_authority": "TM. BAN CHẤP HÀNH",
            "signer_position": "Chủ tịch",
            "signer_name": "Lê Thị Hoa",
            "nominations": [nomination.pk],
        },
    )
    decision = AwardDecision.objects.get()
    assert response["Location"] == reverse("honors:decision_detail", args=[decision.pk])
    assert decision.unit == world.a1 and decision.award_kind == "giay_khen"
    docx = client.get(reverse("honors:decision_docx", args=[decision.pk]))
    document = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Điều 1. Tặng Giấy khen của Ban Chấp hành Công đoàn Trường THCS Lê Lợi" in text
    assert "Ban Tuyên giáo" not in text
    assert "(Kèm theo Quyết định số 05/QĐ-CĐCS ngày 20/12/2024 của Ban Chấp hành" in text
    assert [c.text for c in document.tables[-1].rows[2].cells][1] == "Trần Thị Bình"
    assert AuditEvent.objects.filter(action="export", object_id=str(decision.pk)).exists()


def test_keep_and_send_up_from_the_detail_page(client, world):
    nomination = propose(world)
    url = reverse("honors:nomination_act", args=[nomination.pk])
    assert client.post(url, {"action": "keep"}).status_code == 302  # no login
    nomination.refresh_from_db()
    assert not services.is_kept(nomination)
    client.force_login(world.mallory)
    assert client.post(url, {"action": "keep"}).status_code == 404
    client.force_login(world.carol)
    client.post(url, {"action": "keep"})
    nomination.refresh_from_db()
    assert services.is_kept(nomination)
    client.post(url, {"action": "send_up", "comment": "Đề nghị cấp trên khen."})
    nomination.refresh_from_db()
    assert nomination.holder == world.a and nomination.status == "submitted"


def test_the_union_decision_screen_in_and_out_of_scope(client, world, chu):
    nomination = kept(world)
    url = reverse("honors:decision_create")
    assert client.get(url + f"?unit={world.a1.pk}").status_code == 302  # no login
    client.force_login(world.bob)  # manages A's subtree: may decide for A1 when choosing it
    assert f'value="{nomination.pk}"' in client.get(url + f"?unit={world.a1.pk}").content.decode()
    client.force_login(world.mallory)
    page = client.get(url + f"?unit={world.a1.pk}").content.decode()
    assert f'value="{nomination.pk}"' not in page and "Lê Lợi" not in page
    before = counts()
    response = client.post(
        url,
        {
            "unit": world.a1.pk,
            "award_kind": "giay_khen",
            "number": "1/QĐ",
            "date": "20/12/2024",
            "reason": "x",
            "signer_position": "Chủ tịch",
            "signer_name": "X",
            "nominations": [nomination.pk],
        },
    )
    assert response.status_code == 200 and counts() == before
    client.force_login(world.carol)  # an editor proposes; deciding is for the managers
    assert client.get(url + f"?unit={world.a1.pk}").status_code == 403


def test_the_union_chair_sets_its_own_quota(client, world, chu):
    client.force_login(chu)
    url = reverse("honors:quota_list")
    response = client.post(
        url,
        {
            "issuer": world.a1.pk,
            "unit": world.a1.pk,
            "year": 2024,
            "award_kind": "giay_khen",
            "limit": 3,
        },
    )
    assert response.status_code == 302
    assert "0 / 3" in client.get(url).content.decode()


def test_the_lists_keep_a_fixed_number_of_queries_with_union_decisions(client, world, chu):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    lists = [
        reverse("honors:nomination_list"),
        reverse("honors:nomination_list") + "?mine=on",
        reverse("honors:decision_list"),
        reverse("honors:quota_list"),
    ]
    decide(world.a1, chu, [kept(world)], number="1/QĐ-CĐCS")
    kept(world, member=world.an)
    number = 1
    for user in (chu, world.alice):
        client.force_login(user)
        first = [queries(url) for url in lists]
        for _ in range(3):
            number += 1
            decide(world.a1, chu, [kept(world)], number=f"{number}/QĐ-CĐCS", thematic_review=True)
            kept(world, member=world.an)
        assert [queries(url) for url in lists] == first
