"""Import and export screens. Work happens in services and tasks; these pages start it and show
its progress (polled with htmx, so a reload finds it where it is)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chuyende.core import progress
from chuyende.core.files import open_stored
from chuyende.core.forms import apply_errors
from chuyende.core.scoping import user_scope
from chuyende.org.forms import MemberFilterForm

from . import exports, presets, selectors, services
from .fields import COLUMNS
from .forms import ConfirmForm, ImportStartForm, MappingForm
from .models import ExportJob, ImportJob, Kind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_PER_PAGE = 100


def _job(request, pk, action="view"):
    job = get_object_or_404(ImportJob.objects.for_user(request.user).select_related("unit"), pk=pk)
    if action != "view" and not user_scope(request.user).allows(
        services.RIGHTS[job.kind], job.unit.path
    ):
        raise PermissionDenied
    return job


@login_required
def import_list(request):
    units = selectors.import_targets(user=request.user)
    if not units.exists():
        raise PermissionDenied
    form = ImportStartForm(
        request.POST or None,
        request.FILES or None,
        units=units,
        presets=selectors.presets(user=request.user),
        initial={"kind": request.GET.get("kind", Kind.MEMBERS)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_start(
                unit=form.cleaned_data["unit"],
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                preset=form.cleaned_data["preset"],
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("transfer:import_mapping", pk=job.pk)
    context = {
        "form": form,
        "jobs": selectors.recent_imports(user=request.user),
        "exports": selectors.own_exports(user=request.user),
        "shipped_presets": presets.system_presets(),
    }
    return render(request, "transfer/import_list.html", context)


@login_required
def template_download(request):
    kind = request.GET.get("kind", Kind.MEMBERS)
    if kind not in Kind.values:
        raise Http404
    if not selectors.import_targets(user=request.user).exists():
        raise PermissionDenied
    name = "mau-nhap-doan-vien.xlsx" if kind == Kind.MEMBERS else "mau-nhap-don-vi.xlsx"
    response = HttpResponse(services.template_file(kind).read(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def import_mapping(request, pk):
    job = _job(request, pk, "change")
    form = MappingForm(request.POST or None, job=job)
    if request.method == "POST" and form.is_valid():
        try:
            services.import_map(
                job=job,
                mapping=form.mapping(),
                preset_name=form.cleaned_data["preset_name"],
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("transfer:import_detail", pk=job.pk)
    columns = {c.name: c for c in COLUMNS[job.kind]}
    rows = [(form[name], columns[name]) for name in columns]
    shipped = next((p for p in presets.system_presets(job.kind) if p.name == job.preset_name), None)
    return render(
        request,
        "transfer/import_mapping.html",
        {"job": job, "form": form, "rows": rows, "shipped_preset": shipped},
    )


def _detail_context(request, job):
    state = progress.read("import", job.pk) if job.running else None
    page = Paginator(job.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "job": job,
        "state": state,
        "percent": progress.percent(state),
        "stalled": services.stalled(job),
        "errors_page": page,
        "page": page,
        "querystring": "",
        "can_change": user_scope(request.user).allows(services.RIGHTS[job.kind], job.unit.path),
    }


@login_required
def import_detail(request, pk):
    job = _job(request, pk)
    context = _detail_context(request, job)
    if request.htmx and request.htmx.target == "import-status":
        return render(request, "transfer/import_detail.html#status", context)
    if job.kind == Kind.UNITS:
        context["missing_units"] = selectors.missing_units(job=job, user=request.user)
    else:
        context["missing_members"] = selectors.missing_members(job=job, user=request.user)
    return render(request, "transfer/import_detail.html", context)


@login_required
@require_POST
def import_confirm(request, pk):
    job = _job(request, pk, "change")
    form = ConfirmForm(request.POST)
    form.is_valid()
    try:
        services.import_confirm(
            job=job, valid_only=form.cleaned_data.get("valid_only", False), acting_user=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("transfer:import_detail", pk=job.pk)


@login_required
def import_errors(request, pk):
    # The error sheet carries the uploaded rows as typed (personal data unmasked): only for
    # those who may run the import, not every viewer of the unit.
    job = _job(request, pk, action="import")
    if not job.errors:
        raise Http404
    response = HttpResponse(services.error_sheet(job), content_type=XLSX)
    stem = job.original_name.rsplit(".", 1)[0][:60] or "bang"
    response["Content-Disposition"] = f'attachment; filename="{_ascii(stem)}-loi.xlsx"'
    return response


def _ascii(text):
    from chuyende.core.text import fold

    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in fold(text)) or "file"


@login_required
@require_POST
def export_start(request):
    kind = request.POST.get("kind", Kind.MEMBERS)
    fmt = request.POST.get("format", "xlsx")
    form = MemberFilterForm(request.POST)  # the member list's own filters, validated alike
    if not form.is_valid():
        messages.error(request, _("The list's filters are not valid; filter the list again."))
        return redirect("org:member_list")
    filters = {name: form.cleaned_data.get(name) for name in exports.MEMBER_FILTERS}
    try:
        job = exports.export_start(
            acting_user=request.user,
            kind=kind,
            fmt=fmt,
            filters=filters,
            full=request.POST.get("full") == "1",
            reason=request.POST.get("reason", ""),  # required in full (chuyende.core.reasons)
        )
    except ValidationError as error:
        if "reason" in getattr(error, "error_dict", {}):  # in full without a reason: no file
            return _export_reason(request, error)
        for message in error.messages:
            messages.error(request, message)
        return redirect("org:member_list")
    return redirect("transfer:export_detail", pk=job.pk)


def _export_reason(request, error):
    """The reason form again (the list's filters kept), with why no file was made."""
    from django.urls import reverse

    from chuyende.core.reasons import ExportReasonForm

    form = ExportReasonForm(request.POST)
    form.is_valid()
    if not form.errors:
        form.add_error("reason", error.error_dict["reason"])
    context = {
        "form": form,
        "title": _("Export the member list with personal data in full"),
        "action": reverse("transfer:export_start"),
        "back": reverse("org:member_list"),
        "hidden": [
            (name, value)
            for name, value in request.POST.items()
            if name not in ("csrfmiddlewaretoken", "reason")
        ],
    }
    return render(request, "core/export_reason.html", context, status=400)


def _export(request, pk):
    return get_object_or_404(
        ExportJob.objects.for_user(request.user, "export").filter(created_by=request.user), pk=pk
    )


@login_required
def export_detail(request, pk):
    job = _export(request, pk)
    state = progress.read("export", job.pk) if job.status == "queued" else None
    context = {"job": job, "state": state, "percent": progress.percent(state)}
    if request.htmx and request.htmx.target == "export-status":
        return render(request, "transfer/export_detail.html#status", context)
    return render(request, "transfer/export_detail.html", context)


@login_required
def export_file(request, pk):
    job = _export(request, pk)
    handle = open_stored(job.file)
    name = job.file.name.rsplit("/", 1)[-1].split("-", 1)[-1]
    content_type = XLSX if job.format == "xlsx" else "text/csv; charset=utf-8"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
