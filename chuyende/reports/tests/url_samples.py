"""URLs of `reports` for the scoping walk in chuyende/core/tests/test_url_scoping.py."""

from django.core.files.base import ContentFile

from chuyende.reports.models import Report, ReportAttachment, ReportForm
from chuyende.reports.services import period_ensure


def foreign_report(w):
    """Ea Kar's own form (grassroots report to B) and B1's report for 2024S1."""
    if not hasattr(w, "foreign_report"):
        form = ReportForm.objects.create(
            plan=w.foreign_plan,
            name="Báo cáo Ea Kar",
            period_kind="semester",
            reporting_kind="grassroots",
            recipient=w.b,
        )
        w.foreign_report = Report.objects.create(
            form=form, period=period_ensure("2024S1"), unit=w.b1, status="submitted"
        )
    return w.foreign_report


def foreign_attachment(w):
    if not hasattr(w, "foreign_attachment"):
        attachment = ReportAttachment(report=foreign_report(w), name="Ea Kar.pdf")
        attachment.file.save("ea-kar.pdf", ContentFile(b"%PDF-1.4 Ea Kar"), save=True)
        w.foreign_attachment = attachment
    return w.foreign_attachment


def _overview(w):
    report = foreign_report(w)
    return {"pk": report.form_id, "period": report.period.code}


OBJECT_URLS = {
    "reports:report_detail": lambda w: {"pk": foreign_report(w).pk},
    "reports:report_submit": lambda w: {"pk": foreign_report(w).pk},
    "reports:report_review": lambda w: {"pk": foreign_report(w).pk},
    "reports:report_docx": lambda w: {"pk": foreign_report(w).pk},
    "reports:report_pdf": lambda w: {"pk": foreign_report(w).pk},
    "reports:attachment_add": lambda w: {"pk": foreign_report(w).pk},
    "reports:attachment_file": lambda w: {"pk": foreign_attachment(w).pk},
    "reports:completeness": _overview,
    "reports:rollup": _overview,
    "reports:rollup_xlsx": _overview,
    "reports:compiled_docx": _overview,
}
LIST_URLS = {
    "reports:report_list": "",
    "reports:report_open": "",
    "reports:dashboard": "",
}
