"""Officers and access journey, on a 360-px phone: a provincial manager (two-factor sign-in
required: password, then the authenticator's code) opens a grassroots union's officers page,
creates an account for a new officer with the editor role and reads the temporary password; the
new officer signs in with it, is made to choose their own password, then sees the union."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from chuyende.accounts.models import AccountStatus
from chuyende.org.models import RoleAssignment
from conftest import make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Mật-khẩu-2024"
NEW_PASSWORD = "Công-đoàn-Lê-Lợi-2024"
KEY = "3132333435363738393031323334353637383930"
OVERFLOW = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


def _sign_in(page, base, username, password):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("#id_password").press("Enter")


@pytest.fixture
def tree(transactional_db, django_user_model, settings):
    settings.TWO_FACTOR_REQUIRED = True
    root = make_unit(None, "TLD", "Tổng Liên đoàn Lao động Việt Nam", "confederation")
    province = make_unit(
        root, "DLK", "Liên đoàn Lao động tỉnh Đắk Lắk", "province", short_name="LĐLĐ tỉnh Đắk Lắk"
    )
    city = make_unit(
        province,
        "DLK-BMT",
        "Liên đoàn Lao động thành phố Buôn Ma Thuột",
        "upper",
        sub_kind="district",
    )
    school = make_unit(city, "BMT-001", "Công đoàn Trường THCS Lê Lợi", "grassroots")
    manager = django_user_model.objects.create_user(
        "hoa", password=PASSWORD, first_name="Lê Thị", last_name="Hoa"
    )
    RoleAssignment.objects.create(user=manager, unit=province, role="manager")
    TOTPDevice.objects.create(user=manager, name="authenticator", key=KEY, confirmed=True)
    return {"school": school, "manager": manager}


def test_a_province_manager_gives_a_new_officer_an_account(page, live_server, tree):
    base = live_server.url
    school = tree["school"]
    page.set_viewport_size({"width": 360, "height": 740})

    # The manager signs in: password, then the authenticator's code.
    _sign_in(page, base, "hoa", PASSWORD)
    expect(page).to_have_url(f"{base}/accounts/login/code/")
    page.locator("#id_code").fill(f"{totp(bytes.fromhex(KEY)):06d}")
    page.locator("#id_code").press("Enter")
    expect(page).to_have_url(f"{base}/")

    # The union's page leads to its officers, then to the form of a new officer.
    page.goto(f"{base}/units/{school.pk}/")
    page.locator("#unit-officers").click()
    expect(page).to_have_url(f"{base}/units/{school.pk}/officers/")
    expect(page.locator("#officer-count")).to_have_attribute("data-count", "0")
    assert not page.evaluate(OVERFLOW)
    page.locator("#nav-officer-add").click()
    page.locator("#id_new-username").fill("lan.nguyen")
    page.locator("#id_new-full_name").fill("Nguyễn Thị Lan")
    page.locator("#id_new-email").fill("lan@example.vn")
    expect(page.locator("#id_new-unit")).to_have_value(str(school.pk))
    page.locator("#id_new-role").select_option("editor")
    assert not page.evaluate(OVERFLOW)
    page.locator("#officer-new-submit").click()

    # The temporary password is shown once.
    expect(page.locator("#officer-username")).to_have_text("lan.nguyen")
    temporary = page.locator("#temporary-password").inner_text().strip()
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", temporary)
    page.locator("#password-handed-over").click()
    expect(page.locator("#officer-account")).to_have_attribute("data-must-change", "1")
    expect(page.locator("#officer-roles li[data-role='editor']")).to_have_count(1)
    page.locator("#nav-officers").click()
    expect(page.locator("#officer-list tr[data-username='lan.nguyen']")).to_have_count(1)

    # The new officer signs in with it and must first choose a password of their own.
    _sign_in(page, base, "lan.nguyen", temporary)
    expect(page).to_have_url(f"{base}/accounts/security/password/")
    page.goto(f"{base}/units/{school.pk}/")
    expect(page).to_have_url(f"{base}/accounts/security/password/")
    page.locator("#id_old_password").fill(temporary)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.locator("#password-change-submit").click()
    expect(page).to_have_url(f"{base}/accounts/security/")
    assert not AccountStatus.objects.get(user__username="lan.nguyen").must_change_password

    # Then the union is theirs to see; its officers page is not (an editor does not manage).
    page.goto(f"{base}/units/{school.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(school.name)
    expect(page.locator("#unit-officers")).to_have_count(0)

    # The temporary password opens nothing any more.
    _sign_in(page, base, "lan.nguyen", temporary)
    expect(page).to_have_url(f"{base}/accounts/login/")
