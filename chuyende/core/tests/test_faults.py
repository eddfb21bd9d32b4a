"""The database unavailable or the disk full: a plain page with Retry-After, never a trace; an
upload cut short by a full disk leaves no file and no row."""

import errno
import os
from pathlib import Path
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from chuyende.core.faults import RETRY_AFTER, fault_response
from chuyende.core.models import AuditEvent
from chuyende.materials.models import Material
from chuyende.materials.tests.factories import pdf_upload

pytestmark = pytest.mark.django_db

DOWN = OperationalError(
    'connection failed: connection to server at "127.0.0.1", port 5432 failed: Connection refused'
)
BUSY_TITLE = "The site is busy for a moment"
DISK_TITLE = "The server has no room left for files"


def _vi(msgid):
    """The Vietnamese text as the page shows it (HTML-escaped)."""
    with translation.override("vi"):
        return escape(gettext(msgid))


def _assert_fault_page(response, status, title):
    assert response.status_code == status
    assert response["Retry-After"] == str(RETRY_AFTER)
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert _vi(title) in body
    assert '<html lang="vi">' in body
    assert "Traceback" not in body and "OperationalError" not in body
    return body


def test_a_page_whose_database_is_down_answers_503_try_again(client, world):
    client.force_login(world.alice)
    with mock.patch("chuyende.org.selectors.dashboard_figures", side_effect=DOWN):
        response = client.get(reverse("core:home"))
    body = _assert_fault_page(response, 503, BUSY_TITLE)
    assert 'http-equiv="refresh"' in body  # a GET tries again by itself
    assert f'href="{reverse("core:home")}"' in body


def test_a_connection_lost_mid_request_is_the_same_503(client, world):
    client.force_login(world.alice)
    lost = InterfaceError("connection already closed")
    with mock.patch("chuyende.org.selectors.dashboard_figures", side_effect=lost):
        _assert_fault_page(client.get(reverse("core:home")), 503, BUSY_TITLE)


def test_a_form_sent_while_the_database_is_down_says_it_may_not_be_saved(client, world):
    client.force_login(world.alice)
    with mock.patch("chuyende.materials.services.material_create", side_effect=DOWN):
        response = client.post(
            reverse("materials:material_create"),
            {"unit": world.province.pk, "title": "T", "kind": "link", "url": "https://e.vn/"},
            HTTP_REFERER="http://testserver/materials/new/",
        )
    body = _assert_fault_page(response, 503, BUSY_TITLE)
    assert 'http-equiv="refresh"' not in body  # never sends the form again by itself
    assert 'href="http://testserver/materials/new/"' in body
    assert (
        _vi(
            "What you just sent may not have been saved. When the page works again, check it and "
            "send it again if it is missing."
        )
        in body
    )


def test_the_database_failing_in_a_middleware_is_answered_alike(world):
    """A middleware's query fails (a session, a rate-limit counter): Django turns the error into
    a 500 before the fault middleware sees it; that 500 is replaced."""
    client = Client(raise_request_exception=False)
    client.force_login(world.alice)
    with mock.patch("chuyende.core.middleware.AuditContextMiddleware.__call__", side_effect=DOWN):
        response = client.get(reverse("core:home"))
    _assert_fault_page(response, 503, BUSY_TITLE)


def test_json_clients_get_json(client, world):
    client.force_login(world.alice)
    with mock.patch("chuyende.core.views.Unit.objects.count", side_effect=DOWN):
        response = client.get("/healthz", HTTP_ACCEPT="application/json")
    assert response.status_code == 503 and response["Retry-After"] == str(RETRY_AFTER)
    body = response.json()
    assert body["error"]["code"] == "database_unavailable"
    assert body["error"]["message"] and set(body["error"]) == {"code", "message"}
    assert body["retry_after"] == int(response["Retry-After"])


def test_a_mistake_in_sql_stays_a_500_for_someone_to_read(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.alice)
    mistake = OperationalError("no such column: org_unit.nonsense")
    with mock.patch("chuyende.org.selectors.dashboard_figures", side_effect=mistake):
        response = client.get(reverse("core:home"))
    assert response.status_code == 500


def test_the_fault_page_is_rendered_without_any_query(django_assert_num_queries):
    request = RequestFactory().post("/materials/new/")
    with django_assert_num_queries(0):
        response = fault_response(request, "database")
    assert response.status_code == 503


class _DiskFills:
    """A file object that writes `room` bytes, then fails as a full disk does."""

    def __init__(self, handle, room):
        self.handle, self.room = handle, room

    def write(self, data):
        if len(data) > self.room:
            self.handle.write(data[: self.room])
            self.handle.flush()
            self.room = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return self.handle.write(data)

    def __getattr__(self, name):
        return getattr(self.handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()


def _files(root):
    return sorted(p.relative_to(root).as_posix() for p in Path(root).rglob("*") if p.is_file())


def test_an_upload_on_a_full_disk_says_so_and_leaves_no_file_and_no_row(
    client, world, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    client.force_login(world.alice)
    real_fdopen = os.fdopen
    audits = AuditEvent.objects.count()
    with mock.patch(
        "chuyende.core.storage.os.fdopen",
        side_effect=lambda fd, mode: _DiskFills(real_fdopen(fd, mode), room=100),
    ):
        response = client.post(
            reverse("materials:material_create"),
            {
                "unit": world.province.pk,
                "title": "Tài liệu lớn",
                "kind": "pdf",
                "file": pdf_upload(),
                "url": "",
                "plan": "",
            },
        )
    _assert_fault_page(response, 507, DISK_TITLE)
    assert (
        _vi(
            "The server's disk is full, so your file was not saved and nothing was recorded. "
            "Please tell the system administrator, then send it again."
        )
        in response.content.decode()
    )
    assert not Material.objects.filter(title="Tài liệu lớn").exists()
    assert AuditEvent.objects.count() == audits
    assert _files(settings.MEDIA_ROOT) == []  # not even a hidden partial file

    response = client.post(  # room again: the same upload goes through
        reverse("materials:material_create"),
        {"unit": world.province.pk, "title": "Tài liệu lớn", "kind": "pdf", "file": pdf_upload()},
    )
    assert response.status_code == 302
    material = Material.objects.get(title="Tài liệu lớn")
    assert _files(settings.MEDIA_ROOT) == [material.file.name]
    assert material.file.size == len(pdf_upload().read())
