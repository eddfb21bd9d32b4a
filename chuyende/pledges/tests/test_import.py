"""Importing paper pledges from a spreadsheet: the template, every kind of row error, the
all-or-nothing rule, importing only the valid rows, atomicity."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from chuyende.core.models import AuditEvent
from chuyende.pledges import imports, selectors
from chuyende.pledges.choices import ImportStatus, PledgeSource, PledgeStatus
from chuyende.pledges.exports import import_columns
from chuyende.pledges.models import Pledge
from conftest import make_member

from .helpers import make_pledge, make_template

pytestmark = pytest.mark.django_db

GOOD = {
    "politics": "Trung thành với Đảng",
    "ethics": "Sống giản dị",
    "style": "Đúng giờ",
    "duties": "Dạy đủ tiết\nDự giờ",
    "follow": "Mặc trang phục truyền thống",
    "example": "",
}
ACTIONS = "Đọc sách; Hội diễn; Giúp học sinh"


@pytest.fixture
def template(world):
    world.an.card_number = "CD001"
    world.an.save()
    return make_template(world.province)


def _sheet(template, unit, rows):
    sections = selectors.sections_for(template=template, unit=unit)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([header for _, header in import_columns(sections)])
    for row in rows:
        commitments = {**GOOD, **row.get("commitments", {})}
        sheet.append(
            [
                row.get("card", ""),
                row.get("name", ""),
                row.get("year", ""),
                "Giáo viên",
                "Tổ Toán",
                *[commitments[s.code] for s in sections],
                row.get("actions", ACTIONS),
                row.get("rating", "Hoàn thành tốt nhiệm vụ"),
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("ban-cam-ket.xlsx", out.getvalue())


def _check(world, template, rows, user=None):
    return imports.import_check(
        unit=world.a1,
        template=template,
        file=_sheet(template, world.a1, rows),
        acting_user=user or world.carol,
    )


def test_a_clean_sheet_imports_every_row_as_accepted(world, template):
    batch = _check(
        world,
        template,
        [
            {"card": "cd001"},
            {"name": "trần thị bình", "year": 1985, "rating": "hoan thanh xuat sac nhiem vu"},
        ],
    )
    assert batch.errors == [] and len(batch.valid_rows) == 2
    assert imports.import_run(batch=batch, acting_user=world.carol, valid_only=False) == 2
    binh = Pledge.objects.get(member=world.binh)
    assert binh.status == PledgeStatus.ACCEPTED and binh.source == PledgeSource.IMPORT
    assert binh.actions == ["Đọc sách", "Hội diễn", "Giúp học sinh"]
    assert binh.commitments["duties"] == ["Dạy đủ tiết", "Dự giờ"]
    assert binh.target_rating == "excellent" and binh.union_group == "Tổ Toán"
    batch.refresh_from_db()
    assert batch.status == ImportStatus.IMPORTED and batch.imported == 2
    assert AuditEvent.objects.filter(action="import", object_type="pledges.pledge").count() == 2
    with pytest.raises(ValidationError):  # never twice
        imports.import_run(batch=batch, acting_user=world.carol, valid_only=False)


def test_every_kind_of_row_error_is_reported_with_row_and_column(world, template):
    make_pledge(world.hnga, template)  # not in A1: "no member of"
    other = make_member(world.a1, "Lê Văn Cường", card_number="CD009")
    make_pledge(other, template)
    make_member(world.a1, "Đỗ Thị Dung", date_of_birth=None)
    make_member(world.a1, "Đỗ Thị Dung", date_of_birth=None)
    rows = [
        {"card": "CD404"},  # 2: unknown card
        {"name": "H'Nga Byă"},  # 3: member of another union
        {"name": "Đỗ Thị Dung"},  # 4: two members with this name
        {"card": "CD009"},  # 5: already has a pledge
        {"card": "CD001", "commitments": {"duties": "Chỉ một"}},  # 6: too few in a section
        {"name": "Trần Thị Bình", "actions": "Một; Hai"},  # 7: too few actions
        {"card": "CD001"},  # 8: same member twice (and valid otherwise)
        {"name": "", "card": ""},  # 9: nobody named
        {"name": "Trần Thị Bình", "year": "abc", "rating": "Giỏi"},  # 10: bad year, rating
    ]
    batch = _check(world, template, rows)
    found = {(e["row"], e["column"]) for e in batch.errors}
    assert (2, "Số thẻ đoàn viên") in found
    assert (3, "Họ và tên") in found and (4, "Họ và tên") in found and (5, "Họ và tên") in found
    assert (6, "Về thực hiện chức trách, nhiệm vụ được giao (mỗi cam kết một dòng)") in found
    assert (7, "Việc làm cụ thể (mỗi việc một dòng)") in found
    assert (8, "Họ và tên") in found and (9, "Họ và tên") in found
    assert (10, "Năm sinh") in found and (10, "Mức xếp loại phấn đấu") in found
    assert all(e["message"] for e in batch.errors)
    assert batch.error_rows == 9 and batch.valid_rows == []


def test_a_sheet_with_errors_is_refused_unless_only_the_valid_rows_are_chosen(world, template):
    batch = _check(world, template, [{"card": "CD001"}, {"card": "CD404"}])
    with pytest.raises(ValidationError):
        imports.import_run(batch=batch, acting_user=world.carol, valid_only=False)
    assert not Pledge.objects.exists()
    assert imports.import_run(batch=batch, acting_user=world.carol, valid_only=True) == 1
    assert Pledge.objects.get().member == world.an


def test_the_import_is_atomic_when_something_changed_since_the_check(world, template):
    batch = _check(world, template, [{"card": "CD001"}, {"name": "Trần Thị Bình"}])
    make_pledge(world.binh, template, status=PledgeStatus.SUBMITTED)
    with pytest.raises(ValidationError):
        imports.import_run(batch=batch, acting_user=world.carol, valid_only=True)
    assert not Pledge.objects.filter(member=world.an).exists()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED


def test_a_draft_is_replaced_by_the_paper_pledge_and_kept(world, template):
    draft = make_pledge(world.an, template, status=PledgeStatus.DRAFT)
    batch = _check(world, template, [{"card": "CD001"}])
    imports.import_run(batch=batch, acting_user=world.carol, valid_only=False)
    draft.refresh_from_db()
    current = Pledge.objects.get(member=world.an, is_current=True)
    assert not draft.is_current and current.previous == draft and current.version == 2


def test_whole_file_problems_and_rights(world, template):
    with pytest.raises(ValidationError):
        imports.import_check(
            unit=world.a1,
            template=template,
            file=SimpleUploadedFile("x.txt", b"hello"),
            acting_user=world.carol,
        )
    workbook = Workbook()
    workbook.active.append(["Cột A", "Cột B"])
    workbook.active.append(["1", "2"])
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(ValidationError):
        imports.import_check(
            unit=world.a1,
            template=template,
            file=SimpleUploadedFile("x.xlsx", out.getvalue()),
            acting_user=world.carol,
        )
    with pytest.raises(PermissionDenied):
        _check(world, template, [{"card": "CD001"}], user=world.mallory)


def test_empty_template_rows_are_skipped(world, template):
    sections = selectors.sections_for(template=template, unit=world.a1)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([h for _, h in import_columns(sections)])
    sheet.append(["CD001", "Nguyễn Văn An"])
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(ValidationError):  # nothing written at all
        imports.import_check(
            unit=world.a1,
            template=template,
            file=SimpleUploadedFile("x.xlsx", out.getvalue()),
            acting_user=world.carol,
        )


def test_the_screens_template_upload_preview_and_import(client, world, template):
    client.force_login(world.carol)
    response = client.get(reverse("pledges:import_template"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=1, column=2).value == "Họ và tên"
    names = {sheet.cell(row=r, column=2).value for r in range(2, sheet.max_row + 1)}
    assert names == {"Nguyễn Văn An", "Trần Thị Bình"}
    assert client.get(reverse("pledges:import_upload")).status_code == 200
    upload = _sheet(template, world.a1, [{"card": "CD001"}, {"card": "CD404"}])
    response = client.post(reverse("pledges:import_upload"), {"unit": world.a1.pk, "file": upload})
    assert response.status_code == 302
    url = response["Location"]
    body = client.get(url).content.decode()
    assert 'id="import-errors"' in body and 'data-row="3"' in body and "CD404" in body
    response = client.post(url, {"mode": "all"})
    assert response.status_code == 200 and not Pledge.objects.exists()
    response = client.post(url, {"mode": "valid"})
    assert response.status_code == 302 and Pledge.objects.count() == 1
    client.force_login(world.erin)
    assert client.get(reverse("pledges:import_upload")).status_code == 403
