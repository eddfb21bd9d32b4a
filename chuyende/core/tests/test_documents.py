import io
from datetime import date

from docx import Document

from chuyende.core.documents import (
    OfficialDocument,
    Recipient,
    Signer,
    build_document,
    date_line,
    number_line,
    vn_number,
)


def _report():
    doc = OfficialDocument(
        superior="Tổng Liên đoàn Lao động Việt Nam",
        issuer="Liên đoàn Lao động tỉnh Đắk Lắk",
        number="5/BC-LĐLĐ",
        place="Đắk Lắk",
        date=date(2024, 7, 5),
        kind="Báo cáo",
        summary="Kết quả thực hiện Chuyên đề năm 2024 (6 tháng đầu năm)",
        signer=Signer("TM. Ban Thường vụ", "Phó Chủ tịch", "Nguyễn Thị Lý"),
        recipients=[Recipient("Ban TG Tỉnh ủy", "Báo cáo"), Recipient("Thường trực LĐLĐ tỉnh")],
        archive="VT, TG-NC",
    )

    def body(b):
        b.heading("I. KẾT QUẢ", 1)
        b.paragraph("Các cấp công đoàn đã tổ chức học tập, quán triệt.")
        b.bullet("Hội nghị trực tiếp")
        b.table(
            ["Đơn vị", "Số hội nghị", "Người tham dự"],
            [["LĐLĐ TP. Buôn Ma Thuột", 12, 1234], ["LĐLĐ huyện Ea Kar", 3, 87]],
            numeric=(1, 2),
        )

    return Document(io.BytesIO(build_document(doc, body)))


def test_number_and_date_lines_follow_the_decree():
    assert number_line("5/BC-LĐLĐ") == "Số: 05/BC-LĐLĐ"
    assert number_line("26 /KH-LĐLĐ") == "Số: 26/KH-LĐLĐ"
    assert number_line("") == "Số:      /"
    assert date_line("Đắk Lắk", date(2024, 2, 5)) == "Đắk Lắk, ngày 05 tháng 02 năm 2024"
    assert date_line("Đắk Lắk", date(2024, 11, 22)) == "Đắk Lắk, ngày 22 tháng 11 năm 2024"
    assert date_line("Đắk Lắk", date(2024, 3, 9)) == "Đắk Lắk, ngày 09 tháng 3 năm 2024"
    assert vn_number(1234) == "1.234" and vn_number(1234.5) == "1.234,5"


def test_the_header_holds_bodies_number_motto_and_date():
    document = _report()
    left, right = document.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs if p.text][:2] == [
        "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM",
        "LIÊN ĐOÀN LAO ĐỘNG TỈNH ĐẮK LẮK",
    ]
    assert "Số: 05/BC-LĐLĐ" in [p.text for p in left.paragraphs]
    issuer = next(p for p in left.paragraphs if p.text == "LIÊN ĐOÀN LAO ĐỘNG TỈNH ĐẮK LẮK")
    assert issuer.runs[0].bold
    texts = [p.text for p in right.paragraphs]
    assert texts[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    date_par = next(p for p in right.paragraphs if p.text.startswith("Đắk Lắk, ngày"))
    assert date_par.text == "Đắk Lắk, ngày 05 tháng 7 năm 2024" and date_par.runs[0].italic


def test_title_body_table_and_signature():
    document = _report()
    texts = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in texts
    assert "Kết quả thực hiện Chuyên đề năm 2024 (6 tháng đầu năm)" in texts
    assert "- Hội nghị trực tiếp" in texts
    figures = document.tables[1]
    assert [c.text for c in figures.rows[0].cells] == ["Đơn vị", "Số hội nghị", "Người tham dự"]
    assert [c.text for c in figures.rows[1].cells] == ["LĐLĐ TP. Buôn Ma Thuột", "12", "1.234"]
    left, right = document.tables[-1].rows[0].cells
    assert left.paragraphs[0].text == "Nơi nhận:"
    assert [p.text for p in left.paragraphs[1:]] == [
        "- Ban TG Tỉnh ủy (Báo cáo);",
        "- Thường trực LĐLĐ tỉnh;",
        "- Lưu: VT, TG-NC.",
    ]
    signature = [p.text for p in right.paragraphs if p.text]
    assert signature == ["TM. BAN THƯỜNG VỤ", "PHÓ CHỦ TỊCH", "Nguyễn Thị Lý"]


def test_page_font_and_margins():
    document = _report()
    section = document.sections[0]

    def mm(length):  # the file stores twentieths of a point
        return round(length.mm)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.left_margin), mm(section.right_margin), mm(section.top_margin)) == (
        30,
        15,
        20,
    )
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert document.styles["Normal"].font.name == "Times New Roman"
