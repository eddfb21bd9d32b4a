"""Figures rolled up the tree: by channel, by occasion, per child unit, for a period."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chuyende.outreach.selectors import outreach_rollup
from chuyende.plans.models import Occasion
from conftest import make_unit

from .factories import make_post

pytestmark = pytest.mark.django_db
YEAR = (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))


@pytest.fixture(autouse=True)
def december_2024():
    with time_machine.travel("2024-12-20 09:00 +07:00", tick=False):
        yield


@pytest.fixture
def figures(world):
    w = world
    w.union_day = Occasion.objects.create(
        unit=w.province, plan=w.plan, date=datetime.date(2024, 7, 28), name="95 năm Công đoàn"
    )
    w.province_day = Occasion.objects.create(
        unit=w.province, plan=w.plan, date=datetime.date(2024, 11, 22), name="120 năm Đắk Lắk"
    )
    make_post(
        w.province, channel="website", views=1000, reactions=50, shares=5, occasion=w.union_day
    )
    make_post(w.a, channel="fanpage", views=300, reactions=30, shares=3, occasion=w.union_day)
    make_post(w.a1, channel="facebook", views=100, reactions=10, shares=1, occasion=w.union_day)
    make_post(w.a1, channel="contest", link="", views=None, occasion=w.province_day)
    make_post(w.a2, channel="qa", link="", views=40)
    make_post(w.a2, channel="zalo", views=20, status="submitted")
    make_post(w.a2, channel="zalo", views=70, status="rejected")
    make_post(w.b1, channel="board", link="", views=None, occasion=w.province_day)
    make_post(w.b1, channel="facebook", views=5, published_on=datetime.date(2023, 12, 31))
    return w


def test_the_province_rollup_counts_approved_posts_per_child_and_channel(figures):
    w = figures
    data = outreach_rollup(unit=w.province, start=YEAR[0], end=YEAR[1])
    assert data["totals"] == {"posts": 6, "pending": 1, "views": 1440, "reactions": 90, "shares": 9}
    assert data["own"]["posts"] == 1 and data["own"]["views"] == 1000
    children = {row["code"]: row for row in data["children"]}
    assert children["DLK-BMT"]["posts"] == 4 and children["DLK-BMT"]["pending"] == 1
    assert children["DLK-BMT"]["views"] == 440
    assert children["DLK-BMT"]["by_channel"] == {
        "fanpage": 1,
        "facebook": 1,
        "contest": 1,
        "qa": 1,
        "zalo": 0,
    }
    assert children["DLK-EAKAR"]["posts"] == 1 and children["DLK-EAKAR"]["views"] == 0
    channels = {row["channel"]: row["posts"] for row in data["by_channel"]}
    assert channels == {
        "website": 1,
        "fanpage": 1,
        "facebook": 1,
        "contest": 1,
        "qa": 1,
        "board": 1,
        "zalo": 0,
    }
    occasions = {row["name"]: row for row in data["by_occasion"]}
    assert occasions["95 năm Công đoàn"]["posts"] == 3
    assert occasions["95 năm Công đoàn"]["views"] == 1400
    assert occasions["120 năm Đắk Lắk"]["posts"] == 2


def test_a_rollup_is_for_the_units_subtree_and_period_only(figures):
    w = figures
    data = outreach_rollup(unit=w.a, start=datetime.date(2024, 7, 1), end=YEAR[1])
    assert data["totals"]["posts"] == 5 - 1  # the province's own post is not A's
    assert sorted(row["code"] for row in data["children"]) == ["BMT-001", "BMT-002"]
    assert data["own"]["posts"] == 1
    assert outreach_rollup(unit=w.b, start=YEAR[0], end=YEAR[1])["totals"]["posts"] == 1
    last_year = outreach_rollup(
        unit=w.b, start=datetime.date(2023, 1, 1), end=datetime.date(2023, 12, 31)
    )
    assert last_year["totals"]["posts"] == 1 and last_year["totals"]["views"] == 5


def test_the_rollup_is_plain_data(figures):
    import json

    data = outreach_rollup(unit=figures.province, start=YEAR[0], end=YEAR[1])
    json.dumps(data, default=str)
    assert all(isinstance(row["name"], str) for row in data["children"])


def test_the_rollup_takes_three_queries_whatever_the_rows(figures):
    w = figures
    with CaptureQueriesContext(connection) as few:
        outreach_rollup(unit=w.province, start=YEAR[0], end=YEAR[1])
    for i in range(10):
        unit = make_unit(w.b, f"EK-{i:03d}", f"Công đoàn số {i}", "grassroots")
        occasion = Occasion.objects.create(
            unit=w.b, date=datetime.date(2024, 9, i + 1), name=f"Dịp {i}"
        )
        make_post(unit, channel="fanpage", views=i, occasion=occasion)
        make_post(unit, channel="zalo", status="submitted")
    with CaptureQueriesContext(connection) as many:
        data = outreach_rollup(unit=w.province, start=YEAR[0], end=YEAR[1])
    assert len(few.captured_queries) == len(many.captured_queries) == 3
    assert data["totals"]["posts"] == 16


def test_the_figures_page_drills_down_and_keeps_to_the_scope(client, figures):
    w = figures
    client.force_login(w.bob)
    response = client.get(reverse("outreach:rollup"))
    assert response.status_code == 200
    assert response.context["unit"] == w.a
    assert "Ea Kar" not in response.content.decode()
    response = client.get(reverse("outreach:rollup") + f"?unit={w.b.pk}")
    assert response.status_code == 404
    client.force_login(w.alice)
    response = client.get(
        reverse("outreach:rollup") + f"?unit={w.province.pk}&start=01/07/2024&end=31/07/2024"
    )
    body = response.content.decode()
    assert response.context["figures"]["totals"]["posts"] == 6
    assert f'data-unit="{w.a.pk}"' in body and 'data-total="posts">6<' in body
    response = client.get(
        reverse("outreach:rollup") + f"?unit={w.province.pk}&start=01/08/2024&end=31/08/2024"
    )
    assert response.context["figures"]["totals"]["posts"] == 0


def test_the_figures_page_query_count_does_not_grow_with_rows(client, figures):
    w = figures
    client.force_login(w.alice)
    url = reverse("outreach:rollup") + f"?unit={w.province.pk}"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(8):
        unit = make_unit(w.a, f"BMT-X{i}", f"Công đoàn Trường số {i}", "grassroots")
        make_post(unit, channel="facebook", views=10)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few.captured_queries) == len(many.captured_queries)
