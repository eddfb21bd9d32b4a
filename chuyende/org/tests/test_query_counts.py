"""Lists, the unit page and the dashboard issue a fixed number of queries, whatever the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_member, make_unit

pytestmark = pytest.mark.django_db


def _grow(world, n):
    """Add n grassroots units under A with members, officers and a section each."""
    for i in range(n):
        unit = make_unit(world.a, f"G{i:03d}", f"Công đoàn Trường số {i}", "grassroots")
        make_unit(unit, f"G{i:03d}-T", f"Tổ công đoàn số {i}", "section")
        make_member(unit, f"Lê Văn Hùng {i}", union_position="chair", gender="male")
        make_member(unit, f"Y Khu Niê {i}", ethnicity="Ê Đê", gender="male")
        make_member(unit, f"Đỗ Thị Mai {i}", religion="Phật giáo")


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# (url name, kwargs, expected queries: session, user, scope, unread notifications, the page)
# The figures come from the member and unit tallies: 2 queries where 4 grouped counts over the
# member rows were (home −2, unit page −2); a unit's children and their counts are 1 query where
# the children, their members and their sub-units were 3 (unit page −2, tree fragment −2). The
# member list is the keyset page (1) and its count from the tallies (1), as the paginator's page
# and COUNT(*) were.
PAGES = [
    ("core:home", None, 8),  # +1: the overdue inspection recommendations box
    ("org:member_list", None, 7),  # 6 + the ids of a small scope's units
    ("org:unit_detail", "a", 12),
    ("org:unit_tree", None, 5),
    ("org:unit_children", "a", 5),
]


@pytest.mark.parametrize(("name", "unit_attr", "expected"), PAGES)
def test_page_query_count_does_not_grow_with_rows(client, world, name, unit_attr, expected):
    client.force_login(world.alice)
    kwargs = {"pk": getattr(world, unit_attr).pk} if unit_attr else None
    url = reverse(name, kwargs=kwargs)
    small = _count(client, url)
    _grow(world, 12)
    large = _count(client, url)
    assert small == large == expected


def test_unit_search_query_count_does_not_grow_with_results(client, world):
    client.force_login(world.alice)
    url = reverse("org:unit_tree") + "?q=cong doan"
    small = _count(client, url)
    _grow(world, 12)
    assert _count(client, url) == small


@pytest.mark.parametrize(
    "query",
    ["", "?q=van", "?gender=male&status=active", "?unit={a}", "?unit={a}&ethnicity=minority"],
)
def test_member_list_pages_cost_the_same_deep_in_the_list(client, world, settings, query):
    settings.MEMBERS_PER_PAGE = 2
    _grow(world, 12)
    client.force_login(world.alice)
    url = reverse("org:member_list") + query.format(a=world.a.pk)
    counts = []
    for _page in range(4):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        counts.append(len(ctx.captured_queries))
        page = response.context["page"]
        assert page.next_after
        url = reverse("org:member_list") + "?" + response.context["querystring"]
        url += "&after=" + page.next_after
    assert len(set(counts)) == 1, counts
