"""Issue 4 journey, on a phone (360×740): `coso` creates a session for task II.1 with the whole
school as the expected audience; `doanvien` checks in by the QR link in a second browser; the
officer ticks five more names; the session shows 6 participants, 6/46 = 13,0 %; opening the
check-in link again counts once."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from chuyende.demo.builder import GRASSROOTS_CODE, GRASSROOTS_SIZE, MEMBER_NAME, build_demo
from chuyende.org.models import Unit
from chuyende.plans.models import Task
from chuyende.study.models import Attendance, StudySession
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def test_officer_creates_a_session_members_check_in_and_the_rate_follows(
    page, live_server, browser
):
    build_demo(scale=0.02, plan=True)
    school = Unit.objects.get(code=GRASSROOTS_CODE)
    task = Task.objects.get(ref="II.1", plan__unit__code="DLK")
    base = live_server.url
    page.set_viewport_size(PHONE)

    # The officer creates a session for II.1 (handed to the city, above the school).
    login(page, base, "coso")
    page.goto(f"{base}/study/")
    page.locator("#new-session").click()
    expect(page.locator("#id_unit")).to_have_value(str(school.pk))
    page.locator("#id_task").select_option(str(task.pk))
    expect(page.locator("#id_audiences")).to_have_value("\n".join(task.audiences))  # htmx fill
    page.locator("#id_title").fill("Hội nghị quán triệt Chuyên đề năm 2024")
    page.locator("#id_date").fill(timezone.localdate().strftime("%d/%m/%Y"))
    page.locator("#id_start_time").fill("07:30")
    page.locator("#id_place").fill("Phòng họp Hội đồng sư phạm")
    page.locator('input[name="expected_mode"][value="members"]').check()
    expect(page.locator(f'input[name="expected_units"][value="{school.pk}"]')).to_be_checked()
    page.locator("#save-session").click()
    session = StudySession.objects.get(title="Hội nghị quán triệt Chuyên đề năm 2024")
    expect(page).to_have_url(f"{base}/study/{session.pk}/")
    assert session.task == task and session.expected_count == GRASSROOTS_SIZE == 46
    expect(page.locator("#checkin-code")).to_have_text(session.code)
    expect(page.locator(".qr svg, svg.qr-code")).to_be_visible()
    checkin_url = page.locator("#checkin-url").get_attribute("href")
    assert checkin_url.endswith(f"/study/c/{session.code}/")

    # The member opens the link on her own phone, logged in, and checks in with one tap.
    member_context = browser.new_context(viewport=PHONE)
    phone = member_context.new_page()
    login(phone, base, "doanvien")
    phone.goto(checkin_url)
    phone.locator("#checkin-me").click()
    expect(phone.locator('#checkin-result[data-result="checked_in"]')).to_be_visible()
    expect(phone.locator("#checkin-result")).to_contain_text(MEMBER_NAME)

    # The officer ticks five more names: one found with the filter (no accents), four more.
    page.locator("#register-link").click()
    expect(page.locator("#ticked-count")).to_have_attribute("data-count", "1")
    unticked = page.locator('#register-rows input[name="member"]:not(:checked)')
    first_name = unticked.first.locator("xpath=..").locator("label").inner_text().split("·")[0]
    page.locator("#register-filter").fill(first_name.strip().split()[-1].lower())
    shown = page.locator("#register-rows li:not([hidden])")
    expect(shown.first).to_be_visible()
    target = page.locator('#register-rows li:not([hidden]) input[name="member"]:not(:checked)')
    target.first.check()
    page.locator("#register-filter").fill("")
    for _ in range(4):
        page.locator('#register-rows input[name="member"]:not(:checked)').first.check()
    expect(page.locator("#ticked-count")).to_have_attribute("data-count", "6")
    page.locator("#save-register").click()

    expect(page).to_have_url(f"{base}/study/{session.pk}/")
    expect(page.locator('[data-figure="participants"]')).to_have_text("6")
    expect(page.locator('[data-figure="rate"]')).to_have_text("13,0 %")
    assert Attendance.objects.filter(session=session).count() == 6

    # Opening the check-in link again says "already" and counts once.
    phone.goto(checkin_url)
    expect(phone.locator('#checkin-result[data-result="already"]')).to_be_visible()
    expect(phone.locator("#checkin-me")).to_have_count(0)
    page.reload()
    expect(page.locator('[data-figure="participants"]')).to_have_text("6")
    assert Attendance.objects.filter(session=session).count() == 6
    member_context.close()
