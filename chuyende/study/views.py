from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from chuyende.core.files import open_stored
from chuyende.core.forms import apply_errors
from chuyende.core.reasons import ExportReasonForm
from chuyende.core.scoping import user_scope
from chuyende.core.uploads import stored_response
from chuyende.org.choices import UnitKind
from chuyende.org.models import Unit
from chuyende.org.selectors import breadcrumbs, scope_roots
from chuyende.plans.choices import PlanStatus
from chuyende.plans.models import Task

from . import exports, selectors, services, throttle
from .choices import ExpectedMode, SessionKind
from .forms import (
    CheckinForm,
    CodeForm,
    HeadcountForm,
    PhotoForm,
    RollupForm,
    SessionFilterForm,
    SessionForm,
)
from .models import SessionPhoto, StudySession
from .qr import qr_svg

PARTICIPANTS_SHOWN = 500
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _session(request, pk, action="view"):
    session = get_object_or_404(
        StudySession.objects.for_user(request.user).select_related("unit", "task", "task__plan"),
        pk=pk,
    )
    if action != "view" and not user_scope(request.user).allows(action, session.unit.path):
        raise PermissionDenied
    return session


def _unit(request, pk):
    return get_object_or_404(Unit.objects.for_user(request.user), pk=pk)


def _querystring(params, *drop):
    params = params.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()


# Sessions ---------------------------------------------------------------------------------


@login_required
def session_list(request):
    form = SessionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    unit = _unit(request, filters["unit"]) if filters.get("unit") else None
    task = None
    if filters.get("task"):
        task = get_object_or_404(Task.objects.for_user(request.user), pk=filters["task"])
    sessions = selectors.session_list(
        user=request.user, unit=unit, task=task, query=filters.get("q", "")
    )
    page = Paginator(sessions, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "sessions": selectors.with_participants(page),
        "unit": unit,
        "task": task,
        "can_create": Unit.objects.for_user(request.user, "change").exists(),
        "querystring": _querystring(request.GET, "page"),
    }
    if request.htmx and request.htmx.target == "session-results":
        return render(request, "study/session_list.html#results", context)
    return render(request, "study/session_list.html", context)


def _organisers(user):
    """Units where the user can record a session (not the small union groups)."""
    return (
        Unit.objects.for_user(user, "change")
        .filter(active=True)
        .exclude(kind=UnitKind.SECTION)
        .order_by("depth", "sort_key")
    )


def _chosen_unit(request, organisers):
    """The unit picked in the form (or in ?unit=), else the user's first; 403 without any."""
    chosen = str(request.POST.get("unit") or request.GET.get("unit") or "")
    unit = organisers.filter(pk=chosen).first() if chosen.isdigit() else None
    unit = unit or organisers.first()
    if unit is None:
        raise PermissionDenied
    if chosen.isdigit() and request.method == "GET":  # ?unit= out of scope: refused (404)
        return get_object_or_404(organisers, pk=chosen)
    return unit


def _unit_choices(unit, keep_task=None):
    if unit is None:
        return {"tasks": Task.objects.none(), "expected_choices": Unit.objects.none()}
    return {
        "tasks": selectors.selectable_tasks(unit=unit, keep=keep_task),
        "expected_choices": selectors.expected_unit_choices(unit=unit),
    }


def _initial_audiences(request, tasks):
    """The audiences typed so far, or the chosen task's when none are (htmx on task change)."""
    typed = request.GET.get("audiences", "")
    chosen = request.GET.get("task", "")
    task = tasks.filter(pk=chosen).first() if chosen.isdigit() else None
    return typed if typed.strip() or task is None else "\n".join(task.audiences)


def _render_form(request, context):
    """The form page; with htmx, only the fields that follow the unit or the task."""
    target = request.htmx.target if request.htmx else None
    if target == "task-field":
        return render(request, "study/session_form_unit.html", context)
    if target == "audiences-field":
        return render(request, "study/session_form.html#audiences-field", context)
    return render(request, "study/session_form.html", context)


@login_required
def session_create(request):
    organisers = _organisers(request.user)
    unit = _chosen_unit(request, organisers)
    choices = _unit_choices(unit)
    grassroots = unit.kind == UnitKind.GRASSROOTS
    initial = {
        "unit": unit,
        "expected_units": [unit],
        "kind": SessionKind.PERIODIC if grassroots else SessionKind.CONFERENCE,
        "task": request.GET.get("task"),
        "audiences": _initial_audiences(request, choices["tasks"]),
    }
    form = SessionForm(
        request.POST or None,
        request.FILES or None,
        unit_queryset=organisers,
        initial=initial,
        refresh_url=reverse("study:session_create"),
        **choices,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_create(
                unit=data["unit"],
                acting_user=request.user,
                fields=form.service_fields(),
                expected_units=data["expected_units"],
                minutes=data["minutes"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The session was saved. Show its code to check people in."))
            return redirect("study:session_detail", pk=session.pk)
    return _render_form(request, {"form": form, "unit": unit})


@login_required
def session_edit(request, pk):
    session = _session(request, pk, "change")
    choices = _unit_choices(session.unit, keep_task=session.task_id)
    initial = {field: getattr(session, field) for field in services.SESSION_FIELDS}
    initial["expected_units"] = list(session.expected_units.all())
    if request.htmx:
        initial["audiences"] = _initial_audiences(request, choices["tasks"])
    form = SessionForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        has_minutes=bool(session.minutes),
        refresh_url=reverse("study:session_edit", args=[session.pk]),
        **choices,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.session_update(
                session=StudySession.objects.get(pk=session.pk),
                acting_user=request.user,
                fields=form.service_fields(),
                expected_units=data["expected_units"],
                minutes=data["minutes"],
                clear_minutes=data.get("remove_minutes", False),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The session was saved."))
            return redirect("study:session_detail", pk=session.pk)
    return _render_form(request, {"form": form, "session": session, "unit": session.unit})


@login_required
def session_detail(request, pk):
    session = _session(request, pk)
    scope = user_scope(request.user)
    checkin_url = request.build_absolute_uri(reverse("study:checkin", args=[session.code]))
    context = {
        "session": session,
        "figures": selectors.session_figures(session=session),
        "participants": selectors.session_participants(session=session, limit=PARTICIPANTS_SHOWN),
        "participants_shown": PARTICIPANTS_SHOWN,
        "photos": list(session.photos.all()),
        "expected_units": list(session.expected_units.order_by("depth", "sort_key"))
        if session.expected_mode == ExpectedMode.MEMBERS
        else [],
        "checkin_url": checkin_url,
        "qr": qr_svg(checkin_url, title=_("Check-in code %(code)s") % {"code": session.code}),
        "state": session.checkin_state(),
        "can_change": scope.allows("change", session.unit.path),
        "can_export": scope.allows("export", session.unit.path),
        "can_export_sensitive": scope.allows("reveal", session.unit.path),
        "reason_form": ExportReasonForm(),
        "photo_form": PhotoForm(),
        "trail": breadcrumbs(unit=session.unit, user=request.user),
    }
    return render(request, "study/session_detail.html", context)


@login_required
def session_register(request, pk):
    session = _session(request, pk, "change")
    if request.method == "POST":
        try:
            added, removed = services.attendance_register(
                session=session,
                ticked=request.POST.getlist("member"),
                was_ticked=request.POST.getlist("was_ticked"),
                acting_user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Attendance saved: %(added)s added, %(removed)s removed.")
                % {"added": added, "removed": removed},
            )
            return redirect("study:session_detail", pk=session.pk)
    query = request.GET.get("q", "").strip()
    rows, total = selectors.register_rows(session=session, query=query)
    context = {"session": session, "rows": rows, "total": total, "query": query}
    return render(request, "study/session_register.html", context)


@login_required
def session_headcount(request, pk):
    session = _session(request, pk, "change")
    initial = {
        "total": session.headcount_total,
        "women": session.headcount_women,
        "minority": session.headcount_minority,
        "members": session.headcount_members,
    }
    form = HeadcountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.headcount_update(
                session=session, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The head counts were saved."))
            return redirect("study:session_detail", pk=session.pk)
    return render(request, "study/session_headcount.html", {"session": session, "form": form})


@login_required
@require_POST
def photo_add(request, pk):
    session = _session(request, pk, "change")
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.photo_add(session=session, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The photo was added."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("study:session_detail", pk=session.pk)


@login_required
def photo_file(request, pk):
    """A session photo, shown in the page: only through this scoped view."""
    photo = get_object_or_404(
        SessionPhoto.objects.for_user(request.user).select_related("session"), pk=pk
    )
    response = FileResponse(open_stored(photo.image), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def minutes_file(request, pk):
    session = _session(request, pk)
    extension = PurePath(session.minutes.name).suffix
    response = stored_response(session.minutes, filename=f"bien-ban-{session.code}{extension}")
    services.session_exported(session=session, acting_user=request.user, what="minutes")
    return response


@login_required
def attendance_sheet(request, pk):
    session = _session(request, pk, "export")
    members, total = selectors.expected_members(session=session)
    superior, locality = selectors.sheet_header(session=session)
    content = exports.attendance_sheet_docx(
        session=session, superior=superior, locality=locality, members=members, total=total
    )
    services.session_exported(session=session, acting_user=request.user, what="attendance_sheet")
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="diem-danh-{session.code}.docx"'
    return response


@login_required
def participants_xlsx(request, pk):
    """GET: the participants, their ethnicity masked (no personal field: one click). POST,
    for a role that may reveal it: with their ethnicity, only with a reason (audited); without
    one, the reason form again and no file."""
    session = _session(request, pk, "export")
    sensitive = request.method == "POST"
    reason = ""
    if sensitive:
        if not user_scope(request.user).allows("reveal", session.unit.path):
            raise PermissionDenied
        form = ExportReasonForm(request.POST)
        if not form.is_valid():
            context = {
                "form": form,
                "title": _("Participants with their ethnicity (.xlsx)"),
                "action": reverse("study:participants_xlsx", args=[session.pk]),
                "back": reverse("study:session_detail", args=[session.pk]),
                "what": session.title,
            }
            return render(request, "core/export_reason.html", context, status=400)
        reason = form.cleaned_data["reason"]
    content = exports.participants_xlsx(
        session=session,
        attendances=selectors.session_participants(session=session),
        figures=selectors.session_figures(session=session),
        sensitive=sensitive,
    )
    services.session_exported(
        session=session,
        acting_user=request.user,
        what="participants",
        fields=["ethnicity"] if sensitive else (),
        reason=reason,
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="nguoi-tham-du-{session.code}.xlsx"'
    return response


# Check-in (public: a member's phone, logged in or not) --------------------------------------


@never_cache
def checkin_start(request):
    """Type the 6-character code shown at the session."""
    form = CodeForm(request.GET or None)
    blocked = throttle.is_blocked(request, "code")
    if form.is_bound and not blocked and form.is_valid():
        code = form.cleaned_data["code"]
        if StudySession.objects.filter(code=code).exists():
            return redirect("study:checkin", code=code)
        throttle.record_failure(request, "code")
        form.add_error("code", _("No session has this code. Check the code and try again."))
    return render(request, "study/checkin_start.html", {"form": form, "blocked": blocked})


@never_cache
def checkin(request, code):
    session = StudySession.objects.select_related("unit").filter(code=code.upper()).first()
    if session is None:
        form = CodeForm(initial={"code": code})
        return render(
            request, "study/checkin_start.html", {"form": form, "unknown": True}, status=404
        )
    member = selectors.member_of_user(request.user)
    form = CheckinForm(request.POST if "card_number" in request.POST else None)
    result, message = None, ""
    if request.method == "POST":
        result, message = _check_in(request, session, member, form)
    elif member is not None and selectors.attendance_of(session=session, member=member):
        result = "already"
    context = {
        "session": session,
        "member": member,
        "form": form,
        "result": result,
        "message": message,
        "state": session.checkin_state(),
    }
    return render(request, "study/checkin.html", context)


def _check_in(request, session, member, form):
    """(result, message) of one check-in try; failed identifications count towards the limit."""
    scope = f"session-{session.pk}"
    throttled = "throttled", _("Too many unsuccessful tries. Wait 15 minutes and try again.")
    if throttle.is_blocked(request, scope):
        return throttled
    if form.is_bound:
        if not form.is_valid():
            return None, ""
        card = form.cleaned_data["card_number"]
        if throttle.is_blocked(request, scope, card):
            throttle.record_failure(request, scope)  # a refused try counts for the address too
            return throttled
        who = selectors.member_by_card(
            card_number=card, date_of_birth=form.cleaned_data["date_of_birth"]
        )
        if who is None or not who.unit.path.startswith(session.unit.path):
            throttle.record_failure(request, scope, card)
            return "not_found", _(
                "No member of %(unit)s has this union card number and date of birth. "
                "Check both, or ask the organisers to tick your name."
            ) % {"unit": session.unit.name}
    elif member is not None:
        who = member
    else:
        return None, ""
    try:
        attendance, created = services.attendance_check_in(
            session=session, member=who, acting_user=request.user
        )
    except ValidationError as error:
        return error.code, " ".join(error.messages)
    if created:
        return "checked_in", _("%(name)s, you are checked in. Thank you!") % {"name": who.full_name}
    return "already", _("%(name)s, you are already checked in.") % {"name": who.full_name}


# Roll-up -----------------------------------------------------------------------------------


@login_required
def rollup(request):
    tasks = (
        Task.objects.for_user(request.user)
        .exclude(plan__status=PlanStatus.DRAFT)
        .select_related("plan")
        .order_by("-plan__issued_on", "plan_id", "position")
    )
    form = RollupForm(request.GET or None, tasks=tasks)
    filters = form.cleaned_data if form.is_valid() else {}
    if filters.get("unit"):
        unit = _unit(request, filters["unit"])
    else:
        unit = scope_roots(user=request.user).order_by("depth", "sort_key").first()
    if unit is None:
        raise PermissionDenied
    task = filters.get("task")
    result = selectors.rollup(
        user=request.user,
        unit=unit,
        task=task,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    context = {
        "form": form,
        "unit": unit,
        "task": task,
        "result": result,
        "trail": breadcrumbs(unit=unit, user=request.user),
        "querystring": _querystring(request.GET, "unit"),
    }
    return render(request, "study/rollup.html", context)
