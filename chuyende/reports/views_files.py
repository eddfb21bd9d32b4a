"""Files of a report: attachments (scoped, audited downloads) and the PDF copy."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chuyende.core.files import open_stored
from chuyende.core.pdf import docx_to_pdf

from . import exports, services
from .models import ReportAttachment
from .views import _report


@login_required
@require_POST
def attachment_add(request, pk):
    report = _report(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
    else:
        try:
            services.report_attach(report=report, upload=upload, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The file was attached."))
    return redirect("reports:report_detail", pk=report.pk)


@login_required
def attachment_file(request, pk):
    attachment = get_object_or_404(
        ReportAttachment.objects.for_user(request.user).select_related("report__unit"), pk=pk
    )
    handle = open_stored(attachment.file)
    services.attachment_downloaded(attachment=attachment, acting_user=request.user)
    return FileResponse(handle, as_attachment=True, filename=attachment.name)


@login_required
def report_pdf(request, pk):
    report = _report(request, pk)
    pdf = docx_to_pdf(exports.report_docx(report=report))
    if pdf is None:
        return render(request, "reports/pdf_unavailable.html", {"report": report})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{report.pk}.pdf"'
    return response
