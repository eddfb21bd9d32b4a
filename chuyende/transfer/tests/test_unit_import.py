"""Unit imports: new units under parents named by code (in the database or earlier in the file),
updates by code, and the rows that cannot be right."""

import pytest
from django.utils import translation

from chuyende.org.models import Unit, UnitEvent

from .helpers import run_import, sheet

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Cấp", "Địa chỉ"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_new_units_under_a_parent_in_the_file_or_in_the_database(world):
    rows = [
        ["BMT-003-CHILD", "Tổ công đoàn Khối Văn phòng", "BMT-003", "Tổ công đoàn", ""],
        ["BMT-003", "Công đoàn Trường Tiểu học Hòa Bình", "DLK-BMT", "CĐCS", "Xã Hòa Thắng"],
        ["BMT-001", "Công đoàn Trường THCS Lê Lợi", "DLK-BMT", "CĐCS", "12 Lê Lợi"],
    ]
    job = run_import(world.bob, world.a, sheet(rows, header=HEADER), kind="units")
    assert job.status == "done", job.message
    assert (job.new_count, job.updated_count) == (2, 1)
    school = Unit.objects.get(code="BMT-003")
    assert school.kind == "grassroots" and Unit.objects.get_parent(school) == world.a
    child = Unit.objects.get(code="BMT-003-CHILD")
    assert child.kind == "section" and Unit.objects.get_parent(child) == school
    assert Unit.objects.get(code="BMT-001").address == "12 Lê Lợi"
    assert UnitEvent.objects.filter(unit=school, kind="created").exists()
    assert all(not part for part in Unit.objects.find_problems())


def test_rows_that_cannot_be_right_are_reported(world):
    rows = [
        ["NEW-1", "Công đoàn mới", "KHONG-CO", "CĐCS", ""],  # unknown parent
        ["NEW-2", "Công đoàn mới 2", "DLK-EAKAR", "CĐCS", ""],  # parent outside the subtree
        ["BMT-002", "Công đoàn Bệnh viện Thành phố", "BMT-001", "CĐCS", ""],  # a move
        ["EAKAR-001", "Đổi tên", "DLK-EAKAR", "CĐCS", ""],  # a unit outside the subtree
        ["NEW 3", "Mã có dấu cách", "DLK-BMT", "CĐCS", ""],  # bad code
        ["NEW-4", "", "DLK-BMT", "", ""],  # new without name and kind
        ["NEW-5", "Trùng mã", "DLK-BMT", "CĐCS", ""],
        ["NEW-5", "Trùng mã", "DLK-BMT", "CĐCS", ""],
    ]
    job = run_import(world.bob, world.a, sheet(rows, header=HEADER), kind="units", check_only=True)
    by_row = {}
    for row, _column, message in job.errors:
        by_row.setdefault(row, []).append(message)
    assert "Unknown unit code" in by_row[3][0]
    assert "outside the units you import into" in by_row[4][0]
    assert "move it on its unit page" in by_row[5][0]
    assert "outside the units you import into" in by_row[6][0]
    assert by_row[7]
    assert len(by_row[8]) == 2
    assert "Same as row 9" in by_row[10][0]
    assert job.new_count == 1 and Unit.objects.filter(code="NEW-5").count() == 0
