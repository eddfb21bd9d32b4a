"""Views of `inspections`: plans, the inspection record, findings (htmx), recommendations,
the printed minutes and conclusion notice. Rows come through `for_user`; writes through
services, which check the rights on the right unit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chuyende.core.forms import apply_errors
from chuyende.core.scoping import user_scope
from chuyende.org.models import Unit
from chuyende.org.selectors import breadcrumbs

from . import documents, selectors, services
from .choices import InspectionStatus, RecommendationStatus
from .forms import (
    AnswerForm,
    CommentForm,
    ConcludeForm,
    FindingForm,
    InspectionFilterForm,
    InspectionPlanForm,
    RecommendationForm,
    StartForm,
)
from .models import Inspection, InspectionPlan, InspectionPoint, Recommendation

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _querystring(params, *drop):
    params = params.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()


def _inspection_plan(request, pk, action="view"):
    inspection_plan = get_object_or_404(
        InspectionPlan.objects.for_user(request.user).select_related("unit", "plan"), pk=pk
    )
    if action != "view" and not user_scope(request.user).allows(action, inspection_plan.unit.path):
        raise PermissionDenied
    return inspection_plan


def _inspection(request, pk):
    return get_object_or_404(
        Inspection.objects.for_user(request.user).select_related(
            "unit", "inspection_plan", "inspection_plan__unit", "inspection_plan__plan"
        ),
        pk=pk,
    )


def _inspector(request, pk):
    """The inspection, for a step of the inspectors ("manage" on the issuing unit)."""
    inspection = _inspection(request, pk)
    if not selectors.can_inspect(request.user, inspection):
        raise PermissionDenied
    return inspection


def _recommendation(request, pk, *, answer=False):
    recommendation = get_object_or_404(
        Recommendation.objects.for_user(request.user).select_related(
            "inspection", "inspection__unit", "inspection__inspection_plan__unit"
        ),
        pk=pk,
    )
    inspection = recommendation.inspection
    allowed = (
        selectors.can_answer(request.user, inspection)
        if answer
        else selectors.can_inspect(request.user, inspection)
    )
    if not allowed:
        raise PermissionDenied
    return recommendation


def _back(inspection, anchor=""):
    url = reverse("inspections:inspection_detail", args=[inspection.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _say_errors(request, error: ValidationError):
    messages.error(request, " ".join(error.messages))


# Plans ----------------------------------------------------------------------------------------


@login_required
def plan_list(request):
    query = request.GET.get("q", "").strip()
    year = request.GET.get("year", "")
    plans = selectors.plan_list(
        user=request.user, query=query, year=int(year) if year.isdigit() else None
    )
    page = Paginator(plans, 30).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "plans": list(page),
        "query": query,
        "year": year,
        "can_create": selectors.issuers(request.user).exists(),
        "mine": selectors.my_inspections(user=request.user),
        "overdue": selectors.overdue_recommendations(user=request.user),
        "querystring": _querystring(request.GET, "page"),
    }
    return render(request, "inspections/plan_list.html", context)


TYPED = ("number", "title", "year", "start_on", "end_on", "team", "free_points", "plan")


def _refreshing(request) -> bool:
    """The form is redrawn, not saved: an htmx refresh, or Enter / "Search" in the unit search."""
    if request.method == "POST":
        return "refresh" in request.POST
    return bool(request.htmx)


def _typed(request) -> dict:
    source = request.POST if request.method == "POST" else request.GET
    return {key: source.get(key) for key in TYPED if key in source}


def _chosen(request, name, default=()):
    source = request.POST if request.method == "POST" else request.GET
    if name in source or _refreshing(request) or request.method == "POST":
        return [v for v in source.getlist(name) if v.isdigit()]
    return [str(v) for v in default]


def _form_context(request, *, issuer, form, inspection_plan=None):
    """The checkboxes drawn around the form: tasks of the chosen plan, units to inspect."""
    source = request.POST if request.method == "POST" else request.GET
    plan_id = source.get("plan") if ("plan" in source or _refreshing(request)) else None
    if plan_id is None and inspection_plan is not None:
        plan_id = inspection_plan.plan_id
    plans = selectors.plan_choices(unit=issuer)
    plan = plans.filter(pk=plan_id).first() if str(plan_id or "").isdigit() else None
    default_units, default_tasks = (), ()
    if inspection_plan is not None:
        default_units = inspection_plan.inspections.values_list("unit_id", flat=True)
        default_tasks = inspection_plan.points.exclude(task=None).values_list("task_id", flat=True)
    chosen_units = _chosen(request, "units", default_units)
    chosen_tasks = _chosen(request, "tasks", default_tasks)
    query = source.get("unit_q", "").strip()
    return {
        "form": form,
        "issuer": issuer,
        "inspection_plan": inspection_plan,
        "task_options": list(selectors.task_choices(plan=plan)),
        "chosen_tasks": {int(v) for v in chosen_tasks},
        "unit_options": selectors.unit_options(unit=issuer, query=query, chosen=chosen_units),
        "chosen_units": {int(v) for v in chosen_units},
        "unit_q": query,
    }


def _picked(request, issuer, plan):
    units = selectors.inspectable_units(unit=issuer).filter(
        pk__in=[v for v in request.POST.getlist("units") if v.isdigit()]
    )
    tasks = selectors.task_choices(plan=plan).filter(
        pk__in=[v for v in request.POST.getlist("tasks") if v.isdigit()]
    )
    return list(units), list(tasks)


def _render_plan_form(request, context):
    target = request.htmx.target if request.htmx else None
    if target in ("task-options", "unit-options"):
        return render(request, f"inspections/plan_form.html#{target}", context)
    return render(request, "inspections/plan_form.html", context)


@login_required
def plan_create(request):
    issuers = selectors.issuers(request.user)
    chosen = str(request.POST.get("unit") or request.GET.get("unit") or "")
    issuer = issuers.filter(pk=chosen).first() if chosen.isdigit() else None
    issuer = issuer or issuers.first()
    if issuer is None:
        raise PermissionDenied
    if chosen.isdigit() and request.method == "GET":  # ?unit= out of scope: refused (404)
        get_object_or_404(issuers, pk=chosen)
    plans = selectors.plan_choices(unit=issuer)
    initial = {"unit": issuer, "plan": plans.first()}
    refresh = _refreshing(request)
    if refresh:
        initial.update(_typed(request))
    form = InspectionPlanForm(
        request.POST if request.method == "POST" and not refresh else None,
        units=issuers,
        plans=plans,
        initial=initial,
        refresh_url=reverse("inspections:plan_create"),
    )
    if form.is_bound and form.is_valid():
        units, tasks = _picked(request, issuer, form.cleaned_data["plan"])
        try:
            inspection_plan = services.plan_create(
                unit=form.cleaned_data["unit"],
                acting_user=request.user,
                fields=form.service_fields(),
                units=units,
                tasks=tasks,
                free_points=form.cleaned_data["free_points"],
                team=form.cleaned_data["team"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The inspection plan was saved."))
            return redirect("inspections:plan_detail", pk=inspection_plan.pk)
    context = _form_context(request, issuer=issuer, form=form)
    return _render_plan_form(request, context)


@login_required
def plan_edit(request, pk):
    inspection_plan = _inspection_plan(request, pk, "manage")
    issuer = inspection_plan.unit
    plans = selectors.plan_choices(unit=issuer)
    initial = {
        "plan": inspection_plan.plan,
        "number": inspection_plan.number,
        "title": inspection_plan.title,
        "year": inspection_plan.year,
        "start_on": inspection_plan.start_on,
        "end_on": inspection_plan.end_on,
        "team": [
            ", ".join(v for v in (m["name"], m.get("position", "")) if v)
            for m in inspection_plan.team
        ],
        "free_points": list(
            inspection_plan.points.filter(task=None).values_list("title", flat=True)
        ),
    }
    refresh = _refreshing(request)
    if refresh:
        initial.update(_typed(request))
    form = InspectionPlanForm(
        request.POST if request.method == "POST" and not refresh else None,
        plans=plans,
        initial=initial,
        editing=True,
        refresh_url=reverse("inspections:plan_edit", args=[inspection_plan.pk]),
    )
    if form.is_bound and form.is_valid():
        units, tasks = _picked(request, issuer, form.cleaned_data["plan"])
        try:
            services.plan_update(
                inspection_plan=inspection_plan,
                acting_user=request.user,
                fields=form.service_fields(),
                units=units,
                tasks=tasks,
                free_points=form.cleaned_data["free_points"],
                team=form.cleaned_data["team"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The inspection plan was saved."))
            return redirect("inspections:plan_detail", pk=inspection_plan.pk)
    context = _form_context(request, issuer=issuer, form=form, inspection_plan=inspection_plan)
    return _render_plan_form(request, context)


@login_required
def plan_detail(request, pk):
    inspection_plan = _inspection_plan(request, pk)
    points, inspections = selectors.plan_detail(user=request.user, inspection_plan=inspection_plan)
    context = {
        "inspection_plan": inspection_plan,
        "points": points,
        "inspections": inspections,
        "can_manage": user_scope(request.user).allows("manage", inspection_plan.unit.path),
        "trail": breadcrumbs(unit=inspection_plan.unit, user=request.user),
    }
    return render(request, "inspections/plan_detail.html", context)


# Inspections ----------------------------------------------------------------------------------


@login_required
def inspection_list(request):
    form = InspectionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    unit = None
    if filters.get("unit"):
        unit = get_object_or_404(Unit.objects.for_user(request.user), pk=filters["unit"])
    inspections = selectors.inspection_list(
        user=request.user,
        unit=unit,
        status=filters.get("status") or "",
        overdue=bool(filters.get("overdue")),
        start=filters.get("start"),
        end=filters.get("end"),
    )
    page = Paginator(inspections, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "inspections": list(page),
        "unit": unit,
        "status": filters.get("status") or "",
        "overdue": bool(filters.get("overdue")),
        "statuses": InspectionStatus.choices,
        "querystring": _querystring(request.GET, "page"),
    }
    return render(request, "inspections/inspection_list.html", context)


def _detail_context(request, inspection, **extra):
    rows, recommendations = selectors.inspection_detail(inspection=inspection)
    inspector = selectors.can_inspect(request.user, inspection)
    answerer = selectors.can_answer(request.user, inspection)
    under_way = inspection.status == InspectionStatus.IN_PROGRESS
    for row in rows:
        row.form = (
            FindingForm(
                prefix=f"p{row.point.pk}",
                initial={"text": row.finding.text, "rating": row.finding.rating}
                if row.finding
                else None,
            )
            if inspector and under_way
            else None
        )
    concluded = inspection.status == InspectionStatus.CONCLUDED
    for rec in recommendations:
        rec.answer_form = (
            AnswerForm(prefix=f"r{rec.pk}", initial={"answer": rec.answer})
            # the inspectors (who may hold rights on the unit too) close, they do not answer
            if answerer
            and not inspector
            and concluded
            and rec.status != RecommendationStatus.CLOSED
            else None
        )
        rec.comment_form = (
            CommentForm(prefix=f"c{rec.pk}")
            if inspector
            and inspection.status in (InspectionStatus.CONCLUDED, InspectionStatus.CLOSED)
            else None
        )
    return {
        "inspection": inspection,
        "inspection_plan": inspection.inspection_plan,
        "rows": rows,
        "recommendations": recommendations,
        "can_inspect": inspector,
        "can_answer": answerer,
        "can_view_plan": user_scope(request.user).allows(
            "view", inspection.inspection_plan.unit.path
        ),
        "findings_count": sum(1 for r in rows if r.finding),
        "start_form": StartForm(initial={"date": inspection.date}),
        "conclude_form": ConcludeForm(
            initial={"conclusion": inspection.conclusion, "notice_number": inspection.notice_number}
        ),
        "recommendation_form": RecommendationForm(),
        "trail": breadcrumbs(unit=inspection.unit, user=request.user),
        **extra,
    }


@login_required
def inspection_detail(request, pk):
    inspection = _inspection(request, pk)
    return render(
        request, "inspections/inspection_detail.html", _detail_context(request, inspection)
    )


@login_required
@require_POST
def inspection_start(request, pk):
    inspection = _inspector(request, pk)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date of the inspection (dd/mm/yyyy)."))
        return _back(inspection)
    try:
        services.inspection_start(
            inspection=inspection, acting_user=request.user, date=form.cleaned_data["date"]
        )
    except ValidationError as error:
        _say_errors(request, error)
    else:
        messages.success(request, _("The inspection has started: record a finding on each point."))
    return _back(inspection, "points")


@login_required
@require_POST
def finding_record(request, pk, point_pk):
    inspection = _inspector(request, pk)
    point = get_object_or_404(
        InspectionPoint.objects.filter(
            inspection_plan=inspection.inspection_plan_id
        ).select_related("task"),
        pk=point_pk,
    )
    form = FindingForm(request.POST, prefix=f"p{point.pk}")
    saved = False
    if form.is_valid():
        try:
            services.finding_record(
                inspection=inspection, point=point, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            saved = True
    if not request.htmx:
        if saved:
            messages.success(request, _("The finding was saved."))
        else:
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return _back(inspection, f"point-{point.pk}")
    inspection.refresh_from_db()
    context = _detail_context(request, inspection)
    row = next(r for r in context["rows"] if r.point.pk == point.pk)
    if not saved:
        row.form = form
    context.update(row=row, saved=saved, index=row.point.position)
    return render(request, "inspections/inspection_detail.html#point", context)


@login_required
@require_POST
def inspection_conclude(request, pk):
    inspection = _inspector(request, pk)
    form = ConcludeForm(request.POST)
    if form.is_valid():
        try:
            services.inspection_conclude(
                inspection=inspection, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The inspection is concluded; the unit can answer the recommendations.")
            )
            return _back(inspection)
    context = _detail_context(request, inspection, conclude_form=form)
    return render(request, "inspections/inspection_detail.html", context, status=422)


@login_required
@require_POST
def recommendation_add(request, pk):
    inspection = _inspector(request, pk)
    form = RecommendationForm(request.POST)
    if form.is_valid():
        try:
            services.recommendation_add(
                inspection=inspection, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The recommendation was added."))
            return _back(inspection, "recommendations")
    context = _detail_context(request, inspection, recommendation_form=form)
    return render(request, "inspections/inspection_detail.html", context, status=422)


@login_required
@require_POST
def recommendation_answer(request, pk):
    recommendation = _recommendation(request, pk, answer=True)
    form = AnswerForm(request.POST, prefix=f"r{recommendation.pk}")
    if form.is_valid():
        try:
            services.recommendation_answer(
                recommendation=recommendation, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _say_errors(request, error)
        else:
            messages.success(request, _("The answer was sent to the inspectors."))
    else:
        messages.error(request, _("Write what the unit has done."))
    return _back(recommendation.inspection, f"rec-{recommendation.pk}")


def _close_or_reopen(request, pk, service, done_message):
    recommendation = _recommendation(request, pk)
    form = CommentForm(request.POST, prefix=f"c{recommendation.pk}")
    form.is_valid()
    try:
        service(
            recommendation=recommendation,
            acting_user=request.user,
            comment=form.cleaned_data.get("comment", ""),
        )
    except ValidationError as error:
        _say_errors(request, error)
    else:
        messages.success(request, done_message)
    return _back(recommendation.inspection, f"rec-{recommendation.pk}")


@login_required
@require_POST
def recommendation_close(request, pk):
    return _close_or_reopen(
        request, pk, services.recommendation_close, _("The recommendation is closed.")
    )


@login_required
@require_POST
def recommendation_reopen(request, pk):
    return _close_or_reopen(
        request,
        pk,
        services.recommendation_reopen,
        _("The recommendation is reopened; the unit is asked to answer again."),
    )


def _document(request, pk, what, build, filename):
    inspection = _inspection(request, pk)
    if not user_scope(request.user).allows("export", inspection.unit.path):
        raise PermissionDenied
    rows, recommendations = selectors.inspection_detail(inspection=inspection)
    superior, locality = selectors.document_header(unit=inspection.inspection_plan.unit)
    content = build(
        inspection=inspection,
        rows=rows,
        recommendations=recommendations,
        superior=superior,
        locality=locality,
    )
    services.document_exported(inspection=inspection, acting_user=request.user, what=what)
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{filename}-{inspection.pk}.docx"'
    return response


@login_required
def minutes_docx(request, pk):
    return _document(request, pk, "minutes", documents.minutes_docx, "bien-ban-kiem-tra")


@login_required
def notice_docx(request, pk):
    inspection = _inspection(request, pk)
    if inspection.status not in (InspectionStatus.CONCLUDED, InspectionStatus.CLOSED):
        messages.error(
            request, _("The conclusion notice is printed once the inspection is concluded.")
        )
        return _back(inspection)
    return _document(request, pk, "notice", documents.notice_docx, "thong-bao-ket-luan")
