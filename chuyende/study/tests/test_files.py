"""The attendance sheet (.docx), the participants list (.xlsx) and photos."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from chuyende.core.models import AuditEvent
from chuyende.study.choices import ExpectedMode
from chuyende.study.exports import safe_cell
from chuyende.study.models import SessionPhoto
from chuyende.study.uploads import MAX_PHOTO
from conftest import make_member

from .helpers import JPEG, PNG, attend, foreign_photo, make_session

pytestmark = pytest.mark.django_db


def _members_session(world, **extra):
    values = {
        "date": datetime.date(2024, 3, 5),
        "expected_mode": ExpectedMode.MEMBERS,
        "expected_count": 2,
        "place": "Phòng họp Hội đồng",
        "start_time": datetime.time(14, 0),
        **extra,
    }
    session = make_session(world.a1, **values)
    session.expected_units.set([world.a1])
    return session


def _docx(response):
    return Document(io.BytesIO(response.content))


def _text(document):
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


# Attendance sheet --------------------------------------------------------------------------


def test_the_attendance_sheet_names_the_expected_members(client, world):
    session = _members_session(world)
    client.force_login(world.carol)
    response = client.get(reverse("study:attendance_sheet", args=[session.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'diem-danh-{session.code}.docx"')
    document = _docx(response)
    left, right = document.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs if p.text][:2] == [
        "LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ BUÔN MA THUỘT",
        "CÔNG ĐOÀN TRƯỜNG THCS LÊ LỢI",
    ]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right.text
    assert "Đắk Lắk, ngày 05 tháng 3 năm 2024" in right.text
    text = _text(document)
    assert "DANH SÁCH ĐIỂM DANH" in text and session.title in text
    assert "Thời gian: 14:00, ngày 05/03/2024" in text
    assert "Địa điểm: Phòng họp Hội đồng" in text
    assert "NGƯỜI LẬP DANH SÁCH" in text
    table = document.tables[1]
    assert [c.text for c in table.rows[0].cells] == ["STT", "Họ và tên", "Đơn vị", "Ký tên"]
    names = [row.cells[1].text for row in table.rows[1:]]
    assert names == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert table.rows[1].cells[2].text == world.a1.name
    assert "0912345678" not in text and "1985" not in text
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.left_margin.mm) == 30


def test_a_sheet_for_a_number_of_people_has_blank_numbered_lines(client, world):
    session = make_session(world.a1, expected_number=12, expected_count=12)
    client.force_login(world.carol)
    table = _docx(client.get(reverse("study:attendance_sheet", args=[session.pk]))).tables[1]
    assert len(table.rows) == 13 and table.rows[12].cells[0].text == "12"
    assert table.rows[12].cells[1].text == ""


def test_downloading_the_sheet_is_recorded_as_an_export(client, world):
    session = _members_session(world)
    client.force_login(world.erin)  # a viewer may export
    assert client.get(reverse("study:attendance_sheet", args=[session.pk])).status_code == 200
    event = AuditEvent.objects.get(action="export")
    assert event.actor == world.erin and event.changes == {"what": "attendance_sheet"}


# Participants list -------------------------------------------------------------------------


def test_the_participants_list_has_the_listed_members_masked_and_the_head_counts(client, world):
    session = _members_session(world, headcount_total=3, headcount_women=2)
    attend(session, world.an, world.binh)
    client.force_login(world.carol)
    response = client.get(reverse("study:participants_xlsx", args=[session.pk]))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    names = [row[1] for row in rows if row and isinstance(row[0], int)]
    assert names == ["Nguyễn Văn An", "Trần Thị Bình"]
    flat = [str(v) for row in rows for v in row if v is not None]
    assert "••/••/1985" in flat and "1985-03-02" not in " ".join(flat)
    assert "0912345678" not in flat
    assert 5 in [row[1] for row in rows if row and len(row) > 1]  # participants: 2 listed + 3


def test_cells_that_could_run_as_formulas_are_neutralised(client, world):
    make_member(world.a1, '=HYPERLINK("http://evil") Văn', gender="male")
    session = _members_session(world, title="+cmd|' /C calc'!A0", place="@SUM(A1)")
    attend(session, *type(world.an).objects.filter(unit=world.a1))
    client.force_login(world.carol)
    response = client.get(reverse("study:participants_xlsx", args=[session.pk]))
    values = [
        v
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        for v in row
        if isinstance(v, str)
    ]
    assert '\'=HYPERLINK("http://evil") Văn' in values
    assert "'+cmd|' /C calc'!A0" in values and "'@SUM(A1)" in values
    assert not any(v.startswith(("=", "+", "@", "-")) for v in values)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("-2", "'-2"), ("@x", "'@x"), ("+x", "'+x"), ("\tx", "'\tx"), ("An", "An")],
)
def test_safe_cell_prefixes_a_quote_to_formula_starts(value, expected):
    assert safe_cell(value) == expected


# Photos ------------------------------------------------------------------------------------


def test_a_photo_is_added_and_served_only_through_the_scoped_view(client, world):
    session = _members_session(world)
    client.force_login(world.carol)
    upload = SimpleUploadedFile("hoi-nghi.png", PNG, content_type="image/png")
    response = client.post(
        reverse("study:photo_add", args=[session.pk]), {"image": upload, "caption": "Toàn cảnh"}
    )
    assert response.status_code == 302
    photo = SessionPhoto.objects.get()
    assert photo.content_type == "image/png" and photo.caption == "Toàn cảnh"
    served = client.get(reverse("study:photo_file", args=[photo.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == PNG
    detail = client.get(reverse("study:session_detail", args=[session.pk])).content.decode()
    assert reverse("study:photo_file", args=[photo.pk]) in detail and "/media/" not in detail


def test_a_file_named_jpg_that_is_not_an_image_is_refused(client, world):
    session = _members_session(world)
    client.force_login(world.carol)
    fake = SimpleUploadedFile("anh.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    response = client.post(reverse("study:photo_add", args=[session.pk]), {"image": fake})
    assert response.status_code == 302
    assert not SessionPhoto.objects.exists()
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert messages


def test_an_oversized_photo_is_refused(client, world):
    session = _members_session(world)
    client.force_login(world.carol)
    big = SimpleUploadedFile("to.jpg", JPEG + b"\x00" * MAX_PHOTO, content_type="image/jpeg")
    client.post(reverse("study:photo_add", args=[session.pk]), {"image": big})
    assert not SessionPhoto.objects.exists()


def test_a_photo_of_the_sibling_subtree_answers_404(client, world):
    photo = foreign_photo(world)
    client.force_login(world.bob)
    assert client.get(reverse("study:photo_file", args=[photo.pk])).status_code == 404
    client.force_login(world.mallory)
    assert client.get(reverse("study:photo_file", args=[photo.pk])).status_code == 200


def test_a_viewer_cannot_add_photos(client, world):
    session = _members_session(world)
    client.force_login(world.erin)
    upload = SimpleUploadedFile("a.png", PNG)
    response = client.post(reverse("study:photo_add", args=[session.pk]), {"image": upload})
    assert response.status_code == 403
    assert not SessionPhoto.objects.exists()
