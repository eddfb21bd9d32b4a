from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chuyende.core.forms import apply_errors
from chuyende.core.scoping import user_scope
from chuyende.org.models import Unit

from . import exports, selectors, services
from .forms import ReportForm as NarrativeForm
from .forms import ReviewForm
from .models import Report, ReportForm, ReportingPeriod

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report(request, pk):
    related = ("unit", "period", "form__plan", "form__recipient")
    return get_object_or_404(Report.objects.for_user(request.user).select_related(*related), pk=pk)


def _download(data, filename, content_type):
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def report_list(request):
    return render(
        request,
        "reports/report_list.html",
        {
            "rows": selectors.reports_to_write(user=request.user, today=timezone.localdate()),
            "received": selectors.forms_received(user=request.user),
        },
    )


@login_required
@require_POST
def report_open(request):
    form = get_object_or_404(ReportForm.objects.for_user(request.user), pk=request.POST.get("form"))
    period = get_object_or_404(
        ReportingPeriod, pk=request.POST.get("period"), kind=form.period_kind
    )
    unit = get_object_or_404(
        selectors.report_units(form=form, user=request.user), pk=request.POST.get("unit")
    )
    report = services.report_open(form=form, period=period, unit=unit, acting_user=request.user)
    return redirect("reports:report_detail", pk=report.pk)


def _narrative_form(report, data=None):
    declared = [i for i in report.form.indicators.all() if i.source == "entered"]
    values = {v.indicator_id: v.value for v in report.values.filter(declared=True)}
    initial = {k: getattr(report, k) for k in services.NARRATIVE}
    initial["version"] = report.version
    for indicator in declared:
        value = selectors.plain(values.get(indicator.pk))
        initial[f"figure_{indicator.pk}"] = "" if value is None else str(value)
    return NarrativeForm(data, initial=initial, declared_indicators=declared)


@login_required
def report_detail(request, pk):
    report = _report(request, pk)
    can_change = user_scope(request.user).allows("change", report.unit.path)
    form = _narrative_form(report, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.report_save(
                    report=report,
                    version=form.cleaned_data["version"],
                    acting_user=request.user,
                    narrative=form.narrative(),
                    declared=form.declared(),
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The report is saved."))
                return redirect("reports:report_detail", pk=report.pk)
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "form": form,
            "figures": selectors.report_figures(report=report),
            "attachments": list(report.attachments.all()),
            "can_change": can_change and report.is_editable,
            "can_submit": report.unit_id != report.form.recipient_id,  # the recipient's own
            "can_review": _can_review(request.user, report),
        },
    )


def _can_review(user, report):
    recipient = report.form.recipient
    return report.unit.path != recipient.path and user_scope(user).allows("change", recipient.path)


@login_required
@require_POST
def report_submit(request, pk):
    report = _report(request, pk)
    if not user_scope(request.user).allows("change", report.unit.path):
        raise PermissionDenied
    try:
        services.report_submit(report=report, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report is submitted to the upper level."))
    return redirect("reports:report_detail", pk=report.pk)


REVIEW_STEPS = {
    "accept": services.report_accept,
    "return": services.report_return,
    "reopen": services.report_reopen,
}


@login_required
def report_review(request, pk):
    report = _report(request, pk)
    if not _can_review(request.user, report):
        raise PermissionDenied
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        step = REVIEW_STEPS[form.cleaned_data["action"]]
        try:
            step(report=report, acting_user=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The review is recorded."))
            return redirect("reports:completeness", pk=report.form_id, period=report.period.code)
    return render(
        request,
        "reports/report_review.html",
        {"report": report, "form": form, "figures": selectors.report_figures(report=report)},
    )


@login_required
def report_docx(request, pk):
    report = _report(request, pk)
    data = exports.report_docx(report=report)
    return _download(data, f"bao-cao-{report.unit.code}-{report.period.code}.docx", DOCX)


def _overview(request, pk, period):
    """The form, the period and the parent unit (?unit=, else the recipient or the highest
    unit of the user's scope below it that follows the form's reports)."""
    form = get_object_or_404(
        ReportForm.objects.for_user(request.user).select_related("plan", "recipient"), pk=pk
    )
    period = get_object_or_404(ReportingPeriod, code=period, kind=form.period_kind)
    units = selectors.overview_units(form=form, user=request.user)
    if request.GET.get("unit"):
        parent = get_object_or_404(units, pk=request.GET["unit"])
    else:
        parent = units.order_by("depth", "path").first()
        if parent is None:
            raise Http404
    return form, period, parent


def _own_report(form, period, parent):
    return Report.objects.filter(form=form, period=period, unit=parent).first()


@login_required
def completeness(request, pk, period):
    form, period, parent = _overview(request, pk, period)
    return render(
        request,
        "reports/completeness.html",
        {
            "form": form,
            "period": period,
            "parent": parent,
            "data": selectors.completeness(
                form=form,
                period=period,
                parent=parent,
                user=request.user,
                today=timezone.localdate(),
            ),
            "own": _own_report(form, period, parent),
            "can_change": user_scope(request.user).allows("change", parent.path),
        },
    )


@login_required
def rollup(request, pk, period):
    form, period, parent = _overview(request, pk, period)
    data = selectors.rollup(form=form, period=period, parent=parent, user=request.user)
    return render(
        request,
        "reports/rollup.html",
        {"form": form, "period": period, "parent": parent, "data": data},
    )


@login_required
def rollup_xlsx(request, pk, period):
    form, period, parent = _overview(request, pk, period)
    if not user_scope(request.user).allows("export", parent.path):
        raise PermissionDenied
    data = selectors.rollup(form=form, period=period, parent=parent, user=request.user)
    xlsx = exports.figures_xlsx(form=form, period=period, parent=parent, rollup=data)
    return _download(xlsx, f"so-lieu-{parent.code}-{period.code}.xlsx", XLSX)


@login_required
def compiled_docx(request, pk, period):
    form, period, parent = _overview(request, pk, period)
    if not user_scope(request.user).allows("export", parent.path):
        raise PermissionDenied
    data = exports.compiled(form=form, period=period, parent=parent, user=request.user)
    return _download(data, f"bao-cao-tong-hop-{parent.code}-{period.code}.docx", DOCX)


@login_required
def dashboard(request):
    """A unit (?unit=, else the top of the user's scope) and a period (?period=CODE, else the
    latest period with reports): tiles, children compared, trend, completeness, overdue tasks."""
    from .dashboard import dashboard as dashboard_data
    from .dashboard import default_period, default_unit, overdue_tasks

    units = Unit.objects.for_user(request.user).filter(active=True)
    if request.GET.get("unit", "").isdigit():
        unit = get_object_or_404(units, pk=request.GET["unit"])
    else:
        unit = default_unit(user=request.user)
    if request.GET.get("period"):
        period = get_object_or_404(ReportingPeriod, code=request.GET["period"])
    else:
        period = default_period(user=request.user)
    if unit is None:
        raise Http404
    today = timezone.localdate()
    if period is None:  # no reporting period yet: the overdue tasks only
        data = {"overdue": overdue_tasks(user=request.user, unit=unit, today=today)}
    else:
        data = dashboard_data(user=request.user, unit=unit, period=period, today=today)
    context = {"unit": unit, "period": period, "data": data}
    context["periods"] = ReportingPeriod.objects.order_by("-end", "kind")
    context["parent"] = units.filter(path=unit.path[: -selectors.STEP]).first()
    return render(request, "reports/dashboard.html", context)
