"""Valid files made from the demo data, the seeds of the fuzz corpus (and of the hypothesis
tests' mutations): the demo plan as .txt, .docx and .pdf, member and unit sheets with the demo's
names, the demo contest's question bank as .xlsx, .csv and .docx, a filled pledge import sheet.

Needs Django set up (the sheets' headers and choices come from the project)."""

from __future__ import annotations

import csv
import io
import random
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_PLAN = ROOT / "chuyende" / "demo" / "data" / "ke-hoach-26-KH-LDLD-2024.txt"
PLAN_FIXTURES = ROOT / "chuyende" / "plans" / "tests" / "fixtures"


# Plans ---------------------------------------------------------------------------------------


def plan_texts() -> dict[str, str]:
    texts = {"demo-plan": DEMO_PLAN.read_text(encoding="utf-8")}
    for path in sorted(PLAN_FIXTURES.glob("*.txt"))[:6]:
        texts[path.stem] = path.read_text(encoding="utf-8")
    return texts


def plan_docx() -> bytes:
    """The demo plan as an officer's Word file: header and signature in two-column tables."""
    import docx

    lines = DEMO_PLAN.read_text(encoding="utf-8").split("\n")
    kind_at = next(i for i, line in enumerate(lines) if line.strip() == "KẾ HOẠCH")
    footer_at = next(i for i, line in enumerate(lines) if "Nơi nhận" in line)
    document = docx.Document()
    header = document.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    for cell, cell_lines in ((left, lines[:kind_at][:4]), (right, lines[:kind_at][4:])):
        cell.text = cell_lines[0].strip() if cell_lines else ""
        for line in cell_lines[1:]:
            cell.add_paragraph(line.strip())
    for line in lines[kind_at:footer_at]:
        if line.strip():
            document.add_paragraph(line.strip())
    footer = document.add_table(rows=1, cols=2)
    left, right = footer.rows[0].cells
    left.text = "Nơi nhận:"
    for line in lines[footer_at + 1 :]:
        if line.strip().startswith("-"):
            left.add_paragraph(line.strip())
    right.text = "TM. BAN THƯỜNG VỤ"
    for line in ("PHÓ CHỦ TỊCH", "(Đã ký)", "Nguyễn Thị Lý"):
        right.add_paragraph(line)
    return _save_docx(document)


def plan_pdf() -> bytes:
    """The demo plan's text layer in a minimal PDF (Helvetica, the accents folded away)."""
    from chuyende.core.text import fold

    lines = [fold(line).upper() if line.isupper() else fold(line) for line in _demo_lines()]
    pages = [lines[i : i + 50] for i in range(0, len(lines), 50)]
    return minimal_pdf([_text_stream(page) for page in pages])


def _demo_lines() -> list[str]:
    return [line for line in DEMO_PLAN.read_text(encoding="utf-8").split("\n") if line.strip()]


def minimal_pdf(page_streams: list[bytes]) -> bytes:
    """A PDF written by hand: one page per content stream, Helvetica for any text."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        None,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for stream in page_streams:
        data = zlib.compress(stream)
        objects.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
        )
        content = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _text_stream(lines: list[str]) -> bytes:
    body = [b"BT /F1 10 Tf 14 TL 50 800 Td"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        body.append(b"(" + escaped.encode("latin-1", "replace") + b") Tj T*")
    body.append(b"ET")
    return b"\n".join(body)


def _save_docx(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# Sheets --------------------------------------------------------------------------------------


def xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], *, delimiter: str = ",", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    data = buffer.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


def member_rows(count: int = 12, *, unit_code: str = "BMT-001") -> list[list]:
    """A member sheet as a federation would send it: a title row, the template's headers, the
    demo's names (some of the fuzz world's members, by card number, and new ones)."""
    from chuyende.demo.names import person_name
    from chuyende.transfer.fields import MEMBER_COLUMNS

    rng = random.Random(26)
    rows = [["DANH SÁCH ĐOÀN VIÊN"], [c.header for c in MEMBER_COLUMNS]]
    for number in range(1, count + 1):
        female = number % 2 == 0
        ethnicity = ("Kinh", "Ê Đê", "M'Nông", "Gia Rai")[number % 4]
        values = {
            "unit_code": unit_code,
            "full_name": person_name(rng, ethnicity, female),
            "gender": "Nữ" if female else "Nam",
            "date_of_birth": f"{number % 28 + 1:02d}/{number % 12 + 1:02d}/{1970 + number}",
            "ethnicity": ethnicity,
            "religion": "Không",
            "phone": f"09{number:08d}",
            "email": f"doanvien{number}@example.vn",
            "id_number": f"0661{number:08d}",
            "card_number": f"DLK-{number:07d}",
            "job_title": "Giáo viên",
            "union_position": "",
            "joined_on": f"15/09/{2000 + number}",
            "status": "Đang sinh hoạt",
        }
        rows.append([values.get(c.name, "") for c in MEMBER_COLUMNS])
    return rows


def unit_rows() -> list[list]:
    from chuyende.demo.names import FIGURES
    from chuyende.transfer.fields import UNIT_COLUMNS

    rows = [[c.header for c in UNIT_COLUMNS]]
    for number, figure in enumerate(FIGURES[:8], start=100):
        values = {
            "code": f"DLK-BMT-{number:04d}",
            "name": f"Công đoàn Trường THCS {figure}",
            "parent_code": "DLK-BMT",
            "kind": "CĐCS",
            "sub_kind": "",
            "short_name": f"CĐ THCS {figure}",
            "address": "Buôn Ma Thuột, Đắk Lắk",
            "phone": f"0262{number:07d}",
            "email": f"thcs{number}@example.vn",
        }
        rows.append([values.get(c.name, "") for c in UNIT_COLUMNS])
    return rows


# Question banks ------------------------------------------------------------------------------


def question_rows(count: int = 15) -> list[list]:
    from chuyende.contests.demo_questions import QUESTIONS

    rows = [["Câu hỏi", "A", "B", "C", "D", "Đáp án", "Chủ đề", "Mức độ"]]
    for number, (category, text, options, correct) in enumerate(QUESTIONS[:count]):
        padded = (list(options) + ["", "", "", ""])[:4]
        answer = ("Đúng" if correct == "A" else "Sai") if options == ["Đúng", "Sai"] else correct
        rows.append([text, *padded, answer, category, number % 3 + 1])
    return rows


def question_docx(count: int = 12) -> bytes:
    import docx

    from chuyende.contests.demo_questions import QUESTIONS

    document = docx.Document()
    category = None
    for number, (topic, text, options, correct) in enumerate(QUESTIONS[:count], start=1):
        if topic != category:
            document.add_paragraph(f"Chủ đề: {topic}")
            category = topic
        document.add_paragraph(f"Câu {number}: {text}")
        for letter, option in zip("ABCD", options, strict=False):
            document.add_paragraph(f"{letter}. {option}")
        document.add_paragraph(f"Đáp án: {correct}")
    return _save_docx(document)


# Pledges -------------------------------------------------------------------------------------


PLEDGE_SECTIONS = [
    ("politics", "Về tư tưởng chính trị"),
    ("ethics", "Về đạo đức, lối sống"),
    ("duties", "Về thực hiện chức trách, nhiệm vụ được giao"),
    ("example", "Về trách nhiệm nêu gương"),
]


def pledge_rows() -> list[list]:
    """The pledge import sheet, filled as a CĐCS would from the paper forms (the fuzz world's
    members, by card number or by name and year of birth)."""
    from chuyende.pledges.exports import ID_COLUMNS, TAIL_COLUMNS

    headers = [h for _, h in ID_COLUMNS]
    headers += [f"{title} (mỗi cam kết một dòng)" for _, title in PLEDGE_SECTIONS]
    headers += [h for _, h in TAIL_COLUMNS]
    rows = [headers]
    people = [
        ("DLK-0000001", "Nguyễn Văn An", 1981),
        ("", "Trần Thị Bình", 1982),
        ("DLK-0000003", "H'Nga Byă", 1983),
        ("DLK-0000099", "Người Không Có", 1990),
    ]
    for card, name, year in people:
        rows.append(
            [
                card,
                name,
                year,
                "Giáo viên",
                "Tổ Toán",
                "Trung thành với lý tưởng của Đảng",
                "Sống giản dị, trung thực",
                "Hoàn thành 100% kế hoạch giảng dạy\nDự giờ 18 tiết mỗi học kỳ",
                "",
                "- Đọc sách về Bác mỗi tháng\n- Tham gia hội diễn cồng chiêng\n- Giúp đỡ học sinh",
                "Hoàn thành tốt nhiệm vụ",
            ]
        )
    return rows
