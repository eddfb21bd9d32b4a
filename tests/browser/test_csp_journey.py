"""Issue 11 (security), in Chromium: the main pages of each demo role and the public contest
pages load under the Content-Security-Policy with no violation reported (the
`securitypolicyviolation` events and the console) and no script error, and the behaviours that
moved from inline scripts into static/js still work: the unit tree's expand buttons, the
nomination form's member/collective switch, the attendance register's filter and "tick all
shown", the pledge import's unit choice, a delete confirmation, the dashboard charts, htmx search,
and the contest attempt's answers kept on the device and saved to the server.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from chuyende.contests.models import Attempt, Contest, Round
from chuyende.demo.builder import GRASSROOTS_CODE, MEMBER_NAME, PROVINCE_CODE, build_demo
from chuyende.materials.models import Material
from chuyende.org.models import Unit
from chuyende.plans.models import Plan
from chuyende.study.models import StudySession
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = window.__csp || [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " +
    (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


class Watch:
    """Collects CSP violations (DOM events and console lines) and script errors of a page."""

    def __init__(self, page):
        self.page = page
        self.console = []
        self.errors = []
        page.add_init_script(WATCH)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message):
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.console.append(text)

    def visit(self, url):
        response = self.page.goto(url)
        assert response.status == 200, (url, response.status)
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, (url, policy)
        self.page.wait_for_load_state("load")
        self.clean(url)

    def clean(self, where):
        self.page.wait_for_timeout(50)  # let the deferred scripts and their events run
        violations = self.page.evaluate("window.__csp || []")
        assert not violations, (where, violations)
        assert not self.console, (where, self.console)
        assert not self.errors, (where, self.errors)


def _open_round(contest):
    now = timezone.now()
    return Round.objects.create(
        contest=contest,
        number=7,
        opens_at=now - datetime.timedelta(minutes=5),
        closes_at=now + datetime.timedelta(days=1),
        attempts_allowed=2,
        questions_per_attempt=3,
        time_limit_minutes=20,
    )


def test_the_policy_blocks_inline_script_and_the_watch_sees_it(page, live_server, world):
    """The watch below is no test that cannot fail: an injected inline script is refused and
    reported."""
    watch = Watch(page)
    page.goto(f"{live_server.url}{reverse('login')}")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(100)
    assert page.evaluate("window.__ran === undefined")
    violations = page.evaluate("window.__csp")
    assert violations and violations[0].startswith("script-src"), violations
    assert watch.errors == []


def test_the_main_pages_of_every_role_run_under_the_policy(page, live_server):
    build_demo(scale=0.02, plan=True)
    base = live_server.url
    watch = Watch(page)
    province = Unit.objects.get(code=PROVINCE_CODE)
    school = Unit.objects.get(code=GRASSROOTS_CODE)
    plan = Plan.objects.filter(unit=province).order_by("pk").first()
    session = StudySession.objects.filter(unit=school).order_by("pk").first()
    page.set_viewport_size({"width": 1280, "height": 900})

    # The province officer: the pages of every module.
    login(page, base, "tinh")
    watch.clean("login")
    for name in (
        "core:home",
        "org:unit_tree",
        "org:member_list",
        "plans:plan_list",
        "study:session_list",
        "outreach:post_list",
        "outreach:calendar",
        "materials:material_list",
        "reports:report_list",
        "reports:dashboard",
        "notifications:notification_list",
        "core:audit_list",
        "transfer:import_list",
        "pledges:pledge_list",
        "pledges:template_list",
        "contests:contest_list",
        "honors:nomination_list",
        "inspections:plan_list",
    ):
        watch.visit(f"{base}{reverse(name)}")
    watch.visit(f"{base}{reverse('plans:plan_board', args=[plan.pk])}")

    # The plan board's bars: their widths come from classes, not style attributes.
    bars = page.evaluate(
        """() => Array.from(document.querySelectorAll('.progress-stacked > .progress')).map(
             el => [el.className.match(/w-pct-(\\d+)/)[1] * 1, el.getBoundingClientRect().width,
                    el.parentElement.getBoundingClientRect().width])"""
    )
    assert bars, "the board shows its progress bars"
    assert any(share > 0 for share, _, _ in bars)
    for share, width, whole in bars:
        assert abs(width - whole * share / 100) < 2, (share, width, whole)

    # The unit tree: "show units under" loads the children once (app.js, no hx-on).
    watch.visit(f"{base}{reverse('org:unit_tree')}")
    toggle = page.locator("button.tree-toggle[data-expand-once]").first
    children = page.locator(f"#{toggle.get_attribute('aria-controls')}")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(toggle).to_be_disabled()
    expect(children.locator("li").first).to_be_visible()
    watch.clean("unit tree expanded")

    # htmx search still runs (no eval): the member list filters as one types.
    watch.visit(f"{base}{reverse('org:member_list')}")
    page.locator("#id_q").fill("hong nhung")
    expect(page).to_have_url(re.compile(r"q=hong"))
    expect(page.locator("#member-results")).to_contain_text(MEMBER_NAME)
    watch.clean("member search")

    # The dashboard draws its charts; the children chart is as tall as its data asks.
    watch.visit(f"{base}{reverse('reports:dashboard')}")
    assert page.evaluate(
        "!!window.Chart && !!Chart.getChart(document.getElementById('chart-trend'))"
    )
    box = page.locator("#chart-children").locator("xpath=..")
    wanted = int(box.get_attribute("data-height"))
    assert abs(box.bounding_box()["height"] - wanted) < 2
    watch.clean("dashboard charts")

    # The pledge import page: choosing a union reloads the page for it (data-autosubmit).
    watch.visit(f"{base}{reverse('pledges:import_upload')}")
    options = page.locator("#id_unit option")
    assert options.count() > 1
    other = options.nth(1).get_attribute("value")
    page.locator("#id_unit").select_option(other)
    expect(page).to_have_url(re.compile(rf"unit={other}"))
    expect(page.locator("#id_unit")).to_have_value(other)
    watch.clean("pledge import unit choice")

    # A delete asks first (data-confirm): dismissed, nothing is removed.
    material = Material.objects.filter(unit=province, published=True).first()
    assert material is not None
    watch.visit(f"{base}{reverse('materials:material_detail', args=[material.pk])}")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.locator("#material-delete").click()
    page.wait_for_timeout(200)
    assert asked, "the delete asks for confirmation"
    expect(page).to_have_url(f"{base}{reverse('materials:material_detail', args=[material.pk])}")
    material.refresh_from_db()
    assert material.published
    watch.clean("delete confirmation")

    # The grassroots officer: the attendance register and a new nomination.
    login(page, base, "coso")
    watch.visit(f"{base}{reverse('study:session_register', args=[session.pk])}")
    rows = page.locator("#register-rows li[data-search]")
    total = rows.count()
    assert total > 2
    expect(page.locator("#shown-count")).to_have_text(str(total))
    page.locator("#register-filter").fill("hong nhung")  # accents and case ignored
    expect(page.locator("#shown-count")).to_have_text("1")
    page.locator("#untick-shown").click()
    page.locator("#tick-shown").click()
    expect(page.locator("#ticked-count")).to_have_attribute("data-count", re.compile(r"^[1-9]\d*$"))
    expect(rows.filter(has_text=MEMBER_NAME).locator('input[name="member"]')).to_be_checked()
    page.locator("#register-filter").fill("")
    expect(page.locator("#shown-count")).to_have_text(str(total))
    watch.clean("attendance register")

    watch.visit(f"{base}{reverse('honors:nomination_create')}")
    person = page.locator('#nomination-form fieldset[data-kind="person"]')
    collective = page.locator('#nomination-form fieldset[data-kind="collective"]')
    page.locator('input[name="kind"][value="collective"]').check()
    expect(person).to_be_hidden()
    expect(collective).to_be_visible()
    page.locator('input[name="kind"][value="person"]').check()
    expect(person).to_be_visible()
    expect(collective).to_be_hidden()
    page.locator("#member-search").fill("hong nhung")  # htmx swaps the results in
    expect(page.locator("#member-results")).to_contain_text(MEMBER_NAME)
    expect(collective).to_be_hidden()
    watch.clean("nomination form")
    for name in ("core:home", "study:session_list", "pledges:pledge_list", "outreach:post_list"):
        watch.visit(f"{base}{reverse(name)}")

    # The member and the read-only viewer.
    login(page, base, "doanvien")
    for name in ("core:home", "pledges:my_pledge", "org:member_list"):
        watch.visit(f"{base}{reverse(name)}")
    login(page, base, "xem")
    for name in ("core:home", "reports:dashboard", "org:unit_tree"):
        watch.visit(f"{base}{reverse(name)}")

    # The system administrator, in Django's admin too.
    login(page, base, "admin")
    for url in ("/admin/", "/admin/org/unit/", "/admin/auth/user/"):
        watch.visit(f"{base}{url}")


def test_a_contest_attempt_keeps_its_answers_under_the_policy(page, live_server):
    build_demo(scale=0.02, plan=True)
    contest = Contest.objects.get()
    round_ = _open_round(contest)
    school = Unit.objects.get(code=GRASSROOTS_CODE)
    base = live_server.url
    watch = Watch(page)
    page.set_viewport_size({"width": 360, "height": 740})

    watch.visit(f"{base}{reverse('contests:public_list')}")
    watch.visit(f"{base}{reverse('contests:public_contest', args=[contest.pk])}")
    page.locator("#register-link").click()
    page.locator("#id_full_name").fill("H'Luyến Niê")
    page.locator("#id_phone").fill("0905123999")
    page.locator("#id_unit_search").fill("phan chu trinh")
    expect(page.locator(f'#id_unit option[value="{school.pk}"]')).to_have_count(1)
    page.locator("#id_unit").select_option(str(school.pk))
    label = page.locator('label[for="id_challenge"]').inner_text()
    a, b = map(int, re.search(r"(\d+)\s*\+\s*(\d+)", label).groups())
    page.locator("#id_challenge").fill(str(a + b))
    page.locator("#register").click()
    expect(page.locator("#participant")).to_be_visible()
    watch.clean("registered")

    page.locator(f"#start-{round_.number}").click()
    expect(page.locator("#attempt-form")).to_be_visible()
    watch.clean("attempt page")
    token = page.locator("#attempt-form").get_attribute("data-token")
    key = f"contest-attempt-{token}"
    state = page.locator("#save-state")
    expect(page.locator("#time-left")).to_have_text(re.compile(r"^\d+:\d\d$"))  # the countdown

    fieldsets = page.locator("#attempt-form fieldset")
    choice = fieldsets.nth(0).locator("input").first
    choice.check()
    expect(state).to_have_text(state.get_attribute("data-kept-text"))
    assert page.evaluate(f"localStorage.getItem('{key}')") is not None
    expect(state).to_have_attribute("data-saved", "server", timeout=10_000)  # autosave, 2 s
    expect(state).to_have_text(state.get_attribute("data-saved-text"))
    attempt = Attempt.objects.get(token=token)
    assert attempt.answers, "the server copy of the answers"

    page.locator("#prediction").fill("1234")
    page.reload()
    expect(page.locator(f"#{choice.get_attribute('id')}")).to_be_checked()
    expect(page.locator("#prediction")).to_have_value("1234")
    watch.clean("attempt reloaded")

    for index in range(1, fieldsets.count()):
        fieldsets.nth(index).locator("input").first.check()
    page.locator("#submit-attempt").click()
    expect(page.locator("#score")).to_be_visible()
    page.wait_for_load_state("load")
    assert page.evaluate(f"localStorage.getItem('{key}')") is None  # the result page forgot it
    watch.clean("result page")
    watch.visit(f"{base}{reverse('contests:leaderboard', args=[contest.pk, round_.pk])}")
