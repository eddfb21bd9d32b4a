"""Reading .txt (any common encoding), .docx and .pdf files, and the errors for what cannot be read."""

import io
import zlib
from pathlib import Path

import pytest

from chuyende.plans.parsing import PlanReadError, parse_plan_file, parse_plan_text
from chuyende.plans.parsing.readers import read_plan_file

SEED = Path(__file__).resolve().parents[2] / "demo" / "data" / "ke-hoach-26-KH-LDLD-2024.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")
SAME_FIELDS = ("kind", "number", "issuer", "issuer_parent", "date", "title", "tasks")


def _seed_docx() -> bytes:
    """The seed as an officer's Word file: header and signature in 2-column tables."""
    import docx

    lines = SEED_TEXT.split("\n")
    kind_at = next(i for i, line in enumerate(lines) if line.strip() == "KẾ HOẠCH")
    footer_at = next(i for i, line in enumerate(lines) if "Nơi nhận" in line)
    document = docx.Document()
    header = document.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left.text = "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM"
    left.add_paragraph("LIÊN ĐOÀN LAO ĐỘNG TỈNH ĐẮK LẮK")
    left.add_paragraph("Số: 26 /KH-LĐLĐ")
    right.text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    right.add_paragraph("Độc lập - Tự do - Hạnh phúc")
    right.add_paragraph("Đắk Lắk, ngày 22 tháng 02 năm 2024")
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
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf(page_streams: list[bytes]) -> bytes:
    """A minimal PDF by hand: one page per content stream, Helvetica for any text."""
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
        body.append(b"(" + escaped.encode("latin-1") + b") Tj T*")
    body.append(b"ET")
    return b"\n".join(body)


ASCII_PLAN = [
    "LIEN DOAN LAO DONG TINH DAK LAK",
    "So: 26/KH-LDLD",
    "Dak Lak, ngay 22 thang 02 nam 2024",
    "KE HOACH",
    "To chuc hoc tap Chuyen de nam 2024",
    "I. MUC DICH, YEU CAU",
    "1. Kip thoi chi dao.",
    "II. NOI DUNG",
    "1. To chuc hoc tap Chuyen de",
    "- Thoi gian: Quy 1/2024",
    "III. TO CHUC THUC HIEN",
    "1. Cac cong doan co so",
    "- Bao cao ket qua ve LDLD tinh (6 thang, nam).",
]


def test_docx_with_header_table_parses_like_the_text(tmp_path):
    path = tmp_path / "ke-hoach.docx"
    path.write_bytes(_seed_docx())
    from_docx = parse_plan_file(path)
    from_text = parse_plan_text(SEED_TEXT)
    for key in SAME_FIELDS:
        assert from_docx[key] == from_text[key], key
    assert from_docx["signer"] == from_text["signer"]
    assert [r["name"] for r in from_docx["recipients"]] == [
        r["name"] for r in from_text["recipients"]
    ]


def test_docx_from_a_file_object_without_a_name_is_sniffed():
    plan = parse_plan_file(io.BytesIO(_seed_docx()))
    assert plan["number"] == "26/KH-LĐLĐ"


def test_pdf_text_layer_is_read(tmp_path):
    path = tmp_path / "ke-hoach.pdf"
    path.write_bytes(_pdf([_text_stream(ASCII_PLAN[:7]), _text_stream(ASCII_PLAN[7:])]))
    plan = parse_plan_file(path)
    assert plan["kind"] == "KE HOACH"
    assert plan["number"] == "26/KH-LDLD"
    assert plan["date"] == "2024-02-22"
    assert plan["issuer"] == "LIEN DOAN LAO DONG TINH DAK LAK"
    assert [s["number"] for s in plan["sections"]] == ["I", "II", "III"]
    assert plan["tasks"][0]["due"] == "2024-03-31"
    assert plan["reporting"] == [
        {"by": "Cac cong doan co so", "to": "LDLD tinh", "frequency": ["6 thang", "nam"]}
    ]


def test_image_only_pdf_is_refused_with_a_clear_message(tmp_path):
    drawing = b"q 0.5 g 50 50 200 100 re f Q"  # a grey box, no text at all
    path = tmp_path / "scan.pdf"
    path.write_bytes(_pdf([drawing, b""]))
    with pytest.raises(PlanReadError) as error:
        parse_plan_file(path)
    assert str(error.value) == (
        "Tệp PDF chỉ chứa ảnh, không có lớp chữ — hãy dùng bản Word hoặc PDF có chữ"
    )


def test_broken_pdf_and_docx_are_refused(tmp_path):
    for name, data in (("a.pdf", b"%PDF-1.4\ngarbage"), ("a.docx", b"PK\x03\x04 not a zip")):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(PlanReadError, match="Không đọc được tệp"):
            parse_plan_file(path)


@pytest.mark.parametrize("name", ["ke-hoach.odt", "ke-hoach.xlsx", "ke-hoach", "anh.png"])
def test_unknown_extension_is_refused_in_vietnamese(tmp_path, name):
    path = tmp_path / name
    path.write_text(SEED_TEXT, encoding="utf-8")
    with pytest.raises(PlanReadError) as error:
        parse_plan_file(path)
    assert str(error.value) == "Không đọc được tệp: tệp không phải .txt, .docx hoặc .pdf"


def test_old_word_file_is_refused_with_advice(tmp_path):
    path = tmp_path / "ke-hoach.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(PlanReadError, match=r"\.doc"):
        parse_plan_file(path)


def test_garbage_bytes_in_a_txt_are_refused(tmp_path):
    path = tmp_path / "ke-hoach.txt"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(PlanReadError, match="Không đọc được tệp"):
        parse_plan_file(path)


def test_text_that_is_not_a_plan_is_refused(tmp_path):
    path = tmp_path / "ghi-chu.txt"
    path.write_text("Danh sách đi chợ: rau, thịt, cá.\nGọi điện cho mẹ.\n", encoding="utf-8")
    with pytest.raises(PlanReadError) as error:
        parse_plan_file(path)
    assert str(error.value).startswith("Tệp không giống một văn bản kế hoạch")


def test_missing_and_empty_files_are_refused(tmp_path):
    with pytest.raises(PlanReadError, match="Không tìm thấy tệp"):
        parse_plan_file(tmp_path / "khong-co.txt")
    (tmp_path / "rong.txt").write_bytes(b"")
    with pytest.raises(PlanReadError, match="tệp rỗng"):
        parse_plan_file(tmp_path / "rong.txt")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1258"])
def test_text_files_in_common_encodings_read_the_same(tmp_path, encoding):
    import unicodedata

    path = tmp_path / "ke-hoach.txt"
    if encoding == "cp1258":  # Windows-1258 spells tones as combining marks after the letter
        data = b""
        for char in SEED_TEXT:
            try:
                data += char.encode("cp1258")
            except UnicodeEncodeError:
                parts = unicodedata.normalize("NFD", char)
                tones = "".join(m for m in parts[1:] if m in "\u0300\u0301\u0303\u0309\u0323")
                letter = unicodedata.normalize("NFC", "".join(m for m in parts if m not in tones))
                data += (letter + tones).encode("cp1258")
        assert data.decode("cp1258") != SEED_TEXT
    else:
        data = SEED_TEXT.encode(encoding)
    path.write_bytes(data)
    plan = parse_plan_file(path)
    assert plan["number"] == "26/KH-LĐLĐ"
    assert plan["issuer"] == "LIÊN ĐOÀN LAO ĐỘNG TỈNH ĐẮK LẮK"
    assert plan["place"] == "Đắk Lắk"
    assert len(plan["tasks"]) == 5


def test_read_plan_file_accepts_a_text_stream_and_an_explicit_name():
    text = read_plan_file(io.StringIO("KẾ HOẠCH\nI. NỘI DUNG\n"), filename="x.txt")
    assert text.startswith("KẾ HOẠCH")
