"""Issue 11 (security): every export and file download, walked like the scoping walk
(chuyende/core/tests/test_url_scoping.py, which reads each app's tests/url_samples.py).

- Out of scope (a manager, an editor and a member of the sibling subtree A, a user with no role)
  a download of B's object answers 403 or 404 and never a file.
- In scope (B's manager) it answers the file, with a Content-Disposition and
  X-Content-Type-Options: nosniff, never as an HTML page.
- A download found by walking every listed URL in scope must be listed here, so a new export is
  walked as soon as its app lists its URL.

PDF copies are made by LibreOffice; where the server has none the views serve a page saying so,
and the in-scope walk stands a converter in for it (the response headers are the views' own).
"""

import io
import sys
import zipfile
from importlib import import_module
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.urls import reverse

from chuyende.core import pdf
from chuyende.core.tests.test_url_scoping import FOREIGN_TEXT, LIST_URLS, OBJECT_URLS

# URL name (from the url_samples) -> the query strings it is downloaded with.
OBJECT_DOWNLOADS = {
    "contests:certificate": ["", "?format=pdf"],
    "honors:photo_file": [""],
    "honors:evidence_file": [""],
    "honors:decision_docx": [""],
    "inspections:minutes_docx": [""],
    "inspections:notice_docx": [""],
    "materials:material_download": [""],
    "outreach:post_screenshot": [""],
    "plans:plan_original": [""],
    "plans:evidence_file": [""],
    "pledges:pledge_docx": [""],
    "pledges:pledge_pdf": [""],
    "reports:report_docx": [""],
    "reports:report_pdf": [""],
    "reports:attachment_file": [""],
    "reports:rollup_xlsx": [""],
    "reports:compiled_docx": [""],
    "study:minutes_file": [""],
    "study:attendance_sheet": [""],
    "study:participants_xlsx": [""],
    "study:photo_file": [""],
    "transfer:import_errors": [""],
    "transfer:export_file": [""],
}
# Downloads with personal fields, made only with a reason (chuyende.core.reasons): posted with
# one. Out of scope they answer 403/404 as the rest; without a reason, no file (400).
REASONED_DOWNLOADS = {
    "study:participants_xlsx": {"reason": "Đối chiếu danh sách dự học"},
}
PDF_ROUTES = {
    ("contests:certificate", "?format=pdf"),
    ("pledges:pledge_pdf", ""),
    ("reports:report_pdf", ""),
}

# Downloads whose unit comes in the query string: B's unit asked for out of scope is refused
# (403/404), never answered with B's data nor, silently, with the asker's own unit
# (chuyende/core/tests/test_unit_query_scoping.py walks every page that takes ?unit=).
QUERY_DOWNLOADS = {
    "pledges:import_template": lambda w: f"?unit={w.b1.pk}",
}
# Blank import templates: no unit data; refused to anyone who may import nowhere.
BLANK_TEMPLATES = {"transfer:template": "?kind=members"}

OUTSIDERS = ("bob", "carol", "dave", "nobody")
FILE_SIGNS = (b"PK\x03\x04", b"%PDF", b"\x89PNG", b"\xff\xd8")


def _body(response) -> bytes:
    if response.streaming:  # the test client closes the file once it is read through
        return b"".join(response.streaming_content)
    return response.content


def _text_of(data: bytes) -> str:
    """What a file says: the XML of an .xlsx/.docx, else its bytes as text."""
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return " ".join(
                " ".join(ElementTree.fromstring(archive.read(name)).itertext())
                for name in archive.namelist()
                if name.endswith(".xml")
            )
    return data.decode("utf-8", "replace")


def _assert_no_file(response, what):
    body = _body(response)
    assert response.status_code in (403, 404), (what, response.status_code)
    assert "Content-Disposition" not in response, what
    assert response["Content-Type"].startswith("text/html"), (what, response["Content-Type"])
    assert not body.startswith(FILE_SIGNS), what


def _assert_file(response, what):
    body = _body(response)
    assert response.status_code == 200, (what, response.status_code)
    assert response.get("Content-Disposition", "").startswith(("attachment", "inline")), what
    assert "filename" in response["Content-Disposition"], what
    assert response["X-Content-Type-Options"] == "nosniff", what
    assert not response["Content-Type"].startswith("text/html"), (what, response["Content-Type"])
    assert body, what
    return body


def _url(world, name, query=""):
    return reverse(name, kwargs=OBJECT_URLS[name](world)) + query


@pytest.fixture
def converter(monkeypatch):
    """LibreOffice where the server has it; else a converter standing in for it."""
    if pdf.office_binary() is not None:
        return
    import_module(settings.ROOT_URLCONF)  # every view imported: its docx_to_pdf is replaced
    pdf_bytes = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    original = pdf.docx_to_pdf
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("chuyende.") and (
            getattr(module, "docx_to_pdf", None) is original
        ):
            monkeypatch.setattr(module, "docx_to_pdf", lambda data: pdf_bytes)


@pytest.mark.django_db
def test_every_download_found_in_scope_is_walked(client, world):
    """Walk every listed URL as B's manager: whatever answers a file must be listed above."""
    client.force_login(world.mallory)
    found = set()
    for name, make in OBJECT_URLS.items():
        response = client.get(reverse(name, kwargs=make(world)))
        if "Content-Disposition" in response or (
            response.status_code == 200
            and not response["Content-Type"].startswith(("text/html", "application/json"))
        ):
            found.add(name)
        _body(response)
    for name, query in LIST_URLS.items():
        response = client.get(reverse(name) + query)
        if "Content-Disposition" in response:
            found.add(name)
        _body(response)
    listed = set(OBJECT_DOWNLOADS) | set(QUERY_DOWNLOADS) | set(BLANK_TEMPLATES)
    assert found - listed == set(), (
        f"walk these downloads in tests/test_export_walk.py: {found - listed}"
    )
    # and everything listed is still a listed URL of its app
    assert set(OBJECT_DOWNLOADS) <= set(OBJECT_URLS)
    assert set(QUERY_DOWNLOADS) | set(BLANK_TEMPLATES) <= set(LIST_URLS)


@pytest.mark.django_db
@pytest.mark.parametrize("username", OUTSIDERS)
def test_out_of_scope_downloads_answer_403_or_404_and_never_a_file(client, world, username):
    client.force_login(getattr(world, username))
    for name, queries in OBJECT_DOWNLOADS.items():
        for query in queries:
            _assert_no_file(client.get(_url(world, name, query)), (username, name, query))


@pytest.mark.django_db
def test_in_scope_downloads_answer_the_file_with_its_headers(client, world, converter):
    client.force_login(world.mallory)
    for name, queries in OBJECT_DOWNLOADS.items():
        for query in queries:
            body = _assert_file(client.get(_url(world, name, query)), (name, query))
            if (name, query) in PDF_ROUTES:
                assert body.startswith(b"%PDF"), name


@pytest.mark.django_db
def test_pdf_copies_without_libreoffice_are_a_page_not_a_file(client, world):
    if pdf.office_binary() is not None:
        pytest.skip("LibreOffice is installed here: the PDF routes answer real files")
    client.force_login(world.mallory)
    for name, query in sorted(PDF_ROUTES):
        response = client.get(_url(world, name, query))
        assert response.status_code in (200, 404), name
        assert "Content-Disposition" not in response, name
        assert response["Content-Type"].startswith("text/html"), name


@pytest.mark.django_db
def test_a_unit_named_in_the_query_never_gives_its_data_out_of_scope(client, world):
    from chuyende.pledges.tests.helpers import foreign_template, make_template

    foreign_template(world)
    make_template(world.a, title="Bản cam kết của Buôn Ma Thuột")  # bob's own unit has one too
    client.force_login(world.mallory)
    for name, query in QUERY_DOWNLOADS.items():
        body = _assert_file(client.get(reverse(name) + query(world)), name)
        assert "Phạm Quốc Khánh" in _text_of(body), name  # B1's member, in scope
    for username in OUTSIDERS:
        client.force_login(getattr(world, username))
        for name, query in QUERY_DOWNLOADS.items():
            response = client.get(reverse(name) + query(world))
            _assert_no_file(response, (username, name))
            text = _text_of(_body(response))
            for foreign in FOREIGN_TEXT:
                assert foreign not in text, (username, name, foreign)


@pytest.mark.django_db
def test_blank_templates_need_a_unit_to_import_into(client, world):
    for username in ("dave", "nobody"):
        client.force_login(getattr(world, username))
        for name, query in BLANK_TEMPLATES.items():
            _assert_no_file(client.get(reverse(name) + query), (username, name))
    client.force_login(world.mallory)
    for name, query in BLANK_TEMPLATES.items():
        _assert_file(client.get(reverse(name) + query), name)


@pytest.mark.django_db
@pytest.mark.parametrize("username", OUTSIDERS)
def test_out_of_scope_reasoned_downloads_answer_403_or_404_and_never_a_file(
    client, world, username
):
    client.force_login(getattr(world, username))
    for name, data in REASONED_DOWNLOADS.items():
        _assert_no_file(client.post(_url(world, name), data), (username, name))


@pytest.mark.django_db
def test_reasoned_downloads_in_scope_need_their_reason(client, world):
    client.force_login(world.mallory)
    for name, data in REASONED_DOWNLOADS.items():
        refused = client.post(_url(world, name), {})
        assert refused.status_code == 400, name
        assert "Content-Disposition" not in refused, name
        assert not _body(refused).startswith(FILE_SIGNS), name
        _assert_file(client.post(_url(world, name), data), name)
