"""The one builder of official .docx documents (Decree 30/2020/NĐ-CP, Appendix I, as the trade
union applies it: QĐ 933/QĐ-TLĐ of 14/5/2024). Reports, pledges, award decisions, inspection
minutes and attendance sheets all come out of `build_document`.

    doc = OfficialDocument(superior="TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM",
                           issuer="LIÊN ĐOÀN LAO ĐỘNG TỈNH ĐẮK LẮK", number="5/BC-LĐLĐ",
                           place="Đắk Lắk", date=date(2024, 7, 5), kind="BÁO CÁO",
                           summary="Kết quả 6 tháng đầu năm 2024", signer=Signer(...),
                           recipients=[Recipient("Ban TG Tỉnh ủy", "Báo cáo")], archive="VT, TG-NC")
    data = build_document(doc, lambda body: body.paragraph("…"))

The result stays editable: plain paragraphs and tables, no text boxes.
"""

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_LINE = "Độc lập - Tự do - Hạnh phúc"


@dataclass
class Signer:
    authority: str = ""  # "TM. BAN THƯỜNG VỤ"
    position: str = ""  # "PHÓ CHỦ TỊCH"
    name: str = ""  # "Nguyễn Thị Lý"


@dataclass
class Recipient:
    name: str
    purpose: str = ""  # "Báo cáo", "Thực hiện"


@dataclass
class OfficialDocument:
    issuer: str
    kind: str
    summary: str
    place: str
    date: date
    superior: str = ""
    number: str = ""  # "5/BC-LĐLĐ"; printed "Số: 05/BC-LĐLĐ"
    signer: Signer = field(default_factory=Signer)
    recipients: list[Recipient] = field(default_factory=list)
    archive: str = "VT"  # printed "- Lưu: VT, TG-NC."
    landscape: bool = False


def number_line(number: str) -> str:
    """'5/BC-LĐLĐ' -> 'Số: 05/BC-LĐLĐ'; an empty number leaves room to write it by hand."""
    number = re.sub(r"\s+", "", number or "")
    if not number:
        return "Số:      /"
    head, sep, tail = number.partition("/")
    if head.isdigit() and int(head) < 10:
        head = f"{int(head):02d}"
    return f"Số: {head}{sep}{tail}"


def date_line(place: str, when: date) -> str:
    """'Đắk Lắk, ngày 05 tháng 02 năm 2024': days below 10 and months 1–2 with a leading 0."""
    day = f"{when.day:02d}"
    month = f"{when.month:02d}" if when.month <= 2 else str(when.month)
    return f"{place}, ngày {day} tháng {month} năm {when.year}"


def vn_number(value) -> str:
    """1234.5 -> '1.234,5'; integers without decimals."""
    if value is None or value == "":
        return ""
    if isinstance(value, int | Decimal) and value == int(value):
        return f"{int(value):,}".replace(",", ".")
    if isinstance(value, float | Decimal):
        text = f"{value:,.1f}"
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return str(value)


class Body:
    """What a document's body may hold; every piece follows the layout rules."""

    def __init__(self, document):
        self.document = document

    def heading(self, text: str, level: int = 1) -> None:
        """Level 1: 'I. NỘI DUNG' bold upper; level 2: '1. …' bold; level 3: 'a) …' italic."""
        paragraph = self._paragraph(indent=True)
        run = paragraph.add_run(text)
        run.bold = level <= 2
        run.italic = level == 3

    def paragraph(self, text: str, *, bold=False, italic=False, indent=True, center=False):
        paragraph = self._paragraph(indent=indent and not center)
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        return paragraph

    def bullet(self, text: str, level: int = 1) -> None:
        """'- …' at level 1, '+ …' at level 2."""
        self.paragraph(("- " if level == 1 else "+ ") + text)

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence],
        *,
        numeric: Sequence[int] = (),
        widths_cm: Sequence[float] = (),
    ) -> None:
        """A figures table with a header row; numeric columns right-aligned, Vietnamese format."""
        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            _cell_text(cell, str(text), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _repeat_header(table.rows[0])
        for values in rows:
            cells = table.add_row().cells
            for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
                if index in numeric:
                    _cell_text(cell, vn_number(value), align=WD_ALIGN_PARAGRAPH.RIGHT)
                else:
                    _cell_text(cell, "" if value is None else str(value))
        for index, width in enumerate(widths_cm):
            for row in table.rows:
                row.cells[index].width = Cm(width)
        self.document.add_paragraph()

    def _paragraph(self, indent=True):
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt = paragraph.paragraph_format
        fmt.space_after = Pt(6)
        fmt.line_spacing = 1.15
        if indent:
            fmt.first_line_indent = Cm(1.27)
        return paragraph


def build_document(doc: OfficialDocument, body: Callable[[Body], None]) -> bytes:
    """The .docx bytes of an official document whose body `body(Body)` writes."""
    document = Document()
    _base_style(document)
    _page(document, doc.landscape)
    _header(document, doc)
    _title(document, doc)
    body(Body(document))
    _signature(document, doc)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# Layout --------------------------------------------------------------------------------------


def _base_style(document):
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    style.paragraph_format.space_after = Pt(0)


def _page(document, landscape):
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    # Page numbers from page 2, top centre: the first page has its own, empty header.
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(paragraph.add_run())


def _page_field(run):
    run.font.size = Pt(13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _header(document, doc):
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(9.5)
    lines = []
    if doc.superior:
        lines.append((doc.superior.upper(), False, 12))
    lines.append((doc.issuer.upper(), True, 12))
    _lines(left, lines)
    _rule(left)
    _lines(left, [(number_line(doc.number), False, 13)], first=False)
    _lines(right, [(MOTTO, True, 12), (MOTTO_LINE, True, 13)])
    _rule(right)
    paragraph = right.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(date_line(doc.place, doc.date))
    run.italic = True
    run.font.size = Pt(13)


def _lines(cell, lines, first=True):
    for index, (text, bold, size) in enumerate(lines):
        paragraph = cell.paragraphs[0] if first and index == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = bold
        run.font.size = Pt(size)


def _rule(cell):
    """A short centred rule under the last line of a header block."""
    paragraph = cell.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run("—————")
    run.font.size = Pt(8)


def _title(document, doc):
    document.add_paragraph()
    for text, size in ((doc.kind.upper(), 14), (doc.summary, 14)):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = True
        run.font.size = Pt(size)
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("—————").font.size = Pt(8)


def _signature(document, doc):
    document.add_paragraph()
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Cm(7.5), Cm(8.5)
    paragraph = left.paragraphs[0]
    run = paragraph.add_run("Nơi nhận:")
    run.bold = run.italic = True
    run.font.size = Pt(12)
    for recipient in doc.recipients:
        purpose = f" ({recipient.purpose})" if recipient.purpose else ""
        _small(left.add_paragraph(), f"- {recipient.name}{purpose};")
    _small(left.add_paragraph(), f"- Lưu: {doc.archive}.")
    signer = doc.signer
    lines = [(signer.authority.upper(), True), (signer.position.upper(), True)]
    first = True
    for text, bold in lines:
        if not text:
            continue
        paragraph = right.paragraphs[0] if first else right.add_paragraph()
        first = False
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = bold
    for _ in range(4):  # room for the signature and the seal
        right.add_paragraph()
    paragraph = right.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(signer.name).bold = True


def _small(paragraph, text):
    run = paragraph.add_run(text)
    run.font.size = Pt(11)


def _cell_text(cell, text, *, bold=False, align=None):
    paragraph = cell.paragraphs[0]
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(13)


def _repeat_header(row):
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)
