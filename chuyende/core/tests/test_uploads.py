"""Uploads (chuyende.core.uploads): checked by extension, size and content; stored under random
names outside any served folder; served only by scoped views, as attachments (images inline),
with their checked content type and X-Content-Type-Options: nosniff."""

import io
import zipfile
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chuyende.core import uploads
from chuyende.core.uploads import (
    MultipleUploadField,
    UploadField,
    UploadTo,
    check_upload,
    original_name,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
HTML = b"<!doctype html><script>alert(document.cookie)</script>"


def _docx() -> bytes:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


def _xlsx() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def _zip(members: dict, *, first: tuple | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if first:
            archive.writestr(first[0], first[1], compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _upload(name, data):
    return SimpleUploadedFile(name, data)


# The check -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "kinds", "key"),
    [
        ("ke-hoach.pdf", PDF, ("pdf",), "pdf"),
        ("Báo cáo.DOCX", _docx(), ("docx", "pdf"), "docx"),
        ("so-lieu.xlsx", _xlsx(), uploads.SPREADSHEETS, "xlsx"),
        ("so-lieu.xlsm", _xlsx(), uploads.SPREADSHEETS, "xlsx"),
        (
            "bai-giang.pptx",
            _zip({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p/>"}),
            ("pptx",),
            "pptx",
        ),
        (
            "bien-ban.odt",
            _zip(
                {"content.xml": "<c/>"},
                first=("mimetype", "application/vnd.oasis.opendocument.text"),
            ),
            uploads.DOCUMENTS,
            "odt",
        ),
        ("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, uploads.DOCUMENTS, "doc"),
        ("danh-sach.csv", "Họ và tên,Giới tính\nAn,Nam\n".encode(), uploads.SPREADSHEETS, "csv"),
        ("ke-hoach.txt", "KẾ HOẠCH\n".encode(), uploads.PLAN_DOCUMENTS, "txt"),
        ("anh.png", PNG, uploads.PHOTOS, "png"),
        ("anh.jpeg", JPEG, uploads.PHOTOS, "jpeg"),
        ("anh.webp", WEBP, uploads.PHOTOS, "webp"),
        ("anh.gif", GIF, uploads.IMAGES, "gif"),
        ("anh-chup.jpg", PNG, uploads.PHOTOS, "png"),  # a photo under another image's name
        ("ho-so.zip", _zip({"a.pdf": PDF}), ("zip",), "zip"),
    ],
)
def test_real_files_are_accepted_as_what_they_are(name, data, kinds, key):
    assert check_upload(_upload(name, data), kinds).key == key


@pytest.mark.parametrize(
    ("name", "data", "kinds", "code"),
    [
        ("trang.html", HTML, uploads.DOCUMENTS, "extension"),
        ("chay.exe", b"MZ\x90\x00", uploads.DOCUMENTS, "extension"),
        ("khong-duoi", PDF, uploads.DOCUMENTS, "extension"),
        ("anh.png", PDF, uploads.DOCUMENTS, "extension"),  # allowed kinds only
        ("gia.pdf", HTML, uploads.DOCUMENTS, "content"),
        ("gia.docx", PDF, uploads.DOCUMENTS, "content"),
        ("hong.docx", b"PK\x03\x04 not really a zip", uploads.DOCUMENTS, "content"),
        ("so-lieu.docx", _xlsx(), uploads.DOCUMENTS, "content"),  # a zip, not a Word file
        ("bang.xlsx", _docx(), uploads.SPREADSHEETS, "content"),
        (
            "gia.odt",
            _zip({"content.xml": "<c/>"}, first=("mimetype", "application/x-evil")),
            uploads.DOCUMENTS,
            "content",
        ),
        ("anh.png", HTML, uploads.PHOTOS, "content"),
        ("anh.jpg", b"GIF89a" + b"\x00" * 10, uploads.PHOTOS, "content"),  # GIF not allowed here
        ("danh-sach.csv", b"\x00\x01\x02\x03" * 100, uploads.SPREADSHEETS, "content"),
        ("trong.pdf", b"", uploads.DOCUMENTS, "empty"),
    ],
)
def test_files_whose_name_or_content_is_wrong_are_refused(name, data, kinds, code):
    with pytest.raises(ValidationError) as caught:
        check_upload(_upload(name, data), kinds)
    assert caught.value.code == code
    assert caught.value.messages[0]


def test_a_zip_bomb_posing_as_a_word_file_is_refused():
    bomb = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": b" " * 5_000_000})
    with pytest.raises(ValidationError) as caught:
        check_upload(_upload("bom.docx", bomb), ("docx",))
    assert caught.value.code == "content"


def test_the_size_limit_is_the_fields_and_the_settings(settings):
    data = PDF + b"0" * 2000
    with pytest.raises(ValidationError) as caught:
        check_upload(_upload("a.pdf", data), ("pdf",), limit=1000)
    assert caught.value.code == "too_big"
    settings.UPLOAD_MAX_MB = 0  # the setting caps every field
    with pytest.raises(ValidationError):
        check_upload(_upload("a.pdf", data), ("pdf",), limit=10_000)
    settings.UPLOAD_MAX_MB = 1
    assert check_upload(_upload("a.pdf", data), ("pdf",), limit=10_000).key == "pdf"


def test_the_file_is_left_at_its_start_after_the_check():
    upload = _upload("a.docx", _docx())
    check_upload(upload, ("docx",))
    assert upload.read(4) == b"PK\x03\x04"


def test_original_names_are_cleaned_for_showing():
    assert original_name("C:\\Users\\An\\Báo cáo.pdf") == "Báo cáo.pdf"
    assert original_name("../../etc/passwd") == "passwd"
    assert original_name("a\x00b\u202e.pdf") == "ab.pdf"
    long = original_name("x" * 400 + ".docx")
    assert len(long) == 255 and long.endswith(".docx")


# Names -------------------------------------------------------------------------------------


def test_upload_to_gives_random_names_without_user_text():
    upload_to = UploadTo("evidence")
    first = upload_to(None, "Danh sách đoàn viên Nguyễn Văn An.PDF")
    second = upload_to(None, "Danh sách đoàn viên Nguyễn Văn An.PDF")
    assert first != second
    folder, year, name = first.split("/")
    assert folder == "evidence" and year.isdigit() and name.endswith(".pdf")
    assert len(name) == 32 + 4 and name[:32].isalnum() and name.isascii()
    assert upload_to(None, "x.php").endswith(tuple("0123456789abcdef"))  # unknown: no extension
    assert upload_to(None, "a.pdf/../../b").count("/") == 2
    assert UploadTo("evidence").deconstruct()[1] == ("evidence",)
    assert UploadTo("evidence") == UploadTo("evidence/")


@pytest.mark.django_db
def test_every_file_field_gets_a_random_name():
    """Each FileField of the project that holds uploads names its files with UploadTo (or a
    function that does). ExportJob's files are written by the application, named by it."""
    from django.apps import apps
    from django.db.models import FileField

    for model in apps.get_models():
        for field in model._meta.fields:
            if not isinstance(field, FileField) or not model.__module__.startswith("chuyende."):
                continue
            if model.__name__ == "ExportJob":
                continue
            name = field.generate_filename(model(), "Nguyễn Văn An ho so.pdf")
            assert "Nguy" not in name and " " not in name, (model.__name__, field.name, name)


# Forms -------------------------------------------------------------------------------------


class _Form(forms.Form):
    file = UploadField(label="File", kinds=("pdf", "docx"), max_bytes=100_000)
    photos = MultipleUploadField(
        label="Photos", kinds=uploads.PHOTOS, required=False, max_files=2, max_bytes=1000
    )


def test_the_form_field_checks_and_says_what_is_wrong():
    form = _Form(data={}, files={"file": _upload("gia.pdf", HTML)})
    assert not form.is_valid() and "gia.pdf" in form.errors["file"][0]
    assert _Form(data={}, files={"file": _upload("that.pdf", PDF)}).is_valid()
    assert 'accept=".pdf,.docx"' in str(_Form()["file"])


def test_the_multiple_field_checks_each_file_and_their_number():
    from django.utils.datastructures import MultiValueDict

    files = MultiValueDict({"file": [_upload("a.pdf", PDF)], "photos": [_upload("a.png", PNG)]})
    form = _Form(data={}, files=files)
    assert form.is_valid() and len(form.cleaned_data["photos"]) == 1
    files.setlist("photos", [_upload("a.png", PNG), _upload("b.png", HTML)])
    form = _Form(data={}, files=files)
    assert not form.is_valid() and "b.png" in form.errors["photos"][0]
    files.setlist("photos", [_upload(f"{n}.png", PNG) for n in range(3)])
    assert not _Form(data={}, files=files).is_valid()


# Serving -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_stored_files_are_attachments_unless_images_and_never_sniffed():
    from chuyende.plans.models import Evidence

    field = Evidence._meta.get_field("file")
    evidence = Evidence()
    evidence.file.save("x.pdf", ContentFile(PDF), save=False)
    response = uploads.stored_response(evidence.file, filename="Báo cáo.pdf", inline=True)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    evidence.file.save("y.png", ContentFile(PNG), save=False)
    response = uploads.stored_response(evidence.file, inline=True)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert field.upload_to.folder == "evidence"


@pytest.mark.django_db
def test_media_is_never_served_by_url(client):
    """Uploads live under MEDIA_ROOT, outside the static files: no URL reaches them."""
    name = default_storage.save("evidence/2024/bi-mat.pdf", ContentFile(PDF))
    try:
        for url in (
            f"/media/{name}",
            f"/{settings.MEDIA_URL.strip('/')}/{name}",
            f"/static/../media/{name}",
        ):
            response = client.get(url)
            assert response.status_code == 404, url
        media = Path(settings.MEDIA_ROOT).resolve()
        static = Path(settings.STATIC_ROOT).resolve()
        assert static not in media.parents and media != static
        for folder in settings.STATICFILES_DIRS:
            assert Path(folder).resolve() not in media.parents
    finally:
        default_storage.delete(name)


FILE_VIEWS = {
    "plans:plan_original": "attachment",
    "plans:evidence_file": "attachment",
    "materials:material_download": "attachment",
    "reports:attachment_file": "attachment",
    "honors:evidence_file": "attachment",
    "study:minutes_file": "attachment",
    "transfer:export_file": "attachment",
    "outreach:post_screenshot": "inline",
    "honors:photo_file": "inline",
    "study:photo_file": "inline",
}


@pytest.mark.django_db
def test_every_file_view_sends_a_disposition_and_nosniff(world):
    """Each scoped view serving a stored file, as the sibling subtree's manager who may see it."""
    from chuyende.core.tests.test_url_scoping import OBJECT_URLS

    browser = Client()
    browser.force_login(world.mallory)
    for name, disposition in FILE_VIEWS.items():
        url = reverse(name, kwargs=OBJECT_URLS[name](world))
        response = browser.get(url)
        assert response.status_code == 200, (name, response.status_code)
        assert response["Content-Disposition"].startswith(disposition), name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert not response["Content-Type"].startswith("text/html"), name
