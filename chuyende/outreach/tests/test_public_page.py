"""The public page of a federation: no login, approved posts of its subtree only, no personal
data, embeddable, cacheable, escaped."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chuyende.plans.models import Occasion

from .factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mid_july_2024():
    with time_machine.travel("2024-07-15 09:00 +07:00", tick=False):
        yield


@pytest.fixture
def posts(world):
    world.shown = make_post(world.a1, title="Hội thi tìm hiểu 95 năm Công đoàn", views=4321)
    world.waiting = make_post(world.a2, title="Tin chờ duyệt", status="submitted", views=999)
    world.rejected = make_post(world.a2, title="Tin bị từ chối", status="rejected")
    world.other = make_post(world.b1, title="Tin của huyện khác")
    world.xss = make_post(
        world.a1,
        title='<script>alert("x")</script> Pano',
        channel="board",
        link="",
        published_on=datetime.date(2024, 7, 1),
    )
    Occasion.objects.create(
        unit=world.province,
        plan=world.plan,
        date=datetime.date(2024, 7, 28),
        name="95 năm Ngày thành lập Công đoàn Việt Nam",
    )
    Occasion.objects.create(
        unit=world.root, date=datetime.date(1945, 9, 2), name="Quốc khánh", recurring=True
    )
    Occasion.objects.create(
        unit=world.b, date=datetime.date(1977, 7, 20), name="Ngày của Ea Kar", recurring=True
    )
    return world


def _get(client, unit):
    return client.get(reverse("outreach:public_page", args=[unit.code]))


def test_the_public_page_opens_without_login_and_shows_approved_posts_of_the_subtree(client, posts):
    response = _get(client, posts.a)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Hội thi tìm hiểu 95 năm Công đoàn" in body
    for hidden in ("Tin chờ duyệt", "Tin bị từ chối", "Tin của huyện khác", "4321", "4.321", "999"):
        assert hidden not in body
    assert 'rel="noopener nofollow noreferrer"' in body
    assert "95 năm Ngày thành lập Công đoàn Việt Nam" in body
    assert "Quốc khánh" in body and 'data-occasion-day="2024-09-02"' in body
    assert re.search(r"Quốc khánh \(79 \w+\)", body)
    assert "Ngày của Ea Kar" not in body


def test_the_public_page_escapes_titles(client, posts):
    body = _get(client, posts.a).content.decode()
    assert "<script>" not in body
    assert "&lt;script&gt;" in body


def test_the_public_page_can_be_embedded_and_cached_and_sets_no_cookie(client, posts):
    response = _get(client, posts.province)
    assert "X-Frame-Options" not in response
    assert "max-age=300" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert not response.cookies
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "csrfmiddlewaretoken" not in response.content.decode()
    # every other page still refuses to be framed
    assert client.get(reverse("login"))["X-Frame-Options"] == "DENY"


def test_the_province_page_includes_every_district_and_an_unknown_code_is_404(client, posts):
    body = _get(client, posts.province).content.decode()
    assert "Tin của huyện khác" in body and "Hội thi tìm hiểu" in body
    assert client.get(reverse("outreach:public_page", args=["NOPE"])).status_code == 404
    posts.b.active = False
    posts.b.save(update_fields=["active"])
    assert _get(client, posts.b).status_code == 404


def test_the_public_page_answers_only_get(client, posts):
    assert client.post(reverse("outreach:public_page", args=[posts.a.code])).status_code == 405


def test_the_public_page_query_count_does_not_grow_with_posts(client, posts):
    with CaptureQueriesContext(connection) as few:
        _get(client, posts.province)
    for i in range(40):
        make_post(posts.a1 if i % 2 else posts.b1)
    with CaptureQueriesContext(connection) as many:
        _get(client, posts.province)
    assert len(few.captured_queries) == len(many.captured_queries) == 3
