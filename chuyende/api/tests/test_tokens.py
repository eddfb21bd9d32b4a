"""Personal access tokens: the page (create, shown once; list; revoke), what is stored, the
audit log, and the tokens the API refuses."""

import datetime
import hashlib
import json

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from chuyende.api import services
from chuyende.api.models import PersonalAccessToken
from chuyende.core.models import AuditEvent

from .conftest import ApiClient

pytestmark = pytest.mark.django_db


def _code(response):
    return json.loads(response.content)["error"]["code"]


def test_the_page_creates_a_token_shown_once_and_stores_only_its_hash(client, world):
    client.force_login(world.bob)
    response = client.post(reverse("api:token_list"), {"name": "Phần mềm đoàn viên", "days": 90})
    assert response.status_code == 200
    token = PersonalAccessToken.objects.get(owner=world.bob)
    raw = response.context["created"]["raw"]
    body = response.content.decode()
    assert raw in body and raw.startswith("cdt_") and len(raw) > 40
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {token.prefix, token.name, token.token_hash} and raw.startswith(token.prefix)
    assert token.expires_at - token.created_at == datetime.timedelta(days=90)
    # Shown once: the list shows its beginning, never the token again.
    again = client.get(reverse("api:token_list")).content.decode()
    assert raw not in again and token.prefix in again and "Phần mềm đoàn viên" in again
    event = AuditEvent.objects.get(object_type="api.personalaccesstoken", action="create")
    assert event.actor == world.bob and raw not in json.dumps(event.changes)
    # The token opens the API as bob.
    me = json.loads(ApiClient(raw).get("/api/v1/me/").content)
    assert me["username"] == "bob"


def test_the_page_asks_for_a_name_and_a_lifetime(client, world):
    client.force_login(world.bob)
    response = client.post(reverse("api:token_list"), {"name": "   ", "days": 7})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "days"}
    assert not PersonalAccessToken.objects.exists()


def test_a_user_revokes_their_token_and_the_api_refuses_it_at_once(client, world):
    token, raw = services.token_create(owner=world.carol, name="Bảng tin", days=30)
    assert ApiClient(raw).get("/api/v1/units/").status_code == 200
    client.force_login(world.carol)
    response = client.post(reverse("api:token_revoke", kwargs={"pk": token.pk}))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = ApiClient(raw).get("/api/v1/units/")
    assert refused.status_code == 401 and _code(refused) == "token_revoked"
    assert AuditEvent.objects.filter(
        object_type="api.personalaccesstoken", object_id=str(token.pk), action="delete"
    ).exists()
    assert "Bảng tin" in client.get(reverse("api:token_list")).content.decode()


def test_nobody_revokes_or_sees_another_users_token(client, world):
    token, raw = services.token_create(owner=world.mallory, name="Ea Kar sync", days=30)
    client.force_login(world.bob)
    assert "Ea Kar sync" not in client.get(reverse("api:token_list")).content.decode()
    response = client.post(reverse("api:token_revoke", kwargs={"pk": token.pk}))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.get(reverse("api:token_revoke", kwargs={"pk": token.pk})).status_code == 405


def test_an_expired_token_is_refused(world):
    _token, raw = services.token_create(owner=world.bob, name="Ngắn hạn", days=30)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        response = ApiClient(raw).get("/api/v1/units/")
    assert response.status_code == 401 and _code(response) == "token_expired"


def test_a_disabled_account_s_token_is_refused(world):
    _token, raw = services.token_create(owner=world.bob, name="Đồng bộ", days=30)
    world.bob.is_active = False
    world.bob.save()
    response = ApiClient(raw).get("/api/v1/units/")
    assert response.status_code == 401 and _code(response) == "token_owner_inactive"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer cdt_not-a-real-token",
        "Bearer nothing-like-ours",
        "Bearer",
        "Bearer a b",
        "Bearer cdt_\u00e9",
    ],
)
def test_a_malformed_or_unknown_token_is_refused(world, header):
    response = ApiClient(HTTP_AUTHORIZATION=header).get("/api/v1/units/")
    assert response.status_code == 401
    assert _code(response) == "token_invalid"


def test_the_last_use_is_recorded_at_most_once_a_minute(world):
    token, raw = services.token_create(owner=world.bob, name="Đồng bộ", days=30)
    client = ApiClient(raw, REMOTE_ADDR="198.51.100.9")
    client.get("/api/v1/me/")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and token.last_used_ip == "198.51.100.9"
    client.get("/api/v1/me/")
    token.refresh_from_db()
    assert token.last_used_at == first
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        client.get("/api/v1/me/")
    token.refresh_from_db()
    assert token.last_used_at > first


def test_a_user_has_at_most_twenty_live_tokens(world):
    for n in range(services.MAX_ACTIVE_TOKENS):
        services.token_create(owner=world.bob, name=f"Token {n}", days=30)
    with pytest.raises(Exception, match="20"):
        services.token_create(owner=world.bob, name="One too many", days=30)


def test_the_session_of_the_docs_page_needs_the_csrf_token_to_write(world):
    from django.test import Client

    from chuyende.reports.models import Report

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.bob)
    assert browser.get("/api/v1/me/").status_code == 200
    response = browser.post("/api/v1/reports/", {}, content_type="application/json")
    assert response.status_code == 403
    assert _code(response) == "permission_denied"
    assert not Report.objects.exists()


def test_the_docs_page_loads_swagger_ui_from_static_files_without_inline_script(
    client, world, settings
):
    client.force_login(world.bob)
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in body
    assert "js/api-docs.js" in body
    assert "<script>" not in body and "<script >" not in body  # every script has a src
    assert "cdn" not in body.lower() and "unpkg" not in body.lower()
    if "chuyende.core.security.SecurityHeadersMiddleware" in settings.MIDDLEWARE:
        assert "script-src 'self'" in response["Content-Security-Policy"]
    static = client.get("/static/js/api-docs.js")
    assert static.status_code == 200
    bundle = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert bundle.status_code == 200


def test_the_user_menu_links_to_the_tokens(client, world):
    client.force_login(world.bob)
    body = client.get(reverse("api:token_list")).content.decode()
    assert reverse("api:token_list") in body and 'id="nav-api-tokens"' in body


def test_an_administrator_revokes_tokens_from_the_admin(client, world):
    first, raw = services.token_create(owner=world.bob, name="Cũ", days=30)
    second, _raw = services.token_create(owner=world.carol, name="Cũ nữa", days=30)
    client.force_login(world.admin)
    changelist = "/admin/api/personalaccesstoken/"
    page = client.get(changelist)
    assert page.status_code == 200 and raw not in page.content.decode()
    response = client.post(
        changelist, {"action": "revoke", "_selected_action": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    assert not PersonalAccessToken.objects.filter(revoked_at__isnull=True).exists()
    assert (
        AuditEvent.objects.filter(
            object_type="api.personalaccesstoken", action="delete", actor=world.admin
        ).count()
        == 2
    )
    assert ApiClient(raw).get("/api/v1/me/").status_code == 401
    with pytest.raises(PermissionDenied):
        services.tokens_revoke(tokens=PersonalAccessToken.objects.all(), acting_user=world.bob)
