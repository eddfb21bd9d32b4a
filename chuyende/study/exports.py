"""The printable attendance sheet (.docx) and the participants list (.xlsx) of a session.

The sheet is an official document, in Vietnamese whatever the screen language, made by the one
builder in `chuyende.core.documents` (Decree 30/2020/NĐ-CP layout): names and units only. The
participants list has names, units, gender and the year of birth (the masked date of birth);
their ethnicity only in the list asked for with a reason by a role that may reveal it
(chuyende.core.reasons), masked otherwise.
"""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from chuyende.core.documents import OfficialDocument, Signer, build_document, vn_number
from chuyende.core.masking import MASK, mask_date
from chuyende.core.sheets import safe_cell

BLANK_LINES_DEFAULT = 30
BLANK_LINES_MAX = 300
SHEET_COLUMNS = ("STT", "Họ và tên", "Đơn vị", "Ký tên")
SHEET_WIDTHS_CM = (1.3, 6.2, 5.5, 3.5)


def attendance_sheet_docx(*, session, superior: str, locality: str, members, total: int) -> bytes:
    """STT | Họ và tên | Đơn vị | Ký tên, with the expected members' names (or numbered blank
    lines when the session only gives a number of people)."""
    doc = OfficialDocument(
        superior=superior,
        issuer=session.unit.name,
        kind="Danh sách điểm danh",
        summary=session.title,
        place=locality or "………",
        date=session.date,
        signer=Signer(position="Người lập danh sách"),
    )
    when = session.date.strftime("%d/%m/%Y")
    details = [
        ("Thời gian", f"{session.start_time:%H:%M}, ngày {when}" if session.start_time else when)
    ]
    if session.place:
        details.append(("Địa điểm", session.place))
    if session.audiences:
        details.append(("Đối tượng", "; ".join(session.audiences)))
    if session.task_id:
        plan = session.task.plan
        details.append(
            ("Thực hiện", f"Nhiệm vụ {session.task.ref}, {plan.kind.lower()} số {plan.number}")
        )
    if members:
        rows = [(n, m.full_name, m.unit.display_name, "") for n, m in enumerate(members, start=1)]
    else:
        count = session.expected_count if session.expected_mode == "number" else 0
        lines = min(count or BLANK_LINES_DEFAULT, BLANK_LINES_MAX)
        rows = [(n, "", "", "") for n in range(1, lines + 1)]

    def body(b):
        for label, value in details:
            b.paragraph(f"{label}: {value}", indent=False)
        b.table(SHEET_COLUMNS, rows, widths_cm=SHEET_WIDTHS_CM)
        if members and total > len(members):
            b.paragraph(
                f"(Danh sách có {vn_number(total)} người; bản in này ghi "
                f"{vn_number(len(members))} người đầu tiên.)",
                italic=True,
                indent=False,
            )

    return build_document(doc, body)


def participants_xlsx(*, session, attendances, figures, sensitive: bool = False) -> bytes:
    """The participants of a session: the listed members (masked; their ethnicity only when
    `sensitive`) and the head counts."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Participants")[:31])
    bold = Font(bold=True)

    def heading(*values):
        row = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=safe_cell(value))
            cell.font = bold
            row.append(cell)
        return row

    sheet.append(heading(session.title))
    sheet.append(
        [safe_cell(session.unit.name), session.date.strftime("%d/%m/%Y"), safe_cell(session.place)]
    )
    sheet.append([])
    sheet.append(
        heading(
            _("No."),
            _("Full name"),
            _("Unit"),
            _("Gender"),
            _("Date of birth"),
            _("Ethnicity"),
            _("Recorded"),
            _("Time"),
        )
    )
    for number, attendance in enumerate(attendances, start=1):
        member = attendance.member
        sheet.append(
            [
                number,
                safe_cell(member.full_name),
                safe_cell(member.unit.display_name),
                str(member.get_gender_display()),
                mask_date(member.date_of_birth),
                safe_cell(member.ethnicity) if sensitive else MASK * 3,
                str(attendance.get_source_display()),
                timezone.localtime(attendance.checked_in_at).strftime("%H:%M %d/%m/%Y"),
            ]
        )
    sheet.append([])
    sheet.append(heading(_("People not on any list"), figures.headcount))
    sheet.append([_("of whom women"), figures.headcount_women])
    sheet.append([_("of whom ethnic minority"), figures.headcount_minority])
    sheet.append([_("of whom union members"), session.headcount_members])
    sheet.append(heading(_("Participants"), figures.participants))
    sheet.append([_("Expected"), figures.expected])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
