"""Issue 11 two-factor journey, on a 360-px phone: a provincial manager, who must use two-factor
sign-in, logs in with the password, is sent to the enrolment page, scans (reads) the secret,
confirms with the app's code, keeps the recovery codes, sees this session in the list, logs out
and signs in again with password + code."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from chuyende.accounts.models import UserSession
from chuyende.org.models import RoleAssignment
from conftest import make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Mật-khẩu-2024"
OVERFLOW = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


def _code(secret: str, ahead: int = 0) -> str:
    """The app's code, computed by django-otp's TOTP function from the secret shown."""
    key = b32decode(secret.replace(" ", ""))
    return f"{totp(key, drift=ahead):06d}"


def _open_menu(page):
    """Open the phone menu and wait for its slide to end (a click during it may miss)."""
    page.locator(".navbar-toggler").click()
    expect(page.locator("#nav-main")).to_have_class(re.compile(r"\bshow\b"))


def test_a_manager_sets_up_two_factor_and_signs_in_with_a_code(
    page, live_server, settings, django_user_model
):
    settings.TWO_FACTOR_REQUIRED = True
    root = make_unit(None, "TLD", "Tổng Liên đoàn Lao động Việt Nam", "confederation")
    province = make_unit(root, "DLK", "Liên đoàn Lao động tỉnh Đắk Lắk", "province")
    user = django_user_model.objects.create_user(
        "hoa", password=PASSWORD, first_name="Lê Thị", last_name="Hoa"
    )
    RoleAssignment.objects.create(user=user, unit=province, role="manager")

    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill("hoa")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")

    # Required: the enrolment page comes before anything else.
    expect(page).to_have_url(f"{base}/accounts/security/two-factor/")
    page.goto(f"{base}/members/")
    expect(page).to_have_url(f"{base}/accounts/security/two-factor/")
    expect(page.locator("#totp-qr svg")).to_be_visible()
    assert not page.evaluate(OVERFLOW)
    secret = page.locator("#totp-secret").inner_text()
    page.locator("#id_code").fill(_code(secret))
    page.locator("#totp-enrol-submit").click()

    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    assert not page.evaluate(OVERFLOW)
    page.locator("#codes-saved").click()
    expect(page.locator("#two-factor-status")).to_have_attribute("data-on", "1")

    # The user menu leads to the security page; the sessions list marks this one.
    page.goto(f"{base}/")
    _open_menu(page)
    page.locator("#nav-security").click()
    expect(page).to_have_url(f"{base}/accounts/security/")
    page.locator("#nav-sessions").click()
    expect(page.locator('#session-list li[data-current="1"]')).to_have_count(1)

    # Log out, then sign in again: password, then the next code of the app.
    page.goto(f"{base}/")
    _open_menu(page)
    page.locator("nav form[action$='/logout/'] button").click()
    expect(page).to_have_url(f"{base}/accounts/login/")
    page.locator("#id_username").fill("hoa")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page).to_have_url(f"{base}/accounts/login/code/")
    page.locator("#id_code").fill(_code(secret, ahead=1))  # the enrolment used this step's code
    page.locator("#id_code").press("Enter")
    expect(page).to_have_url(f"{base}/")
    assert UserSession.objects.filter(user=user).count() == 1
