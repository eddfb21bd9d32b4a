"""Managing pledge templates: create a draft, edit its sections, publish, the lock once pledges
exist, copy to the next year; the screens for no login / in scope / out of scope; the admin."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chuyende.core.models import AuditEvent
from chuyende.pledges import selectors, services
from chuyende.pledges.models import PledgeSection, PledgeTemplate

from .helpers import make_pledge, make_template

pytestmark = pytest.mark.django_db

LEVELS = "excellent | Hoàn thành xuất sắc nhiệm vụ\ngood | Hoàn thành tốt nhiệm vụ\nfulfilled | Hoàn thành nhiệm vụ\nnot_fulfilled | Không hoàn thành nhiệm vụ"


def _fields(**extra):
    return {
        "title": "Bản cam kết tu dưỡng, rèn luyện năm 2025",
        "topic": "Chuyên đề năm 2025",
        "introduction": "Mỗi đoàn viên viết một bản.",
        "min_actions": 3,
        "max_actions": 5,
        "rating_levels": LEVELS,
        **extra,
    }


def _section(code="politics", title="Về tư tưởng chính trị", **extra):
    return {"code": code, "title": title, "guidance": "", "min_items": 1, **extra}


@pytest.fixture
def draft(world):
    return services.template_create(
        unit=world.province, acting_user=world.alice, year=2025, plan=world.plan, fields=_fields()
    )


@pytest.fixture
def published(world):
    return make_template(world.province, plan=world.plan)


# Services -----------------------------------------------------------------------------------------


def test_a_manager_creates_a_draft_template_for_a_plan_and_a_year(world, draft):
    assert draft.published is False and draft.year == 2025 and draft.plan == world.plan
    assert draft.unit == world.province and draft.created_by == world.alice
    assert [level["code"] for level in draft.rating_levels] == [
        "excellent",
        "good",
        "fulfilled",
        "not_fulfilled",
    ]
    assert AuditEvent.objects.filter(
        object_type="pledges.pledgetemplate", action="create", object_id=str(draft.pk)
    ).exists()
    # a draft is not what members write against
    assert selectors.template_for(unit=world.a1, year=2025) is None


def test_creating_a_template_checks_rights_and_values(world, draft):
    with pytest.raises(PermissionDenied):
        services.template_create(unit=world.province, acting_user=world.bob, year=2025, fields={})
    with pytest.raises(PermissionDenied):
        services.template_create(unit=world.a1, acting_user=world.carol, year=2025, fields={})
    with pytest.raises(ValidationError) as error:
        services.template_create(
            unit=world.a,
            acting_user=world.bob,
            year=2025,
            plan=world.foreign_plan,
            fields=_fields(),
        )
    assert "plan" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.template_create(
            unit=world.province, acting_user=world.alice, year=2025, fields=_fields()
        )
    assert "This unit already has a pledge template for the year." in error.value.messages
    with pytest.raises(ValidationError) as error:
        services.template_create(
            unit=world.a,
            acting_user=world.bob,
            year=2025,
            fields=_fields(title=" ", min_actions=6, max_actions=5, rating_levels="excellent"),
        )
    assert set(error.value.message_dict) == {"title", "max_actions", "rating_levels"}
    with pytest.raises(ValidationError) as error:
        services.template_create(
            unit=world.a,
            acting_user=world.bob,
            year=2025,
            fields=_fields(rating_levels="a | Một\na | Hai"),
        )
    assert error.value.message_dict["rating_levels"] == ["Two levels have the same code."]


def test_sections_are_added_edited_reordered_and_removed_in_a_draft(world, draft):
    first = services.section_create(template=draft, acting_user=world.alice, fields=_section())
    second = services.section_create(
        template=draft, acting_user=world.alice, fields=_section("ethics", "Về đạo đức")
    )
    third = services.section_create(
        template=draft, acting_user=world.alice, fields=_section("style", "Về tác phong")
    )
    assert [s.code for s in draft.sections.order_by("position")] == ["politics", "ethics", "style"]
    with pytest.raises(ValidationError) as error:
        services.section_create(template=draft, acting_user=world.alice, fields=_section())
    assert "The template already has a section with this code." in error.value.messages
    with pytest.raises(ValidationError) as error:
        services.section_create(
            template=draft, acting_user=world.alice, fields=_section("Bad code!")
        )
    assert "code" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.section_create(
            template=draft, acting_user=world.bob, fields=_section("x", "Không được")
        )

    services.section_update(
        section=second,
        acting_user=world.alice,
        fields=_section("ethic", "Về đạo đức, lối sống", guidance="Giản dị", min_items=2),
    )
    second.refresh_from_db()
    assert (second.code, second.title, second.guidance, second.min_items) == (
        "ethic",
        "Về đạo đức, lối sống",
        "Giản dị",
        2,
    )
    services.section_move(section=third, acting_user=world.alice, up=True)
    assert [s.code for s in draft.sections.order_by("position")] == ["politics", "style", "ethic"]
    services.section_move(section=first, acting_user=world.alice, up=False)
    assert [s.code for s in draft.sections.order_by("position")] == ["style", "politics", "ethic"]
    services.section_move(section=third, acting_user=world.alice, up=True)  # already first
    assert [s.code for s in draft.sections.order_by("position")] == ["style", "politics", "ethic"]
    services.section_remove(section=first, acting_user=world.alice)
    assert [s.code for s in draft.sections.order_by("position")] == ["style", "ethic"]
    assert AuditEvent.objects.filter(object_type="pledges.pledgesection", action="delete").exists()


def test_publishing_needs_a_section_and_makes_members_write_against_it(world, draft):
    with pytest.raises(ValidationError) as error:
        services.template_publish(template=draft, acting_user=world.alice)
    assert error.value.messages == ["Add at least one section before publishing the template."]
    services.section_create(template=draft, acting_user=world.alice, fields=_section())
    with pytest.raises(PermissionDenied):
        services.template_publish(template=draft, acting_user=world.bob)
    services.template_publish(template=draft, acting_user=world.alice)
    draft.refresh_from_db()
    assert draft.published
    assert selectors.template_for(unit=world.a1, year=2025) == draft
    with pytest.raises(ValidationError):
        services.template_publish(template=draft, acting_user=world.alice)


def test_once_pledges_exist_sections_can_only_be_reworded(world, published):
    section = published.sections.get(code="ethics")
    # before any pledge, a published template's sections can still be removed
    extra = services.section_create(
        template=published, acting_user=world.alice, fields=_section("extra", "Thêm")
    )
    services.section_remove(section=extra, acting_user=world.alice)
    make_pledge(world.binh, published)

    with pytest.raises(ValidationError) as error:
        services.section_remove(section=section, acting_user=world.alice)
    assert error.value.messages == [
        "Pledges have already been written against this template, so the section "
        "“Về đạo đức, lối sống” cannot be removed; you can only change its wording."
    ]
    assert PledgeSection.objects.filter(pk=section.pk).exists()
    with pytest.raises(ValidationError) as error:
        services.section_update(
            section=section, acting_user=world.alice, fields=_section("ethics2", section.title)
        )
    assert "code" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.section_update(
            section=section, acting_user=world.alice, fields=_section("ethics", "X", min_items=3)
        )
    assert "min_items" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.section_create(
            template=published, acting_user=world.alice, fields=_section("late", "Muộn")
        )
    # the wording (and a lower minimum) can change
    services.section_update(
        section=section,
        acting_user=world.alice,
        fields=_section("ethics", "Về đạo đức, lối sống, tác phong", guidance="Mới", min_items=0),
    )
    section.refresh_from_db()
    assert section.title == "Về đạo đức, lối sống, tác phong" and section.min_items == 0
    # so can the heading, not the rule on actions nor the scale
    fields = _fields(title="Bản cam kết năm 2024 (sửa)", min_actions=3, max_actions=5)
    fields["rating_levels"] = services.levels_text(published.rating_levels)
    services.template_update(template=published, acting_user=world.alice, fields=fields)
    published.refresh_from_db()
    assert published.title == "Bản cam kết năm 2024 (sửa)"
    with pytest.raises(ValidationError) as error:
        services.template_update(
            template=published, acting_user=world.alice, fields={**fields, "max_actions": 4}
        )
    assert "max_actions" in error.value.message_dict


def test_a_unit_below_may_remove_its_own_section_until_its_members_write(world, published):
    own = services.section_add(
        template=published, unit=world.a, acting_user=world.bob, title="Về phong trào thi đua"
    )
    make_pledge(world.foreign, published)  # a pledge elsewhere does not lock A's section
    services.section_remove(section=own, acting_user=world.bob)
    again = services.section_add(
        template=published, unit=world.a, acting_user=world.bob, title="Về phong trào thi đua"
    )
    make_pledge(world.binh, published)
    with pytest.raises(ValidationError):
        services.section_remove(section=again, acting_user=world.bob)


def test_copy_last_years_template_to_start_the_next_year(world, published):
    services.section_add(template=published, unit=world.a1, acting_user=world.carol, title="Riêng")
    new = services.template_copy(template=published, acting_user=world.alice)
    assert new.year == 2025 and not new.published and new.unit == world.province
    assert new.plan == world.plan and new.rating_levels == published.rating_levels
    assert (new.min_actions, new.max_actions) == (published.min_actions, published.max_actions)
    sections = list(new.sections.order_by("position"))
    assert [s.code for s in sections] == [
        "politics",
        "ethics",
        "style",
        "duties",
        "follow",
        "example",
    ]
    assert all(s.unit_id is None for s in sections)
    assert sections[4].title == "Về làm theo Bác gắn với Chuyên đề năm 2025"
    assert new.title == "Bản cam kết tu dưỡng, rèn luyện năm 2025"
    assert AuditEvent.objects.filter(
        object_type="pledges.pledgetemplate", object_id=str(new.pk), action="create"
    ).exists()
    with pytest.raises(ValidationError) as error:
        services.template_copy(template=published, acting_user=world.alice, year=2025)
    assert error.value.message_dict["year"] == ["This unit already has a pledge template for 2025."]
    with pytest.raises(PermissionDenied):
        services.template_copy(template=published, acting_user=world.bob, year=2026)


# Screens ------------------------------------------------------------------------------------------


def _urls(template, section):
    return [
        reverse("pledges:template_list"),
        reverse("pledges:template_create"),
        reverse("pledges:template_edit", args=[template.pk]),
        reverse("pledges:template_section_add", args=[template.pk]),
        reverse("pledges:template_publish", args=[template.pk]),
        reverse("pledges:template_copy", args=[template.pk]),
        reverse("pledges:section_edit", args=[section.pk]),
        reverse("pledges:section_move", args=[section.pk]),
        reverse("pledges:section_remove", args=[section.pk]),
    ]


def test_the_screens_need_a_login(client, world, published):
    for url in _urls(published, published.sections.first()):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (302, 405), url
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("login"))


def test_a_manager_builds_and_publishes_a_template_through_the_screens(client, world):
    client.force_login(world.alice)
    page = client.get(reverse("pledges:template_create"))
    assert page.status_code == 200 and 'id="template-form"' in page.content.decode()
    response = client.post(
        reverse("pledges:template_create"),
        {"unit": world.province.pk, "plan": world.plan.pk, "year": 2025, **_fields()},
    )
    template = PledgeTemplate.objects.get(unit=world.province, year=2025)
    assert response.status_code == 302
    assert response["Location"] == reverse("pledges:template_edit", args=[template.pk])
    add = reverse("pledges:template_section_add", args=[template.pk])
    for code, title in (("politics", "Về tư tưởng"), ("ethics", "Về đạo đức")):
        response = client.post(add, {f"section-{k}": v for k, v in _section(code, title).items()})
        assert response.status_code == 302
    response = client.post(add, {f"section-{k}": v for k, v in _section().items()})
    assert response.status_code == 200
    assert "The template already has a section with this code." in response.content.decode()
    ethics = template.sections.get(code="ethics")
    assert client.get(reverse("pledges:section_edit", args=[ethics.pk])).status_code == 200
    response = client.post(
        reverse("pledges:section_edit", args=[ethics.pk]),
        _section("ethics", "Về đạo đức, lối sống"),
    )
    assert response.status_code == 302
    client.post(reverse("pledges:section_move", args=[ethics.pk]), {"direction": "up"})
    assert [s.code for s in template.sections.order_by("position")] == ["ethics", "politics"]
    politics = template.sections.get(code="politics")
    client.post(reverse("pledges:section_remove", args=[politics.pk]))
    assert not template.sections.filter(code="politics").exists()
    response = client.post(
        reverse("pledges:template_edit", args=[template.pk]), _fields(title="Tên mới năm 2025")
    )
    assert response.status_code == 302
    response = client.post(reverse("pledges:template_publish", args=[template.pk]))
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.published and template.title == "Tên mới năm 2025"
    response = client.post(reverse("pledges:template_copy", args=[template.pk]), {"year": 2026})
    copy = PledgeTemplate.objects.get(unit=world.province, year=2026)
    assert response["Location"] == reverse("pledges:template_edit", args=[copy.pk])
    assert [s.code for s in copy.sections.all()] == ["ethics"]


def test_the_edit_page_says_why_a_section_cannot_be_removed(client, world, published):
    make_pledge(world.binh, published)
    client.force_login(world.alice)
    body = client.get(reverse("pledges:template_edit", args=[published.pk])).content.decode()
    assert 'id="pledges-lock"' in body and "data-remove-section" not in body
    section = published.sections.get(code="ethics")
    response = client.post(reverse("pledges:section_remove", args=[section.pk]), follow=True)
    assert "cannot be removed; you can only change its wording." in response.content.decode()
    assert PledgeSection.objects.filter(pk=section.pk).exists()


def test_templates_from_above_are_read_only_and_drafts_stay_with_their_managers(
    client, world, published
):
    draft = services.template_create(
        unit=world.province, acting_user=world.alice, year=2025, fields=_fields()
    )
    client.force_login(world.bob)
    body = client.get(reverse("pledges:template_list")).content.decode()
    assert f'data-template="{published.pk}"' in body and f'data-template="{draft.pk}"' not in body
    assert "data-edit" not in body
    assert client.get(reverse("pledges:template_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("pledges:template_edit", args=[published.pk])).status_code == 404
    section = published.sections.first()
    for url in _urls(published, section)[2:]:
        assert client.post(url, {"year": 2030, **_section("x", "X")}).status_code == 404, url
    assert client.get(reverse("pledges:template_create")).status_code == 200
    client.force_login(world.alice)
    body = client.get(reverse("pledges:template_list")).content.decode()
    assert f'data-template="{draft.pk}"' in body and "data-edit" in body


def test_a_sibling_subtrees_manager_cannot_touch_the_template(client, world):
    own = make_template(world.a, title="Bản cam kết của Buôn Ma Thuột")
    section = own.sections.first()
    client.force_login(world.mallory)
    assert (
        f'data-template="{own.pk}"'
        not in client.get(reverse("pledges:template_list")).content.decode()
    )
    for url in _urls(own, section)[2:]:
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"year": 2030, **_section("x", "X")}).status_code == 404, url
    assert PledgeTemplate.objects.filter(unit=world.a).count() == 1
    assert own.sections.count() == 6
    client.force_login(world.bob)
    assert client.get(reverse("pledges:template_edit", args=[own.pk])).status_code == 200


def test_members_and_editors_cannot_create_templates(client, world, published):
    for user in (world.dave, world.carol, world.erin):
        client.force_login(user)
        assert client.get(reverse("pledges:template_create")).status_code == 403
        body = client.get(reverse("pledges:template_list")).content.decode()
        assert f'data-template="{published.pk}"' in body and 'id="new-template"' not in body


def test_the_template_list_runs_a_fixed_number_of_queries(client, world):
    client.force_login(world.alice)
    url = reverse("pledges:template_list")
    make_template(world.province, year=2023)
    make_pledge(world.binh, make_template(world.a, year=2024))
    client.get(url)  # warm up (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for year in range(2010, 2020):
        make_template(world.province, year=year)
        make_template(world.a, year=year)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert body.count("data-template=") == 22
    assert len(many) == len(few)


# Admin --------------------------------------------------------------------------------------------


def test_the_admin_shows_pledges_to_system_administrators_read_only(client, world, published):
    make_pledge(world.binh, published)
    client.force_login(world.admin)
    for model in ("pledgetemplate", "pledgesection", "pledge", "evaluation", "pledgeimport"):
        if model == "pledgesection":
            continue  # shown inline on the template
        assert client.get(f"/admin/pledges/{model}/").status_code == 200, model
    assert client.get(f"/admin/pledges/pledgetemplate/{published.pk}/change/").status_code == 200
    assert client.get("/admin/pledges/pledgetemplate/add/").status_code == 403
    client.force_login(world.alice)
    assert client.get("/admin/pledges/pledge/").status_code == 302


def test_the_publishing_unit_adding_from_the_template_page_follows_the_same_lock(world, published):
    make_pledge(world.binh, published)
    with pytest.raises(ValidationError):
        services.section_add(
            template=published, unit=world.province, acting_user=world.alice, title="Muộn"
        )
    # a unit below may still add its own section
    services.section_add(template=published, unit=world.a, acting_user=world.bob, title="Riêng")
