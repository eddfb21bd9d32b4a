"""Pledge states: draft -> submitted -> returned / accepted, versions, evaluation, rights."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from chuyende.core.models import AuditEvent
from chuyende.pledges import selectors, services
from chuyende.pledges.choices import PledgeSource, PledgeStatus
from chuyende.pledges.models import Evaluation, Pledge

from .helpers import full_fields, make_pledge, make_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(world):
    return make_template(world.province, plan=world.plan)


def _draft(world, **extra):
    return services.pledge_save(
        member=world.binh, acting_user=world.dave, fields=full_fields(**extra)
    )


def test_a_member_saves_a_draft_with_the_identity_block_from_the_record(world, template):
    pledge = _draft(world)
    assert pledge.status == PledgeStatus.DRAFT and pledge.version == 1 and pledge.is_current
    assert pledge.full_name == "Trần Thị Bình" and pledge.birth_year == 1985
    assert pledge.unit_name == world.a1.name and pledge.union_group == "Tổ Toán"
    assert pledge.commitments["duties"] == [
        "Hoàn thành 100% kế hoạch giảng dạy",
        "Dự giờ 18 tiết mỗi học kỳ",
    ]
    assert "example" not in pledge.commitments
    assert pledge.source == PledgeSource.ONLINE and pledge.template == template
    assert AuditEvent.objects.filter(object_type="pledges.pledge", action="create").count() == 1
    # saving again updates the same draft
    again = _draft(world, union_group="Tổ Văn")
    assert again.pk == pledge.pk and Pledge.objects.count() == 1


def test_an_incomplete_draft_is_saved_but_cannot_be_submitted(world, template):
    fields = full_fields(actions="Chỉ một việc", target_rating="")
    fields["commitments"]["duties"] = "Một cam kết"
    pledge = services.pledge_save(member=world.binh, acting_user=world.dave, fields=fields)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.pledge_submit(pledge=pledge, acting_user=world.dave)
    messages = error.value.message_dict
    assert messages["section_duties"] == [
        "Write at least 2 commitments in “Về thực hiện chức trách, nhiệm vụ được giao”."
    ]
    assert messages["actions"] == ["Write between 3 and 5 concrete actions (you wrote 1)."]
    assert messages["target_rating"] == ["Choose the rating you aim for this year."]
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.DRAFT


def test_more_than_five_actions_is_refused_even_in_a_draft(world, template):
    with pytest.raises(ValidationError) as error:
        _draft(world, actions="\n".join(f"Việc {n}" for n in range(6)))
    assert "actions" in error.value.message_dict


def test_submit_return_fix_resubmit_accept(world, template):
    pledge = services.pledge_save(
        member=world.binh, acting_user=world.dave, fields=full_fields(), submit=True
    )
    assert pledge.status == PledgeStatus.SUBMITTED and pledge.submitted_at
    with pytest.raises(ValidationError):  # not editable while waiting for review
        _draft(world)
    with pytest.raises(ValidationError) as error:
        services.pledge_return(pledge=pledge, acting_user=world.carol, comment="  ")
    assert "comment" in error.value.message_dict
    pledge = services.pledge_return(
        pledge=pledge, acting_user=world.carol, comment="Ghi cụ thể số tiết dự giờ."
    )
    assert pledge.status == PledgeStatus.RETURNED and pledge.reviewer == world.carol
    with pytest.raises(ValidationError):
        services.pledge_accept(pledge=pledge, acting_user=world.carol)
    pledge = services.pledge_save(
        member=world.binh, acting_user=world.dave, fields=full_fields(), submit=True
    )
    assert pledge.status == PledgeStatus.SUBMITTED
    pledge = services.pledge_accept(pledge=pledge, acting_user=world.carol)
    assert pledge.status == PledgeStatus.ACCEPTED and pledge.is_locked
    with pytest.raises(ValidationError):
        _draft(world)
    with pytest.raises(ValidationError):
        services.pledge_return(pledge=pledge, acting_user=world.carol, comment="Muộn")
    statuses = [
        e.changes.get("status")
        for e in AuditEvent.objects.filter(object_type="pledges.pledge").order_by("id")
    ]
    assert {"from": "submitted", "to": "accepted"} in statuses


def test_only_officers_of_the_unit_review_and_never_their_own(world, template):
    pledge = services.pledge_save(
        member=world.binh, acting_user=world.dave, fields=full_fields(), submit=True
    )
    for user in (world.dave, world.mallory, world.erin, world.nobody):
        with pytest.raises(PermissionDenied):
            services.pledge_accept(pledge=pledge, acting_user=user)
    world.binh.user = world.carol
    world.binh.save()
    pledge.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.pledge_accept(pledge=pledge, acting_user=world.carol)
    assert services.pledge_accept(pledge=pledge, acting_user=world.bob).status == "accepted"


def test_a_member_cannot_write_someone_elses_pledge(world, template):
    with pytest.raises(PermissionDenied):
        services.pledge_save(member=world.an, acting_user=world.dave, fields=full_fields())
    with pytest.raises(PermissionDenied):
        services.pledge_save(member=world.binh, acting_user=world.mallory, fields=full_fields())


def test_no_template_means_no_pledge(world):
    with pytest.raises(ValidationError):
        _draft(world)


def test_a_new_version_keeps_the_accepted_one(world, template):
    accepted = make_pledge(world.binh, template)
    new = services.pledge_new_version(pledge=accepted, acting_user=world.dave)
    accepted.refresh_from_db()
    assert not accepted.is_current and accepted.status == PledgeStatus.ACCEPTED
    assert new.version == 2 and new.previous == accepted and new.status == PledgeStatus.DRAFT
    assert new.commitments == accepted.commitments and new.is_current
    assert selectors.current_pledge(member=world.binh, year=2024) == new
    assert [p.version for p in selectors.versions(pledge=new)] == [2, 1]
    with pytest.raises(ValidationError):  # the old one is no longer current
        services.pledge_new_version(pledge=accepted, acting_user=world.dave)
    edited = _draft(world, actions="Một\nHai\nBa\nBốn")
    assert edited.pk == new.pk and len(edited.actions) == 4


def test_a_rated_pledge_cannot_get_a_new_version(world, template):
    pledge = make_pledge(world.binh, template)
    Evaluation.objects.create(pledge=pledge, final_rating="good")
    with pytest.raises(ValidationError):
        services.pledge_new_version(pledge=pledge, acting_user=world.dave)


def test_an_officer_enters_a_paper_pledge_accepted_at_once(world, template):
    pledge = services.pledge_enter_from_paper(
        member=world.an, acting_user=world.carol, fields=full_fields()
    )
    assert pledge.status == PledgeStatus.ACCEPTED and pledge.source == PledgeSource.PAPER
    assert pledge.reviewer == world.carol
    with pytest.raises(PermissionDenied):
        services.pledge_enter_from_paper(
            member=world.foreign, acting_user=world.carol, fields=full_fields()
        )
    with pytest.raises(PermissionDenied):
        services.pledge_enter_from_paper(member=world.an, acting_user=world.dave, fields={})


def test_a_unit_adds_a_section_for_its_own_subtree(world, template):
    section = services.section_add(
        template=template,
        unit=world.a1,
        acting_user=world.carol,
        title="Về công tác chủ nhiệm",
        min_items=1,
    )
    assert section in selectors.sections_for(template=template, unit=world.a1)
    assert section not in selectors.sections_for(template=template, unit=world.a2)
    with pytest.raises(PermissionDenied):
        services.section_add(template=template, unit=world.b1, acting_user=world.carol, title="X")
    # the new section is required of A1's members
    pledge = services.pledge_save(member=world.binh, acting_user=world.dave, fields=full_fields())
    with pytest.raises(ValidationError) as error:
        services.pledge_submit(pledge=pledge, acting_user=world.dave)
    assert f"section_{section.code}" in error.value.message_dict


def test_self_evaluation_then_final_rating_then_exemplar(world, template):
    pledge = make_pledge(world.binh, template)
    sections = selectors.sections_for(template=template, unit=world.a1)
    keys = services.evaluation_keys(pledge, sections)
    assert keys[:2] == ["politics:0", "ethics:0"] and keys[-1] == "action:2"
    results = {key: {"result": "done", "note": ""} for key in keys}
    results["duties:1"] = {"result": "partly", "note": "Dự 15 tiết"}
    with pytest.raises(ValidationError) as error:
        services.evaluation_self(
            pledge=pledge, acting_user=world.dave, results={}, proposed_rating="excellent"
        )
    assert "result_politics:0" in error.value.message_dict
    evaluation = services.evaluation_self(
        pledge=pledge, acting_user=world.dave, results=results, proposed_rating="excellent"
    )
    assert evaluation.results["duties:1"] == {"result": "partly", "note": "Dự 15 tiết"}
    with pytest.raises(PermissionDenied):
        services.evaluation_rate(pledge=pledge, acting_user=world.dave, final_rating="excellent")
    with pytest.raises(ValidationError):
        services.evaluation_rate(
            pledge=pledge, acting_user=world.carol, final_rating="good", union_title=True
        )
    with pytest.raises(ValidationError):
        services.evaluation_rate(pledge=pledge, acting_user=world.carol, final_rating="great")
    evaluation = services.evaluation_rate(
        pledge=pledge, acting_user=world.carol, final_rating="excellent", union_title=True
    )
    assert evaluation.rated_by == world.carol and evaluation.union_title
    with pytest.raises(ValidationError):  # rated: the member can no longer change it
        services.evaluation_self(
            pledge=pledge, acting_user=world.dave, results=results, proposed_rating="good"
        )
    evaluation = services.propose_exemplar(evaluation=evaluation, acting_user=world.carol)
    first = evaluation.proposed_exemplar_at
    assert first is not None
    evaluation = services.propose_exemplar(evaluation=evaluation, acting_user=world.carol)
    assert evaluation.proposed_exemplar_at == first
    assert list(services.proposed_exemplars(unit=world.province, year=2024)) == [evaluation]
    # lowering the rating withdraws the proposal
    services.evaluation_rate(pledge=pledge, acting_user=world.carol, final_rating="good")
    evaluation.refresh_from_db()
    assert evaluation.proposed_exemplar_at is None
    with pytest.raises(ValidationError):
        services.propose_exemplar(evaluation=evaluation, acting_user=world.carol)


def test_a_draft_is_not_evaluated(world, template):
    pledge = make_pledge(world.binh, template, status=PledgeStatus.DRAFT)
    with pytest.raises(ValidationError):
        services.evaluation_rate(pledge=pledge, acting_user=world.carol, final_rating="good")


def test_a_configured_scale_is_used(world):
    template = make_template(world.province)
    template.rating_levels = [
        {"code": "a", "label": "Lao động tiên tiến"},
        {"code": "b", "label": "Hoàn thành nhiệm vụ"},
    ]
    template.save()
    pledge = make_pledge(world.binh, template, target_rating="a")
    evaluation = services.evaluation_rate(
        pledge=pledge, acting_user=world.carol, final_rating="a", union_title=True
    )
    assert evaluation.final_rating == "a"
    with pytest.raises(ValidationError):
        services.evaluation_rate(pledge=pledge, acting_user=world.carol, final_rating="excellent")
