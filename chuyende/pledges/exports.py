"""The printed pledge (.docx, and .pdf where LibreOffice is installed) and the import template.

The pledge is an official document of the grassroots union, in Vietnamese whatever the screen
language, made by the one builder in `chuyende.core.documents`.
"""

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from chuyende.core.documents import OfficialDocument, Signer, build_document
from chuyende.core.sheets import safe_cell

from .choices import UNION_TITLE, ItemResult

RESULT_LABELS_VI = {
    ItemResult.DONE: "Đã thực hiện",
    ItemResult.PARTLY: "Thực hiện một phần",
    ItemResult.NOT_DONE: "Chưa thực hiện",
}
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def _roman(n: int) -> str:
    return ROMAN[n - 1] if n <= len(ROMAN) else str(n)


def pledge_docx(*, pledge, sections, header, evaluation=None) -> bytes:
    """Bản cam kết: the identity block, every commitment by section, the concrete actions, the
    rating aimed for; the member's signature, and the union chair's confirmation as the
    document's signer. With a final rating, the year-end result follows."""
    template = pledge.template
    when = timezone.localtime(pledge.submitted_at or pledge.created_at).date()
    doc = OfficialDocument(
        superior=header.superior,
        issuer=header.union.name,
        kind="BẢN CAM KẾT",
        summary=f"Tu dưỡng, rèn luyện năm {pledge.year}",
        place=header.locality or "………",
        date=when,
        signer=Signer(
            authority="XÁC NHẬN CỦA CÔNG ĐOÀN CƠ SỞ",
            position="TM. BAN CHẤP HÀNH — CHỦ TỊCH",
            name=header.chair,
        ),
        archive="CĐCS",
    )
    labels = template.level_labels

    def body(b):
        if template.topic:
            b.paragraph(f"Chuyên đề năm {pledge.year}: {template.topic}", italic=True)
        b.paragraph(f"Họ và tên: {pledge.full_name}", indent=False)
        b.paragraph(
            f"Năm sinh: {pledge.birth_year or '……'}      "
            f"Chức vụ, vị trí công tác: {pledge.position or '……'}",
            indent=False,
        )
        b.paragraph(f"Đơn vị: {pledge.unit_name}", indent=False)
        b.paragraph(f"Tổ công đoàn: {pledge.union_group or '……'}", indent=False)
        b.paragraph(
            "Thực hiện Kế hoạch của công đoàn cấp trên về học tập và làm theo tư tưởng, đạo đức, "
            "phong cách Hồ Chí Minh, tôi xin cam kết tu dưỡng, rèn luyện những nội dung sau:"
        )
        number = 0
        for number, (section, items) in enumerate(pledge.items(sections), start=1):
            b.heading(f"{_roman(number)}. {section.title.upper()}", level=1)
            for item in items:
                b.bullet(item)
            if not items:
                b.paragraph("(Không ghi)", italic=True)
        b.heading(f"{_roman(number + 1)}. NHỮNG VIỆC LÀM CỤ THỂ", level=1)
        for index, action in enumerate(pledge.actions, start=1):
            b.paragraph(f"{index}. {action}")
        b.heading(f"{_roman(number + 2)}. MỨC XẾP LOẠI PHẤN ĐẤU", level=1)
        b.paragraph(f"Phấn đấu cuối năm đạt mức: {labels.get(pledge.target_rating, '……')}.")
        if evaluation is not None and evaluation.final_rating:
            b.heading(f"{_roman(number + 3)}. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CUỐI NĂM", level=1)
            b.paragraph(f"Xếp loại: {labels.get(evaluation.final_rating, '')}.")
            if evaluation.union_title:
                b.paragraph(f"Danh hiệu: {UNION_TITLE}.")
        b.paragraph(
            "Tôi xin hứa thực hiện nghiêm túc những nội dung đã cam kết, chịu sự giám sát của "
            "tổ chức công đoàn và đồng nghiệp; bản cam kết là căn cứ để đánh giá, xếp loại "
            "đoàn viên cuối năm."
        )
        _member_signature(b, pledge)

    return build_document(doc, body)


def _member_signature(b, pledge):
    """The member's own signature, on the right above the union's confirmation."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table = b.document.add_table(rows=1, cols=2)
    right = table.rows[0].cells[1]
    lines = [("NGƯỜI CAM KẾT", True, False), ("(Ký, ghi rõ họ tên)", False, True)]
    for index, (text, bold, italic) in enumerate(lines):
        paragraph = right.paragraphs[0] if index == 0 else right.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
    for _ in range(3):
        right.add_paragraph()
    paragraph = right.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(pledge.full_name).bold = True


# The import template ------------------------------------------------------------------------------

ID_COLUMNS = [
    ("card_number", "Số thẻ đoàn viên"),
    ("full_name", "Họ và tên"),
    ("birth_year", "Năm sinh"),
    ("position", "Chức vụ, vị trí công tác"),
    ("union_group", "Tổ công đoàn"),
]
TAIL_COLUMNS = [
    ("actions", "Việc làm cụ thể (mỗi việc một dòng)"),
    ("target_rating", "Mức xếp loại phấn đấu"),
]


def import_columns(sections) -> list[tuple[str, str]]:
    """(field, header) of the import sheet: identity, one column per section, actions, rating."""
    return [
        *ID_COLUMNS,
        *[(f"section_{s.code}", f"{s.title} (mỗi cam kết một dòng)") for s in sections],
        *TAIL_COLUMNS,
    ]


def import_template_xlsx(*, template, sections, members=()) -> bytes:
    """The sheet a CĐCS fills in from the paper forms: one row a member (names pre-filled)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Ban cam ket"
    columns = import_columns(sections)
    sheet.append([safe_cell(header) for _, header in columns])  # section titles are typed in
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for member in members:
        sheet.append(
            [
                safe_cell(member.card_number),
                safe_cell(member.full_name),
                member.date_of_birth.year if member.date_of_birth else None,
                safe_cell(member.job_title),
                "",
            ]
        )
    for index, (field, _) in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = 40 if field.startswith("section_") else 22
    # The list is a formula in Excel: a quote in a label would end its string.
    levels = ",".join(level["label"].replace('"', "'") for level in template.rating_levels)
    if len(levels) < 250:
        rating_col = sheet.cell(row=1, column=len(columns)).column_letter
        validation = DataValidation(type="list", formula1=f'"{levels}"', allow_blank=True)
        sheet.add_data_validation(validation)
        validation.add(f"{rating_col}2:{rating_col}2000")
    notes = workbook.create_sheet("Huong dan")
    notes.append(["Hướng dẫn"])
    notes.append([safe_cell(template.title)])
    notes.append(["Mỗi dòng là bản cam kết của một đoàn viên; ghi số thẻ hoặc họ tên và năm sinh."])
    notes.append(["Trong một ô, mỗi cam kết hoặc việc làm ghi trên một dòng (Alt+Enter)."])
    for s in sections:
        notes.append([safe_cell(f"{s.title}: ít nhất {s.min_items} cam kết. {s.guidance}")])
    notes.append([f"Việc làm cụ thể: từ {template.min_actions} đến {template.max_actions} việc."])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
