"""Recording, editing, reviewing and deleting outreach posts: services and pages."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chuyende.core.models import AuditEvent
from chuyende.outreach import services
from chuyende.outreach.models import OutreachPost, UnitWebsite
from chuyende.plans.models import Occasion, Task

from .factories import JPEG, PNG, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mid_august_2024():
    with time_machine.travel("2024-08-15 09:00 +07:00", tick=False):
        yield


LINK = "https://ldldaklak.org.vn/2024/07/28/ky-niem-95-nam-ngay-thanh-lap-cong-doan-viet-nam/"


@pytest.fixture
def calendar(world):
    world.website = UnitWebsite.objects.create(unit=world.province, domain="ldldaklak.org.vn")
    world.union_day = Occasion.objects.create(
        unit=world.province,
        plan=world.plan,
        date=datetime.date(2024, 7, 28),
        name="95 năm Ngày thành lập Công đoàn Việt Nam",
    )
    world.ea_kar_day = Occasion.objects.create(
        unit=world.b, date=datetime.date(1977, 9, 10), name="Ngày thành lập huyện", recurring=True
    )
    return world


def _submit(world, user, unit=None, **fields):
    return services.post_submit(unit=unit or world.a1, acting_user=user, fields=fields)


# --- Services ------------------------------------------------------------------------------------


def test_an_editor_submits_a_post_filled_from_its_link_and_it_waits_for_review(calendar):
    w = calendar
    post = _submit(w, w.carol, link=LINK + "?utm_source=zalo", occasion=w.union_day)
    assert post.status == "submitted"
    assert post.channel == "website"
    assert post.published_on == datetime.date(2024, 7, 28)
    assert post.title == "Ky niem 95 nam ngay thanh lap cong doan viet nam"
    assert post.link == LINK
    assert post.search_title.startswith("ky niem 95")
    event = AuditEvent.objects.get(object_type="outreach.outreachpost", object_id=str(post.pk))
    assert (event.action, event.actor, event.unit) == ("create", w.carol, w.a1)


def test_what_the_editor_typed_wins_over_what_the_link_tells(calendar):
    w = calendar
    post = _submit(
        w,
        w.carol,
        link=LINK,
        channel="fanpage",
        title="Tiêu đề   tự  đặt",
        published_on=datetime.date(2024, 7, 29),
    )
    assert (post.channel, post.title, post.published_on) == (
        "fanpage",
        "Tiêu đề tự đặt",
        datetime.date(2024, 7, 29),
    )


def test_a_managers_own_post_is_approved_at_once(calendar):
    w = calendar
    post = _submit(w, w.bob, link=LINK)
    assert post.status == "approved" and post.reviewed_by == w.bob


def test_nobody_records_a_post_for_a_unit_outside_their_scope(calendar):
    w = calendar
    with pytest.raises(PermissionDenied):
        _submit(w, w.bob, unit=w.b1, link=LINK)
    with pytest.raises(PermissionDenied):
        _submit(w, w.erin, unit=w.a1, link=LINK)
    assert not OutreachPost.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"link": "www.facebook.com/congdoan"}, "link"),
        ({"link": "javascript:alert(1)", "channel": "other", "title": "x"}, "link"),
        ({"link": "https://baodaklak.vn/tin/abc", "title": "Tin", "published_on": None}, "channel"),
        (
            {"channel": "facebook", "title": "Tin", "published_on": datetime.date(2024, 7, 1)},
            "link",
        ),
        ({"channel": "board", "published_on": datetime.date(2024, 7, 1)}, "title"),
        ({"channel": "board", "title": "Pano"}, "published_on"),
        (
            {"channel": "board", "title": "Pano", "published_on": datetime.date(2024, 9, 1)},
            "published_on",
        ),
        (
            {"channel": "board", "title": "Pano", "published_on": datetime.date(1999, 9, 1)},
            "published_on",
        ),
        ({"link": LINK, "views": -1}, "views"),
        ({"link": LINK, "shares": -5}, "shares"),
    ],
)
def test_bad_input_gets_a_message_on_its_field_and_nothing_is_saved(calendar, fields, field):
    w = calendar
    with pytest.raises(ValidationError) as caught:
        _submit(w, w.carol, **fields)
    assert field in caught.value.message_dict
    assert not OutreachPost.objects.exists()
    assert not AuditEvent.objects.filter(object_type="outreach.outreachpost").exists()


def test_board_radio_contest_and_qa_need_no_link(calendar):
    w = calendar
    for channel in ("board", "radio", "contest", "qa", "zalo"):
        post = _submit(
            w, w.carol, channel=channel, title=f"Hoạt động {channel}", published_on=w.task.due_on
        )
        assert post.link == ""


def test_a_link_is_recorded_once(calendar):
    w = calendar
    _submit(w, w.carol, link=LINK)
    with pytest.raises(ValidationError) as caught:
        _submit(w, w.bob, unit=w.a2, link=LINK + "#comments")
    assert "link" in caught.value.message_dict
    assert OutreachPost.objects.count() == 1


def test_an_occasion_or_task_of_another_subtree_cannot_be_tied_to_a_post(calendar):
    w = calendar
    with pytest.raises(ValidationError) as caught:
        _submit(w, w.carol, link=LINK, occasion=w.ea_kar_day, task=w.foreign_task)
    assert set(caught.value.message_dict) >= {"occasion", "task"}
    post = _submit(w, w.carol, link=LINK, occasion=w.union_day, task=w.task)
    assert post.occasion == w.union_day and post.task == w.task


def test_a_screenshot_is_checked_by_its_bytes_and_stored_under_a_random_name(calendar):
    w = calendar
    fake = SimpleUploadedFile("anh.png", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError) as caught:
        services.post_submit(unit=w.a1, acting_user=w.carol, fields={"link": LINK}, screenshot=fake)
    assert "screenshot" in caught.value.message_dict
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (5 * 1024 * 1024))
    with pytest.raises(ValidationError):
        services.post_submit(unit=w.a1, acting_user=w.carol, fields={"link": LINK}, screenshot=big)
    assert not OutreachPost.objects.exists()
    photo = SimpleUploadedFile("Nguyễn Văn An - CCCD.png", JPEG)
    post = services.post_submit(
        unit=w.a1, acting_user=w.carol, fields={"link": LINK}, screenshot=photo
    )
    assert post.screenshot.name.endswith(".jpg")
    assert "Nguy" not in post.screenshot.name


def test_an_editor_changing_an_approved_post_sends_it_back_for_review(calendar):
    w = calendar
    post = _submit(w, w.bob, link=LINK)
    assert post.status == "approved"
    services.post_update(post=post, acting_user=w.carol, fields={"views": 1200, "shares": 3})
    post.refresh_from_db()
    assert (post.status, post.views, post.shares) == ("approved", 1200, 3)
    services.post_update(post=post, acting_user=w.carol, fields={"title": "Tiêu đề mới"})
    post.refresh_from_db()
    assert post.status == "submitted" and post.reviewed_by is None
    updates = AuditEvent.objects.filter(action="update", object_id=str(post.pk)).order_by("id")
    assert updates[0].changes["views"] == {"from": None, "to": 1200}
    assert updates[1].changes["status"] == {"from": "approved", "to": "submitted"}


def test_a_manager_edits_an_approved_post_without_a_new_review(calendar):
    w = calendar
    post = _submit(w, w.carol, link=LINK)
    services.post_review(post=post, acting_user=w.bob, decision="approve")
    services.post_update(post=post, acting_user=w.alice, fields={"title": "Sửa tiêu đề"})
    post.refresh_from_db()
    assert post.status == "approved" and post.title == "Sửa tiêu đề"


def test_moving_a_post_to_a_unit_outside_scope_is_refused(calendar):
    w = calendar
    post = _submit(w, w.carol, link=LINK)
    with pytest.raises(PermissionDenied):
        services.post_update(post=post, acting_user=w.bob, fields={"unit": w.b1})
    post.refresh_from_db()
    assert post.unit == w.a1


def test_a_manager_of_the_unit_or_above_reviews_an_editor_does_not(calendar):
    w = calendar
    post = _submit(w, w.carol, link=LINK)
    with pytest.raises(PermissionDenied):
        services.post_review(post=post, acting_user=w.carol, decision="approve")
    with pytest.raises(PermissionDenied):
        services.post_review(post=post, acting_user=w.mallory, decision="approve")
    with pytest.raises(ValidationError):
        services.post_review(post=post, acting_user=w.bob, decision="reject")
    services.post_review(post=post, acting_user=w.alice, decision="reject", note="Sai chủ đề")
    post.refresh_from_db()
    assert (post.status, post.review_note, post.reviewed_by) == ("rejected", "Sai chủ đề", w.alice)
    with pytest.raises(ValidationError):
        services.post_review(post=post, acting_user=w.bob, decision="reject", note="again")
    services.post_review(post=post, acting_user=w.bob, decision="approve")
    post.refresh_from_db()
    assert post.status == "approved"
    audit = AuditEvent.objects.filter(action="update", object_id=str(post.pk)).order_by("id")
    assert [e.changes["status"]["to"] for e in audit] == ["rejected", "approved"]


def test_an_editor_deletes_a_waiting_post_but_not_an_approved_one(calendar):
    w = calendar
    waiting = _submit(w, w.carol, link=LINK)
    approved = make_post(w.a1)
    with pytest.raises(PermissionDenied):
        services.post_delete(post=approved, acting_user=w.carol)
    services.post_delete(post=waiting, acting_user=w.carol)
    services.post_delete(post=approved, acting_user=w.bob)
    assert not OutreachPost.objects.exists()
    assert AuditEvent.objects.filter(action="delete").count() == 2


# --- Pages ---------------------------------------------------------------------------------------


def test_the_record_form_saves_a_post_and_shows_it(client, calendar):
    w = calendar
    client.force_login(w.carol)
    response = client.get(reverse("outreach:post_create") + f"?unit={w.a1.pk}")
    assert response.status_code == 200
    assert "Ea Kar" not in response.content.decode()
    response = client.post(
        reverse("outreach:post_create"),
        {
            "unit": w.a1.pk,
            "link": LINK,
            "views": "350",
            "occasion": w.union_day.pk,
            "screenshot": SimpleUploadedFile("a.png", PNG),
        },
    )
    post = OutreachPost.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:post_detail", args=[post.pk])
    assert (post.channel, post.views, post.status) == ("website", 350, "submitted")
    body = client.get(response["Location"]).content.decode()
    assert 'rel="noopener noreferrer nofollow"' in body
    assert reverse("outreach:post_screenshot", args=[post.pk]) in body
    assert 'id="review-form"' not in body  # an editor does not review


def test_the_record_form_shows_the_services_message_and_keeps_what_was_typed(client, calendar):
    w = calendar
    client.force_login(w.carol)
    response = client.post(
        reverse("outreach:post_create"),
        {"unit": w.a1.pk, "link": "javascript:alert(1)", "title": "Giữ lại", "views": "-3"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'aria-invalid="true"' in body
    assert "Giữ lại" in body
    assert not OutreachPost.objects.exists()


def test_the_link_endpoint_fills_only_the_empty_fields(client, calendar):
    w = calendar
    client.force_login(w.carol)
    url = reverse("outreach:link_suggest")
    response = client.get(
        url,
        {"link": LINK, "channel": "", "title": "Của tôi", "published_on": ""},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-filled="channel published_on occasion"' in body
    assert 'id="field-channel" hx-swap-oob="true"' in body
    assert 'value="website" selected' in body
    assert 'value="28/07/2024"' in body
    assert f'value="{w.union_day.pk}" selected' in body
    assert 'id="field-title"' not in body
    assert "<html" not in body


def test_the_link_endpoint_explains_a_malformed_link(client, calendar):
    client.force_login(calendar.carol)
    response = client.get(reverse("outreach:link_suggest"), {"link": "www.facebook.com/x"})
    assert "data-link-error" in response.content.decode()
    response = client.get(reverse("outreach:link_suggest"), {"link": ""})
    assert "data-link-error" not in response.content.decode()


def test_the_link_endpoint_knows_only_the_websites_in_the_users_scope(client, calendar):
    w = calendar
    UnitWebsite.objects.create(unit=w.b, domain="ldldeakar.org.vn")
    client.force_login(w.carol)
    body = client.get(
        reverse("outreach:link_suggest"),
        {"link": "https://ldldeakar.org.vn/2024/07/28/tin-moi-nhat-hom-nay/"},
    ).content.decode()
    assert "channel" not in body.split("data-filled=")[1].split('"')[1]
    client.force_login(w.mallory)
    body = client.get(
        reverse("outreach:link_suggest"),
        {"link": "https://ldldeakar.org.vn/2024/07/28/tin-moi-nhat-hom-nay/"},
    ).content.decode()
    assert "channel" in body.split("data-filled=")[1].split('"')[1]


def test_a_manager_approves_from_the_post_page(client, calendar):
    w = calendar
    post = _submit(w, w.carol, link=LINK)
    client.force_login(w.bob)
    body = client.get(reverse("outreach:post_detail", args=[post.pk])).content.decode()
    assert 'id="review-form"' in body
    response = client.post(reverse("outreach:post_review", args=[post.pk]), {"decision": "approve"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == "approved"


def test_an_editor_posting_a_review_gets_403(client, calendar):
    w = calendar
    post = _submit(w, w.carol, link=LINK)
    client.force_login(w.carol)
    response = client.post(reverse("outreach:post_review", args=[post.pk]), {"decision": "approve"})
    assert response.status_code == 403
    client.force_login(w.erin)
    assert client.get(reverse("outreach:post_edit", args=[post.pk])).status_code == 403
    post.refresh_from_db()
    assert post.status == "submitted"


def test_the_edit_page_updates_figures_and_replaces_the_screenshot(client, calendar):
    w = calendar
    post = _submit(w, w.bob, link=LINK)
    client.force_login(w.carol)
    url = reverse("outreach:post_edit", args=[post.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        unit=w.a1.pk,
        published_on="28/07/2024",
        occasion="",
        task="",
        views="900",
        screenshot=SimpleUploadedFile("s.png", PNG),
    )
    assert client.post(url, data).status_code == 302
    post.refresh_from_db()
    assert (post.views, post.status) == (900, "approved")
    assert post.screenshot.name.endswith(".png")


def test_the_screenshot_is_served_in_scope_only_as_an_image_and_audited(client, calendar):
    w = calendar
    post = services.post_submit(
        unit=w.a1,
        acting_user=w.carol,
        fields={"link": LINK},
        screenshot=SimpleUploadedFile("a.png", PNG),
    )
    url = reverse("outreach:post_screenshot", args=[post.pk])
    client.force_login(w.mallory)
    assert client.get(url).status_code == 404
    client.force_login(w.erin)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == PNG
    assert AuditEvent.objects.filter(action="export", actor=w.erin).count() == 1
    assert (
        "/media/"
        not in client.get(reverse("outreach:post_detail", args=[post.pk])).content.decode()
    )


def test_the_list_filters_by_status_and_title_and_counts_what_waits_for_review(client, calendar):
    w = calendar
    make_post(w.a1, title="Hội thi tìm hiểu Chuyên đề", status="submitted")
    make_post(w.a2, title="Pano chào mừng")
    make_post(w.b1, title="Tin của Ea Kar", status="submitted")
    client.force_login(w.bob)
    response = client.get(reverse("outreach:post_list"))
    assert response.context["waiting"] == 1
    assert response.context["page"].paginator.count == 2
    response = client.get(reverse("outreach:post_list") + "?q=hoi thi&status=submitted")
    assert [p.title for p in response.context["page"]] == ["Hội thi tìm hiểu Chuyên đề"]
    response = client.get(
        reverse("outreach:post_list") + "?q=pano",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="post-results",
    )
    assert "<html" not in response.content.decode() and "Pano" in response.content.decode()


def test_the_embed_snippet_is_shown_to_managers_only(client, calendar):
    w = calendar
    client.force_login(w.bob)
    body = client.get(reverse("outreach:post_list")).content.decode()
    assert 'id="embed-snippet"' in body
    assert "http://testserver/public/DLK-BMT/" in body
    client.force_login(w.carol)
    assert 'id="embed-snippet"' not in client.get(reverse("outreach:post_list")).content.decode()


def test_the_list_query_count_does_not_grow_with_posts(client, calendar, django_assert_num_queries):
    w = calendar
    client.force_login(w.alice)
    url = reverse("outreach:post_list")
    make_post(w.a1, occasion=w.union_day)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    task = Task.objects.create(plan=w.plan, ref="II.2", title="Tuyên truyền")
    for i in range(30):
        make_post([w.a1, w.a2, w.b1][i % 3], occasion=w.union_day, task=task)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few.captured_queries) == len(many.captured_queries)
