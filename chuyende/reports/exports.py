"""A report as an official .docx (Decree 30/2020/NĐ-CP layout, through the one builder in
`chuyende.core.documents`), the compiled report of a parent, and the .xlsx of a figures table.

Documents are in Vietnamese whatever the screen language: the clerk files them as they are.
"""

import functools
import io
import re

from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from chuyende.core.documents import (
    OfficialDocument,
    Recipient,
    Signer,
    build_document,
    vn_number,
)
from chuyende.core.sheets import safe_cell

from .references import figure_values, fill_references
from .selectors import completeness, document_header, report_figures, rollup, unit_figures

SECTIONS = (
    ("leadership", "I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO"),
    ("results", "II. KẾT QUẢ THỰC HIỆN"),
    ("assessment", "III. ĐÁNH GIÁ CHUNG"),
    ("proposals", "IV. ĐỀ XUẤT, KIẾN NGHỊ VÀ NHIỆM VỤ TIẾP THEO"),
)
ROMAN_QUARTERS = {"1": "I", "2": "II", "3": "III", "4": "IV"}
TYPE_CODES = {"confederation": "TLĐ", "province": "LĐLĐ", "upper": "LĐLĐ", "grassroots": "CĐCS"}


def period_name_vi(period) -> str:
    """'6 tháng đầu năm 2024', 'năm 2024', 'quý I năm 2024', 'tháng 3 năm 2024'."""
    code = period.code
    match = re.match(r"^(\d{4})(S[12]|Q[1-4]|\d{2})?$", code)
    if not match:
        return period.name
    year, rest = match.groups()
    if not rest:
        return f"năm {year}"
    if rest == "S1":
        return f"6 tháng đầu năm {year}"
    if rest == "S2":
        return f"6 tháng cuối năm {year}"
    if rest.startswith("Q"):
        return f"quý {ROMAN_QUARTERS[rest[1]]} năm {year}"
    return f"tháng {int(rest)} năm {year}"


def summary_line(form, period) -> str:
    return f"Kết quả thực hiện {form.plan.title.strip().rstrip('.')} {period_name_vi(period)}"


def _number(report, unit) -> str:
    if report is not None and report.number:
        return report.number
    return f"/BC-{TYPE_CODES.get(unit.kind, 'CĐ')}"


def _signer(report, form, unit) -> Signer:
    if report is not None and (report.signer_name or report.signer_position):
        return Signer(report.signer_authority, report.signer_position, report.signer_name)
    signer = form.plan.signer if form.plan.unit_id == unit.pk else {}
    signer = signer if isinstance(signer, dict) else {}
    return Signer(
        signer.get("authority") or "",
        signer.get("position") or "",
        signer.get("name") or "",
    )


def _document(*, unit, form, period, report, recipients, landscape=False) -> OfficialDocument:
    superior, locality = document_header(unit=unit)
    when = timezone.localdate()
    if report is not None and report.submitted_at:
        when = timezone.localtime(report.submitted_at).date()
    return OfficialDocument(
        superior=superior,
        issuer=unit.name,
        number=_number(report, unit),
        place=locality or "………",
        date=when,
        kind="BÁO CÁO",
        summary=summary_line(form, period),
        signer=_signer(report, form, unit),
        recipients=recipients,
        archive="VT",
        landscape=landscape,
    )


def _narrative(body, report, section, text_after=None, values=None):
    for field, heading in SECTIONS:
        body.heading(heading)
        text = getattr(report, field, "") if report is not None else ""
        text = fill_references(text, values or {})
        for line in (text or "").splitlines():
            if line.strip():
                body.paragraph(line.strip())
        if field == "results" and text_after is not None:
            text_after(body)


def _figure_rows(figures):
    rows = []
    for n, row in enumerate(figures, start=1):
        indicator = row["indicator"]
        note = "Số liệu tự khai" if row["declared"] else "Tổng hợp từ dữ liệu"
        rows.append((n, indicator.label, indicator.unit_label, row["value"], note))
    return rows


FIGURE_HEADERS = ("STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu", "Ghi chú")
FIGURE_WIDTHS = (1.2, 7.0, 2.3, 2.5, 3.0)


def _in_vietnamese(function):
    """Official documents are Vietnamese whatever the language of the screens."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override("vi"):
            return function(*args, **kwargs)

    return wrapper


@_in_vietnamese
def report_docx(*, report) -> bytes:
    """One unit's report: narrative sections I.–IV., the figures table under II."""
    figures = report_figures(report=report)

    def table(body):
        body.paragraph("Số liệu kết quả thực hiện:", bold=True, indent=False)
        body.table(FIGURE_HEADERS, _figure_rows(figures), numeric=(0, 3), widths_cm=FIGURE_WIDTHS)

    doc = _document(
        unit=report.unit,
        form=report.form,
        period=report.period,
        report=report,
        recipients=[Recipient(report.form.recipient.name, "Báo cáo")],
    )
    values = figure_values(figures)
    return build_document(doc, lambda body: _narrative(body, report, None, table, values))


@_in_vietnamese
def compiled_docx(*, form, period, parent, own_report, totals, rollup, completeness) -> bytes:
    """The compiled report of a parent: its own narrative, its whole-subtree figures and its
    children's submitted figures (children × indicators)."""
    indicators = rollup["indicators"]

    def tables(body):
        rate = completeness["rate"]
        body.paragraph(
            f"Số đơn vị phải báo cáo: {vn_number(completeness['expected'])}; đã gửi báo cáo: "
            f"{vn_number(completeness['done'])}"
            + (f" (đạt {vn_number(rate)}%)." if rate is not None else "."),
            indent=True,
        )
        body.paragraph("1. Số liệu tổng hợp toàn đơn vị:", bold=True, indent=False)
        rows = []
        for n, indicator in enumerate(indicators, start=1):
            value = totals.get(indicator.code)
            rows.append((n, indicator.label, indicator.unit_label, value, ""))
        body.table(FIGURE_HEADERS, rows, numeric=(0, 3), widths_cm=FIGURE_WIDTHS)
        body.paragraph("2. Số liệu báo cáo của các đơn vị trực thuộc:", bold=True, indent=False)
        headers = ["STT", "Đơn vị"] + [i.label for i in indicators]
        child_rows = [
            [n, row["unit"].display_name] + [c["sent"] for c in row["cells"]]
            for n, row in enumerate(rollup["rows"], start=1)
        ]
        body.table(headers, child_rows, numeric=[0] + list(range(2, len(headers))))

    superior, _locality = document_header(unit=parent)
    recipients = [Recipient(superior, "Báo cáo")] if superior else []
    doc = _document(
        unit=parent,
        form=form,
        period=period,
        report=own_report,
        recipients=recipients,
        landscape=len(indicators) > 6,
    )
    return build_document(doc, lambda body: _narrative(body, own_report, None, tables, totals))


def figures_xlsx(*, form, period, parent, rollup) -> bytes:
    """Children × indicators: one sheet of submitted figures, one of figures from records."""
    workbook = Workbook()
    indicators = rollup["indicators"]
    for index, (title, key) in enumerate((("Báo cáo gửi lên", "sent"), ("Từ dữ liệu", "counted"))):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title
        sheet.append([safe_cell(f"{parent.name} — {summary_line(form, period)}")])
        sheet["A1"].font = Font(bold=True)
        headers = ["Đơn vị"] + [
            f"{i.label} ({i.unit_label})" if i.unit_of_measure else i.label for i in indicators
        ]
        sheet.append([safe_cell(h) for h in headers])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in rollup["rows"]:
            values = [row["unit"].name] + [
                float(c[key]) if c[key] is not None else None for c in row["cells"]
            ]
            sheet.append([safe_cell(v) for v in values])
        for row in sheet.iter_rows(min_row=3, min_col=2):
            for cell in row:
                cell.alignment = Alignment(horizontal="right")
                cell.number_format = "#,##0.##"
        sheet.column_dimensions["A"].width = 45
        for column in range(2, len(headers) + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 18
        sheet.freeze_panes = "B3"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def compiled(*, form, period, parent, user) -> bytes:
    """The compiled report of `parent` for a form and period, as the user may see it."""
    from .figures import stored_set
    from .models import Report

    own = Report.objects.filter(form=form, period=period, unit=parent).first()
    indicators = list(form.indicators.all())
    totals = unit_figures(  # the same figures as the roll-up below (stored or counted)
        indicators=[i for i in indicators if i.source == "computed"],
        unit=parent,
        start=period.start,
        end=period.end,
        plan=form.plan,
        figure_set=stored_set(period=period, plan=form.plan),
    )
    return compiled_docx(
        form=form,
        period=period,
        parent=parent,
        own_report=own,
        totals=totals,
        rollup=rollup(form=form, period=period, parent=parent, user=user),
        completeness=completeness(
            form=form, period=period, parent=parent, user=user, today=timezone.localdate()
        ),
    )
