import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from chuyende.core.models import AuditEvent
from chuyende.reports import exports
from chuyende.reports.models import ReportAttachment
from chuyende.reports.references import fill_references
from chuyende.reports.tests.test_views import open_report

pytestmark = pytest.mark.django_db


def test_figures_quoted_in_the_narrative_are_filled_in():
    text = (
        "Đã tổ chức {study.sessions} buổi cho {study.participants} người; {x.unknown} giữ nguyên."
    )
    values = {"study.sessions": 12, "study.participants": 1234}
    assert fill_references(text, values) == (
        "Đã tổ chức 12 buổi cho 1.234 người; {x.unknown} giữ nguyên."
    )


def test_the_docx_quotes_the_reports_own_figure(reporting):
    report = open_report(reporting)
    report.results = "Toàn đơn vị có {test.members} đoàn viên."
    report.save()
    document = Document(io.BytesIO(exports.report_docx(report=report)))
    texts = [p.text for p in document.paragraphs]
    assert "Toàn đơn vị có 3 đoàn viên." in texts


def test_an_attachment_is_added_served_in_scope_and_audited(client, reporting):
    report = open_report(reporting)
    client.force_login(reporting.bob)
    upload = SimpleUploadedFile("Biên bản hội nghị.pdf", b"%PDF-1.4 minutes")
    response = client.post(reverse("reports:attachment_add", args=[report.pk]), {"file": upload})
    assert response.status_code == 302
    attachment = ReportAttachment.objects.get(report=report)
    assert attachment.name == "Biên bản hội nghị.pdf"
    response = client.get(reverse("reports:attachment_file", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 minutes"
    assert "filename*=utf-8''Bi%C3%AAn" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="export", object_id=str(attachment.pk)).exists()
    client.force_login(reporting.mallory)
    assert client.get(reverse("reports:attachment_file", args=[attachment.pk])).status_code == 404


@pytest.mark.parametrize(
    ("name", "content"), [("script.exe", b"MZ"), ("empty.pdf", b""), ("notes.txt", b"x")]
)
def test_a_wrong_or_empty_attachment_is_refused_and_nothing_is_saved(
    client, reporting, name, content
):
    report = open_report(reporting)
    client.force_login(reporting.bob)
    response = client.post(
        reverse("reports:attachment_add", args=[report.pk]),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert response.status_code == 200
    assert list(response.context["messages"])
    assert not ReportAttachment.objects.exists()


def test_pdf_without_libreoffice_says_so_instead_of_failing(client, reporting, monkeypatch):
    monkeypatch.setattr("chuyende.core.pdf.office_binary", lambda: None)
    report = open_report(reporting)
    client.force_login(reporting.bob)
    response = client.get(reverse("reports:report_pdf", args=[report.pk]))
    assert response.status_code == 200
    assert "LibreOffice" in response.content.decode()
    assert reverse("reports:report_docx", args=[report.pk]) in response.content.decode()


@pytest.mark.skipif(
    __import__("chuyende.core.pdf", fromlist=["office_binary"]).office_binary() is None,
    reason="LibreOffice is not installed: the PDF copy is only made where it is",
)
def test_the_report_comes_as_pdf_where_libreoffice_is_installed(client, reporting):
    report = open_report(reporting)
    client.force_login(reporting.bob)
    response = client.get(reverse("reports:report_pdf", args=[report.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
