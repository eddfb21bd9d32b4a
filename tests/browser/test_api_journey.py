"""Issue 12 (API), in Chromium: an officer creates a personal access token on a 360-px phone
(shown once), uses it, revokes it; the API documentation page runs Swagger UI from the static
files under the Content-Security-Policy (no violation, no script error) and lists the
operations; a request tried on the page runs with the session."""

import json
import urllib.request

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from chuyende.api.models import PersonalAccessToken
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = window.__csp || [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline"));
});
"""


def _api(base, token, path):
    request = urllib.request.Request(f"{base}{path}", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_an_officer_creates_uses_and_revokes_a_token_and_reads_the_docs(page, live_server, world):
    base = live_server.url
    errors, console = [], []
    page.add_init_script(WATCH)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, base, "carol", "pw")

    # Create: the token is shown once, in full, and works at once.
    page.goto(f"{base}{reverse('api:token_list')}")
    page.get_by_label("Tên").or_(page.get_by_label("Name")).first.fill("Bảng tin trường")
    page.locator("#token-form button[type=submit]").click()
    token = page.locator("#new-token").input_value()
    assert token.startswith("cdt_")
    assert not page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    status, me = _api(base, token, "/api/v1/me/")
    assert status == 200 and me["username"] == "carol"
    page.goto(f"{base}{reverse('api:token_list')}")  # the token was on that answer only
    expect(page.locator("#token-table")).to_contain_text("Bảng tin trường")
    assert token not in page.content()

    # Revoke (after the confirmation): the API refuses it.
    stored = PersonalAccessToken.objects.get(owner=world.carol)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f'[data-revoke="{stored.pk}"]').click()
    expect(page.locator(f"#token-{stored.pk}")).to_contain_text("2")  # the revoked date
    assert PersonalAccessToken.objects.get(pk=stored.pk).revoked_at is not None
    status, body = _api(base, token, "/api/v1/me/")
    assert status == 401 and body["error"]["code"] == "token_revoked"

    # The docs: Swagger UI from static files, under the policy, with every operation.
    page.set_viewport_size({"width": 1280, "height": 900})
    response = page.goto(f"{base}{reverse('api:docs')}")
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    assert page.locator(".swagger-ui .opblock").count() >= 30
    # Try a request with the session: the member list, masked.
    block = page.locator("#operations-members-members_list")
    block.locator(".opblock-summary").click()
    block.locator("button.try-out__btn").click()
    block.locator("button.execute").click()
    expect(block.locator(".responses-wrapper .live-responses-table")).to_contain_text("200")
    expect(block.locator(".responses-wrapper")).to_contain_text("Trần Thị Bình")
    assert "0987654321" not in block.locator(".responses-wrapper").inner_text()

    page.wait_for_timeout(100)
    assert page.evaluate("window.__csp || []") == []
    assert console == [] and errors == []
