"""Issue 4 journey: a grassroots officer (`coso`) pastes the link of an article; the channel,
date, title and occasion fill in without a page reload; the post is submitted; the city's
manager (`captren`) approves it; it shows on the union's public page, opened without login, and
in the province's figures."""

import pytest
from playwright.sync_api import expect

from chuyende.demo.builder import GRASSROOTS_CODE, build_demo
from chuyende.outreach.models import OutreachPost
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = "https://ldldaklak.org.vn/2024/07/28/hoi-thi-tim-hieu-95-nam-cong-doan-viet-nam/"


def test_an_editor_pastes_a_link_a_manager_approves_and_the_public_page_shows_it(page, live_server):
    build_demo(scale=0.02)
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 800})
    login(page, base, "coso")

    page.goto(f"{base}/outreach/new/")
    expect(page.locator("#id_channel")).to_have_value("")
    page.locator("#id_link").fill("www.ldldaklak.org.vn/tin")
    expect(page.locator("[data-link-error]")).to_be_visible()
    page.locator("#id_link").fill(LINK)
    expect(page.locator("[data-filled]")).to_have_attribute(
        "data-filled", "channel title published_on occasion"
    )
    expect(page.locator("#id_channel")).to_have_value("website")
    expect(page.locator("#id_published_on")).to_have_value("28/07/2024")
    expect(page.locator("#id_title")).to_have_value("Hoi thi tim hieu 95 nam cong doan viet nam")
    expect(page.locator("#id_occasion option:checked")).to_contain_text("95")
    page.locator("#id_title").fill("Hội thi tìm hiểu 95 năm Công đoàn Việt Nam")
    page.locator("#id_views").fill("640")
    page.locator("#save-post").click()
    expect(page.locator('[data-status="submitted"]')).to_be_visible()
    post = OutreachPost.objects.get(link=LINK)
    assert (post.channel, post.views, post.unit.code) == ("website", 640, GRASSROOTS_CODE)
    assert post.occasion.name.startswith("95 năm")

    # Not public while it waits for review.
    page.context.clear_cookies()
    page.goto(f"{base}/public/{GRASSROOTS_CODE}/")
    expect(page.locator("#public-page")).not_to_contain_text("Hội thi tìm hiểu 95 năm")

    login(page, base, "captren")
    page.goto(f"{base}/outreach/?status=submitted")
    page.locator(f"#post-{post.pk} a").first.click()
    page.locator("#decision-approve").check()
    page.locator("#save-review").click()
    expect(page.locator('[data-status="approved"]')).to_be_visible()

    page.context.clear_cookies()
    # the page is cacheable for 5 minutes: a new address skips the browser's copy
    page.goto(f"{base}/public/{GRASSROOTS_CODE}/?after-review")
    link = page.locator(f'#public-page a[href="{LINK}"]')
    expect(link).to_have_text("Hội thi tìm hiểu 95 năm Công đoàn Việt Nam")
    expect(link).to_have_attribute("rel", "noopener nofollow noreferrer")

    login(page, base, "tinh")
    page.goto(f"{base}/outreach/figures/?start=01/07/2024&end=31/07/2024")
    expect(page.locator('#rollup-channels tr[data-channel="website"]')).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/outreach/")
    expect(page.locator("#embed-code")).to_be_hidden()
    page.locator("#embed-snippet summary").click()
    expect(page.locator("#embed-code")).to_contain_text("/public/DLK/")
