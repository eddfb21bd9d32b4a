"""The report as an official .docx, the compiled report, the .xlsx figures table and the
export_report command, read back with python-docx and openpyxl."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from chuyende.core.documents import MOTTO, MOTTO_LINE
from chuyende.reports.services import report_save, report_submit

from .test_views import (
    open_report,
    reporting,  # noqa: F401  (the fixture)
)


@pytest.fixture
def w(reporting):  # noqa: F811
    return reporting


def _text(document):
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _written(w, **narrative):
    report = open_report(w)
    return report_save(
        report=report,
        version=report.version,
        acting_user=w.bob,
        narrative={
            "leadership": "Ban Thường vụ ban hành kế hoạch",
            "results": "Tổ chức 12 buổi học tập",
            "number": "5/BC-LĐLĐ",
            "signer_authority": "TM. Ban Thường vụ",
            "signer_position": "Chủ tịch",
            "signer_name": "Trần Văn Ký",
            **narrative,
        },
        declared={"test.declared": "1.234"},
    )


@pytest.mark.django_db
def test_a_units_report_downloads_as_an_official_docx(client, w):
    report = _written(w)
    client.force_login(w.bob)
    response = client.get(reverse("reports:report_docx", kwargs={"pk": report.pk}))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(response.content))
    text = _text(document)
    assert MOTTO in text and MOTTO_LINE in text
    assert "Số: 05/BC-LĐLĐ" in text
    assert "BÁO CÁO" in text
    assert "Kết quả thực hiện Kế hoạch chuyên đề 6 tháng đầu năm 2024" in text
    assert "I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO" in text and "Ban Thường vụ ban hành kế hoạch" in text
    figures = next(t for t in document.tables if t.rows[0].cells[1].text == "Chỉ tiêu")
    rows = {r.cells[1].text: (r.cells[3].text, r.cells[4].text) for r in figures.rows[1:]}
    assert rows["Members counted"] == ("3", "Tổng hợp từ dữ liệu")
    assert rows["Talks given"] == ("1.234", "Số liệu tự khai")
    assert "TRẦN VĂN KÝ" not in text and "Trần Văn Ký" in text and "CHỦ TỊCH" in text
    assert "Nơi nhận:" in text and "- Liên đoàn Lao động tỉnh Đắk Lắk (Báo cáo);" in text


@pytest.mark.django_db
def test_the_compiled_provincial_report_has_the_childrens_figures(client, w):
    report_submit(report=_written(w), acting_user=w.bob)
    client.force_login(w.alice)
    url = reverse("reports:compiled_docx", kwargs={"pk": w.form.pk, "period": "2024S1"})
    document = Document(io.BytesIO(client.get(url).content))
    text = _text(document)
    assert MOTTO in text and "Liên đoàn Lao động tỉnh Đắk Lắk".upper() in text
    assert "Số: /BC-LĐLĐ" in text and "đạt 50%" in text
    children = next(t for t in document.tables if t.rows[0].cells[1].text == "Đơn vị")
    rows = {r.cells[1].text: [c.text for c in r.cells[2:]] for r in children.rows[1:]}
    assert rows["LĐLĐ TP. Buôn Ma Thuột"] == ["1.234", "3"]
    assert rows["Liên đoàn Lao động huyện Ea Kar"] == ["", ""]


@pytest.mark.django_db
def test_the_figures_xlsx_is_formatted_and_neutralises_formula_text(client, w):
    report_submit(report=_written(w), acting_user=w.bob)
    w.b.name = '=HYPERLINK("http://x")'
    w.b.save(update_fields=["name"])
    client.force_login(w.alice)
    url = reverse("reports:rollup_xlsx", kwargs={"pk": w.form.pk, "period": "2024S1"})
    sheet = load_workbook(io.BytesIO(client.get(url).content))["Báo cáo gửi lên"]
    assert [c.value for c in sheet[2]] == [
        "Đơn vị",
        "Talks given (talks)",
        "Members counted (người)",
    ]
    assert all(c.font.bold for c in sheet[2])
    names = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert '\'=HYPERLINK("http://x")' in names
    assert not any(
        str(v).startswith(("=", "+", "-", "@")) for row in sheet.values for v in row if v
    )
    a_row = next(
        r
        for r in sheet.iter_rows(min_row=3)
        if r[0].value.startswith("Liên đoàn Lao động thành phố")
    )
    assert a_row[2].value == 3 and a_row[2].alignment.horizontal == "right"
    assert sheet.column_dimensions["A"].width >= 40


@pytest.mark.django_db
def test_export_report_writes_the_compiled_report_for_the_root_of_the_reporting_tree(w, tmp_path):
    report_submit(report=_written(w), acting_user=w.bob)
    out = tmp_path / "bao-cao.docx"
    call_command("export_report", "--period", "2024S1", "-o", str(out))
    text = _text(Document(out))
    assert MOTTO in text and "Số: /BC-LĐLĐ" in text and "LĐLĐ TP. Buôn Ma Thuột" in text
    call_command("export_report", "--period", "2024s1", "--unit", "DLK-BMT", "-o", str(out))
    assert "Số: 05/BC-LĐLĐ" in _text(Document(out))
    with pytest.raises(CommandError):
        call_command("export_report", "--period", "2024S2", "-o", str(out))
    with pytest.raises(CommandError):
        call_command("export_report", "--period", "2024S1", "--unit", "DLK-EAKAR", "-o", str(out))
