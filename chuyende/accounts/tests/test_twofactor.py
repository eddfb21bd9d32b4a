"""Two-factor sign-in: who must use it, enrolment, the two-step login, throttling, recovery
codes, turning it off."""

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from chuyende.accounts import selectors, services
from chuyende.accounts.models import RecoveryCode, RecoveryCodeDevice, UserSession, normalize_code
from chuyende.core.models import AuditEvent
from chuyende.org.models import RoleAssignment
from conftest import make_unit

from .helpers import START, code_for, code_for_key, enrol, password_step, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def _events(name):
    return AuditEvent.objects.filter(changes__event=name)


# Who must use it ------------------------------------------------------------------------------


def test_the_rule_admins_and_managers_at_upper_level_and_above(world, required, django_user_model):
    must = {
        u.username: selectors.two_factor_required(u)
        for u in (
            world.admin,
            world.alice,
            world.bob,
            world.mallory,
            world.carol,
            world.dave,
            world.erin,
            world.nobody,
        )
    }
    assert must == {
        "admin": True,  # superuser
        "alice": True,  # manager of the province
        "bob": True,  # manager of an upper-level union
        "mallory": True,
        "carol": False,  # editor of a grassroots union
        "dave": False,  # member
        "erin": False,  # viewer of the province
        "nobody": False,
    }
    staff = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    grassroots_manager = django_user_model.objects.create_user("gm", password="pw")
    RoleAssignment.objects.create(user=grassroots_manager, unit=world.a1, role="manager")
    grassroots_admin = django_user_model.objects.create_user("ga", password="pw")
    RoleAssignment.objects.create(user=grassroots_admin, unit=world.a1, role="admin")
    department = make_unit(world.province, "DLK-TOCHUC", "Ban Tổ chức", "department")
    department_manager = django_user_model.objects.create_user("dm", password="pw")
    RoleAssignment.objects.create(user=department_manager, unit=department, role="manager")
    assert selectors.two_factor_required(staff)
    assert not selectors.two_factor_required(grassroots_manager)
    assert selectors.two_factor_required(grassroots_admin)
    assert selectors.two_factor_required(department_manager)
    world.b.active = False
    world.b.save()
    assert not selectors.two_factor_required(world.mallory)  # a role on a closed unit


def test_nobody_must_when_the_setting_is_off(world, settings):
    settings.TWO_FACTOR_REQUIRED = False
    assert not selectors.two_factor_required(world.admin)
    assert not selectors.two_factor_required(world.alice)


def test_the_status_is_one_query(world, required, django_assert_num_queries):
    with django_assert_num_queries(1):
        status = selectors.two_factor_status(world.bob)
    assert status.required and not status.has_device


# Enrolment ------------------------------------------------------------------------------------


def test_enrolment_shows_a_qr_code_and_the_secret_then_confirms_with_a_code(client, world, clock):
    client.force_login(world.carol)
    page = client.get(reverse("accounts:totp_enrol"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in body and 'class="qr-code"' in body
    key = client.session[services.ENROL_KEY]
    url, secret = services.totp_setup(world.carol, key)
    assert secret in body and url.startswith("otpauth://totp/")
    assert client.get(reverse("accounts:totp_enrol")).context["secret"] == secret  # same key

    wrong = f"{(int(code_for_key(key)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:totp_enrol"), {"code": wrong})
    assert response.status_code == 200 and response.context["form"].errors["code"]
    assert not TOTPDevice.objects.filter(user=world.carol).exists()

    response = client.post(reverse("accounts:totp_enrol"), {"code": code_for_key(key)})
    codes = response.context["codes"]
    assert len(codes) == services.RECOVERY_CODE_COUNT == len(set(codes))
    device = TOTPDevice.objects.get(user=world.carol)
    assert device.confirmed and device.key == key
    stored = list(
        RecoveryCode.objects.filter(device__user=world.carol).values_list("digest", flat=True)
    )
    assert len(stored) == 10
    assert not {normalize_code(c) for c in codes} & set(stored)  # hashed, never in clear
    assert all(code in response.content.decode() for code in codes)
    assert _events("two_factor_enabled").filter(actor=world.carol).count() == 1
    assert services.ENROL_KEY not in client.session
    assert client.session[services.VERIFIED_KEY] is True
    assert client.get(reverse("core:home")).status_code == 200  # stays signed in
    # A second visit does not offer a new secret.
    assert client.get(reverse("accounts:totp_enrol"))["Location"] == reverse("accounts:security")


# The two-step login ---------------------------------------------------------------------------


def test_login_asks_the_code_before_signing_in(client, world, clock):
    enrol_client = type(client)()
    enrol_client.force_login(world.carol)
    enrol(enrol_client, world.carol)
    clock.shift(60)

    response = password_step(client, "carol", next="/members/")
    assert response["Location"] == reverse("accounts:login_code")
    assert SESSION_KEY not in client.session  # not signed in yet
    assert client.get(reverse("core:home"))["Location"].startswith(reverse("login"))

    page = client.get(reverse("accounts:login_code"))
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.content.decode()
    response = client.post(reverse("accounts:login_code"), {"code": code_for(world.carol)})
    assert response.status_code == 302 and response["Location"] == "/members/"
    assert int(client.session[SESSION_KEY]) == world.carol.pk
    assert client.session[services.VERIFIED_KEY] is True
    assert UserSession.objects.filter(
        user=world.carol, session_key=client.session.session_key
    ).exists()
    assert client.get(reverse("core:home")).status_code == 200


def test_a_code_is_not_accepted_twice(client, world, clock):
    enrol_client = type(client)()
    enrol_client.force_login(world.carol)
    enrol(enrol_client, world.carol)
    clock.shift(60)
    code = code_for(world.carol)
    assert sign_in(client, "carol", code).status_code == 302
    other = type(client)()
    response = sign_in(other, "carol", code)
    assert response.status_code == 200 and response.context["form"].errors["code"]
    assert SESSION_KEY not in other.session


def test_a_user_without_an_app_signs_in_with_the_password_alone(client, world):
    response = password_step(client, "carol")
    assert response["Location"] == reverse("core:home")
    assert int(client.session[SESSION_KEY]) == world.carol.pk


def test_the_code_step_expires(client, world, clock):
    enrol_client = type(client)()
    enrol_client.force_login(world.carol)
    enrol(enrol_client, world.carol)
    clock.shift(60)
    password_step(client, "carol")
    clock.shift(services.PENDING_SECONDS + 1)
    response = client.post(reverse("accounts:login_code"), {"code": code_for(world.carol)})
    assert response["Location"] == reverse("login")
    assert SESSION_KEY not in client.session
    assert client.get(reverse("accounts:login_code"))["Location"] == reverse("login")


def test_wrong_codes_lock_the_login_like_wrong_passwords(client, world, clock, settings):
    enrol_client = type(client)()
    enrol_client.force_login(world.carol)
    enrol(enrol_client, world.carol)
    clock.shift(60)
    right = code_for(world.carol)
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    password_step(client, "carol")
    statuses = []
    for _n in range(settings.LOGIN_FAILURE_LIMIT):
        clock.shift(1)
        statuses.append(client.post(reverse("accounts:login_code"), {"code": wrong}).status_code)
    assert statuses[0] == 200 and statuses[-1] in (403, 429)  # the last one reaches the lock
    assert services.PENDING_KEY not in client.session
    # The right code no longer helps, and the password step is refused too.
    assert client.post(reverse("accounts:login_code"), {"code": right}).status_code == 302
    assert SESSION_KEY not in client.session
    assert password_step(client, "carol").status_code in (403, 429)
    assert SESSION_KEY not in client.session


def test_the_app_is_throttled_after_a_wrong_code(client, world, clock):
    """django-otp's throttle: after a wrong code the next one is refused for a second."""
    enrol_client = type(client)()
    enrol_client.force_login(world.carol)
    enrol(enrol_client, world.carol)
    clock.shift(60)
    right = code_for(world.carol)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    password_step(client, "carol")
    client.post(reverse("accounts:login_code"), {"code": wrong})
    response = client.post(reverse("accounts:login_code"), {"code": right})
    assert response.status_code == 200
    assert "wait" in str(response.context["form"].errors["code"]).lower() or "chờ" in str(
        response.context["form"].errors["code"]
    )
    clock.shift(2)
    assert client.post(reverse("accounts:login_code"), {"code": right}).status_code == 302
    assert int(client.session[SESSION_KEY]) == world.carol.pk


# Recovery codes -------------------------------------------------------------------------------


def test_a_recovery_code_signs_in_once(client, world, clock):
    enrol_client = type(client)()
    enrol_client.force_login(world.carol)
    codes = enrol(enrol_client, world.carol)

    response = sign_in(client, "carol", codes[0].upper().replace("-", " "))
    assert response.status_code == 302
    assert int(client.session[SESSION_KEY]) == world.carol.pk
    event = _events("recovery_code_used").get(actor=world.carol)
    assert event.changes["codes_left"] == 9

    again = type(client)()
    response = sign_in(again, "carol", codes[0])
    assert response.status_code == 200 and response.context["form"].errors["code"]
    assert SESSION_KEY not in again.session
    assert sign_in(again, "carol", codes[1]).status_code == 302
    assert selectors.recovery_codes_left(world.carol) == 8


def test_new_recovery_codes_replace_the_old_ones(client, world, clock):
    client.force_login(world.carol)
    old = enrol(client, world.carol)
    clock.shift(60)
    response = client.post(reverse("accounts:recovery_codes_new"), {"code": old[0]})
    assert response.context["form"].errors["code"]  # an app code, not a recovery code
    clock.shift(2)
    response = client.post(reverse("accounts:recovery_codes_new"), {"code": code_for(world.carol)})
    new = response.context["codes"]
    assert not set(new) & set(old)
    assert _events("recovery_codes_renewed").filter(actor=world.carol).count() == 1
    device = RecoveryCodeDevice.objects.get(user=world.carol)
    assert not device.verify_token(old[1])
    assert device.verify_token(new[1])


# Turning it off -------------------------------------------------------------------------------


def test_turning_off_needs_the_password_and_a_code(client, world, clock):
    client.force_login(world.carol)
    enrol(client, world.carol)
    clock.shift(60)
    url = reverse("accounts:totp_disable")
    response = client.post(url, {"password": "wrong", "code": code_for(world.carol)})
    assert response.context["form"].errors["password"]
    response = client.post(url, {"password": "pw", "code": "123"})
    assert response.context["form"].errors["code"]
    assert selectors.has_totp(world.carol)
    clock.shift(60)
    response = client.post(url, {"password": "pw", "code": code_for(world.carol)})
    assert response["Location"] == reverse("accounts:security")
    assert not TOTPDevice.objects.filter(user=world.carol).exists()
    assert not RecoveryCodeDevice.objects.filter(user=world.carol).exists()
    assert _events("two_factor_disabled").filter(actor=world.carol).count() == 1
    assert password_step(type(client)(), "carol")["Location"] == reverse("core:home")


# Required for managers and admins -------------------------------------------------------------


def test_a_manager_without_an_app_is_sent_to_enrolment_first(client, world, required, clock):
    response = password_step(client, "bob")
    assert response.status_code == 302
    enrol_url = reverse("accounts:totp_enrol")
    for url in ("/", reverse("org:member_list"), reverse("accounts:session_list")):
        assert client.get(url)["Location"] == enrol_url, url
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(enrol_url).status_code == 200
    htmx = client.get(reverse("org:member_list"), HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == enrol_url
    enrol(client, world.bob)
    assert client.get("/").status_code == 200
    # Logging out stays open before enrolment.
    other = type(client)()
    password_step(other, "mallory")
    assert other.post(reverse("logout")).status_code == 302
    assert SESSION_KEY not in other.session


def test_others_are_not_held_back(client, world, required):
    password_step(client, "carol")
    assert client.get("/").status_code == 200


def test_a_session_that_skipped_the_code_is_logged_out(client, world, clock):
    """A session opened before the app was set up (or by another login path) must sign in
    again with the code."""
    phone = type(client)()
    phone.force_login(world.carol)
    client.force_login(world.carol)
    enrol(client, world.carol)
    clock.shift(services.RECHECK_EVERY + 1)
    response = phone.get("/")
    assert response["Location"].startswith(reverse("login"))
    assert SESSION_KEY not in phone.session
    assert client.get("/").status_code == 200  # the session that enrolled


def test_the_admin_site_signs_in_through_the_site_login(client, world):
    response = client.get("/admin/login/?next=/admin/org/unit/")
    assert response["Location"].startswith(reverse("login"))
    assert "next=/admin/org/unit/" in response["Location"]
