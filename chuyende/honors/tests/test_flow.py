"""The way of a nomination: proposed by a grassroots union, reviewed by the upper level,
decided by the provincial federation; every step recorded; bad input refused whole."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from chuyende.core.models import AuditEvent
from chuyende.honors import services
from chuyende.honors.choices import AwardKind, Category, NominationStatus, NomineeKind
from chuyende.honors.models import (
    Award,
    AwardDecision,
    Nomination,
    NominationFile,
    NominationPhoto,
    NominationStep,
)

from .helpers import JPEG, PDF, at_province, decide, fields, jpeg, propose, propose_collective

pytestmark = pytest.mark.django_db


def counts():
    return (
        Nomination.objects.count(),
        NominationStep.objects.count(),
        NominationPhoto.objects.count(),
        NominationFile.objects.count(),
        AwardDecision.objects.count(),
        Award.objects.count(),
    )


def test_a_grassroots_union_proposes_its_member_to_its_upper_level(world):
    nomination = services.nomination_create(
        unit=world.a1,
        acting_user=world.carol,
        kind=NomineeKind.PERSON,
        member=world.binh,
        fields=fields(),
        photos=[jpeg()],
        files=[SimpleUploadedFile("thanh-tich.pdf", PDF)],
    )
    assert nomination.status == NominationStatus.SUBMITTED
    assert nomination.holder == world.a and nomination.nominee_name == "Trần Thị Bình"
    assert nomination.photos.get().content_type == "image/jpeg"
    assert nomination.files.get().name == "thanh-tich.pdf"
    step = nomination.steps.get()
    assert (step.action, step.from_unit, step.to_unit, step.actor) == (
        "submit",
        world.a1,
        world.a,
        world.carol,
    )
    assert AuditEvent.objects.filter(object_id=str(nomination.pk), action="create").exists()
    assert "giu lua cong chieng" in nomination.search_text


def test_a_member_outside_the_proposers_subtree_is_refused_and_nothing_is_saved(world):
    before = counts()
    for member in (world.hnga, world.foreign):  # A2's member, B1's member
        with pytest.raises(ValidationError) as error:
            services.nomination_create(
                unit=world.a1,
                acting_user=world.carol,
                kind=NomineeKind.PERSON,
                member=member,
                fields=fields(),
                photos=[jpeg()],
            )
        assert (
            "is not a member of Công đoàn Trường THCS Lê Lợi"
            in error.value.message_dict["member"][0]
        )
    assert counts() == before


def test_a_collective_outside_the_subtree_is_refused(world):
    with pytest.raises(ValidationError) as error:
        propose_collective(world, world.b1)
    assert "nominee_unit" in error.value.message_dict


def test_an_oversized_or_false_image_is_refused_and_nothing_is_half_saved(world):
    before = counts()
    big = SimpleUploadedFile("lon.jpg", JPEG + b"\x00" * (5 * 1024 * 1024), "image/jpeg")
    with pytest.raises(ValidationError) as error:
        services.nomination_create(
            unit=world.a1,
            acting_user=world.carol,
            kind=NomineeKind.PERSON,
            member=world.binh,
            fields=fields(),
            photos=[jpeg("nho.jpg"), big],
        )
    assert error.value.message_dict["photos"][0].startswith("The photo lon.jpg is larger than")
    with pytest.raises(ValidationError) as error:
        services.nomination_create(
            unit=world.a1,
            acting_user=world.carol,
            kind=NomineeKind.PERSON,
            member=world.binh,
            fields=fields(),
            photos=[SimpleUploadedFile("gia.jpg", b"<html>not an image</html>")],
        )
    assert "photos" in error.value.message_dict
    assert counts() == before


def test_nobody_proposes_outside_their_scope(world):
    with pytest.raises(PermissionDenied):
        propose(world, user=world.mallory)
    with pytest.raises(PermissionDenied):
        propose(world, user=world.dave)


def test_the_upper_level_returns_with_a_comment_and_the_union_sends_it_again(world):
    nomination = propose(world)
    with pytest.raises(ValidationError):
        services.nomination_return(nomination=nomination, acting_user=world.bob, comment=" ")
    with pytest.raises(PermissionDenied):
        services.nomination_return(nomination=nomination, acting_user=world.carol, comment="x")
    with pytest.raises(PermissionDenied):
        services.nomination_return(nomination=nomination, acting_user=world.mallory, comment="x")
    services.nomination_return(
        nomination=nomination, acting_user=world.bob, comment="Bổ sung số liệu cụ thể."
    )
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.RETURNED and nomination.holder == world.a1
    assert services.allowed_actions(nomination, world.carol) == ["edit", "resubmit", "keep"]
    services.nomination_update(
        nomination=nomination,
        acting_user=world.carol,
        kind=NomineeKind.PERSON,
        member=world.binh,
        fields=fields(figures="12 bài chiêng; 45 học sinh; 3 buổi biểu diễn"),
        photos=[jpeg()],
    )
    services.nomination_resubmit(nomination=nomination, acting_user=world.carol)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.SUBMITTED and nomination.holder == world.a
    assert [s.action for s in nomination.steps.all()] == ["submit", "return", "submit"]
    assert nomination.steps.get(action="return").comment == "Bổ sung số liệu cụ thể."


def test_a_reviewed_nomination_can_no_longer_be_changed(world):
    nomination = at_province(world)
    assert "edit" not in services.allowed_actions(nomination, world.carol)
    with pytest.raises(ValidationError):
        services.nomination_update(
            nomination=nomination,
            acting_user=world.carol,
            kind=NomineeKind.PERSON,
            member=world.binh,
            fields=fields(),
        )


def test_the_upper_level_rejects_with_a_reason(world):
    nomination = propose(world)
    services.nomination_reject(
        nomination=nomination, acting_user=world.bob, comment="Chưa đủ tiêu chuẩn."
    )
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.REJECTED
    assert services.allowed_actions(nomination, world.bob) == []
    with pytest.raises(ValidationError):
        services.nomination_forward(nomination=nomination, acting_user=world.bob)


def test_forwarded_to_the_province_which_praises_or_proposes_to_the_confederation(world):
    first = at_province(world)
    assert first.status == NominationStatus.FORWARDED and first.holder == world.province
    assert set(services.allowed_actions(first, world.alice)) == {
        "return",
        "reject",
        "praise",
        "forward_tld",
        "grant",
    }
    assert services.allowed_actions(first, world.bob) == []
    services.nomination_praise(nomination=first, acting_user=world.alice, comment="Biểu dương.")
    first.refresh_from_db()
    assert first.status == NominationStatus.PRAISED and first.is_approved

    second = at_province(world, member=world.an)
    services.nomination_forward(nomination=second, acting_user=world.alice)
    second.refresh_from_db()
    assert second.status == NominationStatus.FORWARDED_TLD and second.holder == world.root
    step = second.steps.last()
    assert (step.action, step.from_unit, step.to_unit) == ("forward", world.province, world.root)


def test_the_upper_level_grants_its_own_giay_khen_but_not_a_bang_khen(world):
    nomination = propose(world)
    with pytest.raises(ValidationError) as error:
        decide(world.a, world.bob, [nomination], kind=AwardKind.BANG_KHEN)
    assert "award_kind" in error.value.message_dict
    decision = decide(world.a, world.bob, [nomination], number="7/QĐ-LĐLĐ")
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.GRANTED
    award = decision.awards.get()
    assert (award.member, award.nomination, award.repeat_flag) == (world.binh, nomination, False)
    assert nomination.steps.last().action == "grant"
    assert "7/QĐ-LĐLĐ" in nomination.steps.last().comment


def test_the_province_grants_bang_khen_to_people_and_collectives(world):
    people = [at_province(world), at_province(world, member=world.an)]
    collective = propose_collective(world, world.a2)  # proposed by A: waits at the province
    assert collective.holder == world.province
    decision = decide(world.province, world.alice, [*people, collective])
    assert decision.award_kind == AwardKind.BANG_KHEN
    assert decision.awards.count() == 3
    assert set(Nomination.objects.values_list("status", flat=True)) == {"granted"}
    assert decision.awards.get(unit=world.a2).nomination == collective


def test_a_decision_with_no_awardee_is_refused(world):
    before = counts()
    with pytest.raises(ValidationError) as error:
        decide(world.province, world.alice, [])
    assert error.value.message_dict["nominations"] == ["A decision lists at least one awardee."]
    assert counts() == before


def test_a_decision_only_grants_nominations_waiting_at_its_unit(world):
    waiting_at_a = propose(world)
    with pytest.raises(ValidationError) as error:
        decide(world.province, world.alice, [waiting_at_a])
    assert "nominations" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        decide(world.province, world.bob, [waiting_at_a])


def test_a_quota_exceeded_is_refused_with_a_clear_message_and_nothing_saved(world):
    services.quota_set(
        issuer=world.province,
        unit=world.a,
        year=2024,
        award_kind=AwardKind.BANG_KHEN,
        limit=1,
        acting_user=world.alice,
    )
    first, second = at_province(world), at_province(world, member=world.an)
    before = counts()
    with pytest.raises(ValidationError) as error:
        decide(world.province, world.alice, [first, second])
    message = error.value.message_dict["nominations"][0]
    assert message.startswith("Quota exceeded: Liên đoàn Lao động thành phố Buôn Ma Thuột")
    assert "at most 1" in message and "this decision adds 2" in message
    assert counts() == before
    assert set(Nomination.objects.values_list("status", flat=True)) == {"forwarded"}
    decide(world.province, world.alice, [first])
    with pytest.raises(ValidationError) as error:
        decide(world.province, world.alice, [second], number="16/QĐ-LĐLĐ")
    assert "1 already granted" in error.value.message_dict["nominations"][0]


def test_quotas_are_set_only_by_the_granting_level_for_its_subtree(world):
    with pytest.raises(PermissionDenied):
        services.quota_set(
            issuer=world.province,
            unit=world.a,
            year=2024,
            award_kind=AwardKind.BANG_KHEN,
            limit=2,
            acting_user=world.bob,
        )
    with pytest.raises(ValidationError) as error:
        services.quota_set(
            issuer=world.a,
            unit=world.b1,
            year=2024,
            award_kind=AwardKind.BANG_KHEN,
            limit=2,
            acting_user=world.alice,
        )
    assert set(error.value.message_dict) == {"unit", "award_kind"}
    quota = services.quota_set(
        issuer=world.a,
        unit=world.a1,
        year=2024,
        award_kind=AwardKind.GIAY_KHEN,
        limit=2,
        acting_user=world.bob,
    )
    again = services.quota_set(
        issuer=world.a,
        unit=world.a1,
        year=2024,
        award_kind=AwardKind.GIAY_KHEN,
        limit=4,
        acting_user=world.bob,
    )
    assert again.pk == quota.pk and again.limit == 4


def test_a_second_award_of_the_same_kind_from_the_same_level_in_a_year_is_flagged(world):
    decide(world.province, world.alice, [at_province(world)])
    again = at_province(world, title="Tiếp tục giữ lửa cồng chiêng")
    before = counts()
    with pytest.raises(ValidationError) as error:
        decide(world.province, world.alice, [again], number="20/QĐ-LĐLĐ")
    assert error.value.error_dict["confirm_repeats"][0].code == "repeat"
    assert "Trần Thị Bình" in error.value.message_dict["confirm_repeats"][0]
    assert counts() == before
    decision = services.decision_create(
        unit=world.province,
        acting_user=world.alice,
        fields={**_decision_fields(), "number": "20/QĐ-LĐLĐ"},
        nominations=[again],
        confirm_repeats=True,
    )
    assert decision.awards.get().repeat_flag


def test_a_thematic_review_is_the_allowed_exception(world):
    decide(world.province, world.alice, [at_province(world)])
    again = at_province(world)
    decision = decide(
        world.province,
        world.alice,
        [again],
        number="21/QĐ-LĐLĐ",
        thematic_review=True,
        occasion="Sơ kết 03 năm thực hiện Kết luận số 01-KL/TW",
    )
    assert not decision.awards.get().repeat_flag


def _decision_fields():
    import datetime

    return {
        "award_kind": AwardKind.BANG_KHEN,
        "date": datetime.date(2024, 11, 20),
        "reason": "xuất sắc",
        "signer_position": "Chủ tịch",
        "signer_name": "Nguyễn Văn Thành",
    }


def test_other_modules_nominate_a_member_through_the_hook(world):
    nomination = services.nominate_member(
        member=world.binh,
        category=Category.FOLLOWING_UNCLE_HO,
        achievement="Xếp loại hoàn thành xuất sắc bản cam kết tu dưỡng, rèn luyện năm 2024.",
        acting_user=world.carol,
        source="pledges",
    )
    assert nomination.unit == world.a1 and nomination.holder == world.a
    assert nomination.source == "pledges" and nomination.title.startswith("Trần Thị Bình — ")


def test_a_removed_photo_or_file_leaves_the_storage_once_the_edit_commits(
    world, django_capture_on_commit_callbacks
):
    nomination = services.nomination_create(
        unit=world.a1,
        acting_user=world.carol,
        kind=NomineeKind.PERSON,
        member=world.binh,
        fields=fields(),
        photos=[jpeg()],
    )
    services.nomination_return(nomination=nomination, acting_user=world.bob, comment="Đổi ảnh.")
    photo = nomination.photos.get()
    storage, name = photo.image.storage, photo.image.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.nomination_update(
            nomination=nomination,
            acting_user=world.carol,
            kind=NomineeKind.PERSON,
            member=world.binh,
            fields=fields(),
            photos=[jpeg("moi.jpg")],
            remove_photos=[photo.pk],
        )
    assert not storage.exists(name)
    new = nomination.photos.get()
    assert new.pk != photo.pk and storage.exists(new.image.name)
