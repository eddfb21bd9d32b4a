"""Shared steps of the accounts tests: codes from django-otp's own TOTP function (no pyotp)."""

import datetime

from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from chuyende.accounts import services

START = datetime.datetime(2024, 6, 3, 8, 0, 0, tzinfo=datetime.UTC)


def code_for_key(hex_key: str) -> str:
    return f"{totp(bytes.fromhex(hex_key)):06d}"


def code_for(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return code_for_key(device.key)


def enrol(client, user) -> list[str]:
    """Set up the authenticator through the pages (client signed in as `user`); the codes."""
    client.get(reverse("accounts:totp_enrol"))
    key = client.session[services.ENROL_KEY]
    response = client.post(reverse("accounts:totp_enrol"), {"code": code_for_key(key)})
    assert response.status_code == 200, response.content[:500]
    return response.context["codes"]


def password_step(client, username, password="pw", **extra):
    return client.post(reverse("login"), {"username": username, "password": password, **extra})


def sign_in(client, username, code, password="pw"):
    """Both steps; the response of the code step."""
    response = password_step(client, username, password)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login_code")
    return client.post(reverse("accounts:login_code"), {"code": code})


def browser(user_agent: str) -> Client:
    return Client(HTTP_USER_AGENT=user_agent)


CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0"
