"""Issue 2 journey: `captren` logs in, opens the tree, finds a member without accents, and sees
only the subtree of LĐLĐ TP. Buôn Ma Thuột."""

import re

import pytest
from playwright.sync_api import expect

from chuyende.demo.builder import build_demo
from chuyende.org.models import Member, Unit
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    build_demo(scale=0.02)
    return {"city": Unit.objects.get(code="DLK-BMT")}


def test_upper_level_officer_finds_a_member_and_sees_only_their_subtree(page, live_server, demo):
    base = live_server.url
    city = demo["city"]
    outside = (
        Member.objects.exclude(unit__path__startswith=city.path)
        .filter(unit__path__startswith=city.path[:8])
        .order_by("id")
        .first()
    )
    login(page, base, "captren")
    page.set_viewport_size({"width": 360, "height": 740})

    # The tree starts at the user's own upper-level union and expands without a page reload.
    page.goto(f"{base}/units/")
    tree = page.locator("#unit-tree-body")
    expect(tree.get_by_role("link", name=city.name)).to_be_visible()
    expect(tree).not_to_contain_text("Ea Kar")
    page.get_by_role("button", name=re.compile(city.name)).click()
    first_child = (
        Unit.objects.filter(path__startswith=city.path, depth=city.depth + 1)
        .order_by("sort_key")
        .first()
    )
    expect(page.locator(f"#children-{city.pk}")).to_contain_text(first_child.name)

    # An unaccented search finds the union by name, then the member list finds a person.
    page.get_by_label(re.compile("Tìm đơn vị|Find a unit")).fill("phan chu trinh")
    expect(tree).to_contain_text("Công đoàn Trường THCS Phan Chu Trinh")

    page.goto(f"{base}/members/")
    page.get_by_label(re.compile("Họ tên|Name or card")).fill("nguyen thi hong nhung")
    results = page.locator("#member-results")
    expect(results.get_by_role("link", name="Nguyễn Thị Hồng Nhung")).to_be_visible()
    results.get_by_role("link", name="Nguyễn Thị Hồng Nhung").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nguyễn Thị Hồng Nhung")
    expect(page.locator("#personal")).to_contain_text("••")

    # Only the city's members are counted and listed; someone from another district is not found.
    page.goto(f"{base}/members/")
    in_scope = Member.objects.filter(unit__path__startswith=city.path).count()
    expect(page.locator("#member-results")).to_contain_text(f"{in_scope:,}".replace(",", "."))
    page.goto(f"{base}/members/?q={outside.search_name.replace(' ', '+')}")
    expect(page.locator("#member-results")).not_to_contain_text(outside.full_name)
    response = page.goto(f"{base}/members/{outside.pk}/")
    assert response.status == 404
