"""Signed-in sessions: recorded at login, listed to their owner alone, revocable (one, or all
others) with both session engines; password policy and change."""

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY, authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from chuyende.accounts import services
from chuyende.accounts.models import UserSession
from chuyende.accounts.useragent import describe
from chuyende.core.models import AuditEvent

from .helpers import (
    CHROME_WINDOWS,
    FIREFOX_LINUX,
    SAFARI_IPHONE,
    START,
    browser,
    password_step,
)

pytestmark = pytest.mark.django_db

ENGINES = ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"]


@pytest.fixture(params=ENGINES, ids=["db", "cached_db"])
def engine(request, settings):
    settings.SESSION_ENGINE = request.param
    return request.param


def _signed_in(client):
    return SESSION_KEY in client.session


def test_login_records_the_session_and_the_list_marks_this_one(world):
    laptop, phone = browser(CHROME_WINDOWS), browser(SAFARI_IPHONE)
    password_step(laptop, "carol")
    password_step(phone, "carol")
    rows = UserSession.objects.filter(user=world.carol)
    assert rows.count() == 2
    row = rows.get(session_key=laptop.session.session_key)
    assert row.user_agent == CHROME_WINDOWS and row.ip_address == "127.0.0.1"
    page = laptop.get(reverse("accounts:session_list"))
    body = page.content.decode()
    assert "Chrome 126 · Windows" in body and "Safari 17 · iOS" in body
    assert f'id="session-{row.pk}" data-current="1"' in body
    other = rows.get(session_key=phone.session.session_key)
    assert f'id="session-{other.pk}" data-current="0"' in body
    assert f'data-revoke="{other.pk}"' in body and f'data-revoke="{row.pk}"' not in body


def test_revoking_a_session_logs_it_out_on_its_next_request(world, engine):
    laptop, phone = browser(CHROME_WINDOWS), browser(SAFARI_IPHONE)
    password_step(laptop, "carol")
    password_step(phone, "carol")
    assert phone.get("/").status_code == 200
    row = UserSession.objects.get(session_key=phone.session.session_key)
    response = laptop.post(reverse("accounts:session_revoke", kwargs={"pk": row.pk}))
    assert response["Location"] == reverse("accounts:session_list")
    assert not UserSession.objects.filter(pk=row.pk).exists()
    assert phone.get("/")["Location"].startswith(reverse("login"))
    assert not _signed_in(phone)
    assert laptop.get("/").status_code == 200
    event = AuditEvent.objects.get(changes__event="session_revoked")
    assert event.actor == world.carol and event.object_id == str(row.pk)


def test_ending_all_other_sessions(world, engine):
    clients = [browser(ua) for ua in (CHROME_WINDOWS, SAFARI_IPHONE, FIREFOX_LINUX)]
    for c in clients:
        password_step(c, "carol")
    password_step(browser(CHROME_WINDOWS), "erin")  # someone else's, untouched
    keep, *others = clients
    response = keep.post(reverse("accounts:session_revoke_others"))
    assert response.status_code == 302
    for c in others:
        assert c.get("/")["Location"].startswith(reverse("login"))
    assert keep.get("/").status_code == 200
    assert list(
        UserSession.objects.filter(user=world.carol).values_list("session_key", flat=True)
    ) == [keep.session.session_key]
    assert UserSession.objects.filter(user=world.erin).count() == 1
    event = AuditEvent.objects.get(changes__event="sessions_revoked")
    assert event.changes["count"] == 2 and event.actor == world.carol


def test_the_session_in_use_is_not_revoked_there(client, world):
    password_step(client, "carol")
    row = UserSession.objects.get(session_key=client.session.session_key)
    response = client.post(reverse("accounts:session_revoke", kwargs={"pk": row.pk}), follow=True)
    assert response.status_code == 200
    assert UserSession.objects.filter(pk=row.pk).exists()
    assert _signed_in(client)


def test_no_one_sees_or_ends_another_users_sessions(world):
    mallory, bob = browser(SAFARI_IPHONE), browser(CHROME_WINDOWS)
    password_step(mallory, "mallory")
    password_step(bob, "bob")
    row = UserSession.objects.get(user=world.mallory)
    response = bob.post(reverse("accounts:session_revoke", kwargs={"pk": row.pk}))
    assert response.status_code == 404
    assert UserSession.objects.filter(pk=row.pk).exists()
    assert mallory.get("/").status_code == 200
    body = bob.get(reverse("accounts:session_list")).content.decode()
    assert f"session-{row.pk}" not in body and "iOS" not in body
    # A superuser neither.
    admin = browser(FIREFOX_LINUX)
    password_step(admin, "admin")
    assert admin.post(reverse("accounts:session_revoke", kwargs={"pk": row.pk})).status_code == 404


def test_no_login_goes_to_the_login_page(client, world):
    for name in ("accounts:session_list", "accounts:security", "accounts:password_change"):
        response = client.get(reverse(name))
        assert response["Location"].startswith(reverse("login")), name


def test_logging_out_forgets_the_session(client, world):
    password_step(client, "carol")
    assert UserSession.objects.filter(user=world.carol).count() == 1
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(user=world.carol).exists()


def test_expired_sessions_are_not_listed(world):
    with time_machine.travel(START, tick=False) as clock:
        old = browser(CHROME_WINDOWS)
        password_step(old, "carol")
        clock.shift(world_session_age() + 60)
        new = browser(SAFARI_IPHONE)
        password_step(new, "carol")
        body = new.get(reverse("accounts:session_list")).content.decode()
    assert "Windows" not in body and "iOS" in body
    # and the login pruned the dead record
    assert UserSession.objects.filter(user=world.carol).count() == 1


def world_session_age():
    from django.conf import settings

    return settings.SESSION_COOKIE_AGE


def test_last_seen_is_written_every_few_minutes(client, world, django_assert_num_queries):
    with time_machine.travel(START, tick=False) as clock:
        password_step(client, "carol")
        row = UserSession.objects.get(user=world.carol)
        client.get(reverse("accounts:security"))
        row.refresh_from_db()
        assert row.last_seen == START
        clock.shift(services.SEEN_EVERY + 5)
        client.get(reverse("accounts:security"))
        row.refresh_from_db()
        assert (row.last_seen - START).total_seconds() == services.SEEN_EVERY + 5


def test_a_session_opened_before_the_record_is_recorded_when_seen(client, world):
    client.force_login(world.carol)
    UserSession.objects.all().delete()
    session = client.session
    session[services.SEEN_KEY] = 0
    session.save()
    assert client.get("/").status_code == 200
    assert UserSession.objects.filter(session_key=client.session.session_key).exists()


def test_user_agent_summaries():
    assert describe(CHROME_WINDOWS) == "Chrome 126 · Windows"
    assert describe(SAFARI_IPHONE) == "Safari 17 · iOS"
    assert describe(FIREFOX_LINUX) == "Firefox 127 · Linux"
    edge = CHROME_WINDOWS + " Edg/126.0.2592.87"
    assert describe(edge) == "Edge 126 · Windows"
    android = (
        "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36"
    )
    assert describe(android) == "Samsung Internet 25 · Android"
    assert describe("") == describe("curl/8.5") != ""


# Password -------------------------------------------------------------------------------------


def test_passwords_need_ten_characters(world):
    with pytest.raises(ValidationError):
        validate_password("k7#Qz!p2w")  # 9
    validate_password("k7#Qz!p2wX")  # 10


def test_changing_the_password_ends_the_other_sessions(world, engine):
    laptop, phone = browser(CHROME_WINDOWS), browser(SAFARI_IPHONE)
    password_step(laptop, "carol")
    password_step(phone, "carol")
    url = reverse("accounts:password_change")
    short = laptop.post(
        url, {"old_password": "pw", "new_password1": "Ng4#yt!q", "new_password2": "Ng4#yt!q"}
    )
    assert short.status_code == 200 and short.context["form"].errors["new_password2"]
    new = "Ngày-mới-2024!"
    response = laptop.post(url, {"old_password": "pw", "new_password1": new, "new_password2": new})
    assert response["Location"] == reverse("accounts:security")
    assert laptop.get("/").status_code == 200
    assert phone.get("/")["Location"].startswith(reverse("login"))
    assert list(
        UserSession.objects.filter(user=world.carol).values_list("session_key", flat=True)
    ) == [laptop.session.session_key]
    assert authenticate(username="carol", password=new) == world.carol
    event = AuditEvent.objects.get(changes__event="password_changed")
    assert event.changes["sessions_ended"] == 1


def test_the_demo_accounts_keep_their_short_password(db):
    """The demo builder sets `demo` without the validators (the policy is for people)."""
    from chuyende.demo.builder import PASSWORD, ensure_accounts

    ensure_accounts()
    with pytest.raises(ValidationError):
        validate_password(PASSWORD)
    assert authenticate(username="tinh", password=PASSWORD) is not None
