import json
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from chuyende.core.forms import apply_errors
from chuyende.core.scoping import user_scope
from chuyende.core.uploads import stored_response
from chuyende.org.models import Unit
from chuyende.org.selectors import breadcrumbs

from . import importing, selectors, services
from .choices import BOARD_STATUSES
from .forms import (
    AssignForm,
    AssignmentUpdateForm,
    EvidenceForm,
    PlanForm,
    PlanUploadForm,
    TaskForm,
    TaskFormSet,
)
from .models import Assignment, Evidence, Plan, Task
from .parsing import PlanReadError

PARSED_EXTRAS = ("references", "sections", "reporting", "recipients", "signer", "occasions")


def _plan(request, pk):
    return get_object_or_404(Plan.objects.for_user(request.user).select_related("unit"), pk=pk)


def _can_change(user, unit):
    return user_scope(user).allows("change", unit.path)


@login_required
def plan_list(request):
    plans = Plan.objects.for_user(request.user).select_related("unit")
    return render(
        request,
        "plans/plan_list.html",
        {
            "plans": plans[:200],
            "assignments": selectors.my_assignments(user=request.user, limit=20),
            "can_create": Unit.objects.for_user(request.user, "change").exists(),
        },
    )


def _task_initial(tasks):
    return [
        {
            "ref": t.get("ref") or "",
            "title": t.get("title") or "",
            "audiences": t.get("audiences") or [],
            "time": t.get("time") or "",
            "due": t.get("due"),
            "form": t.get("form") or "",
            "responsible": t.get("responsible") or [],
            "details": t.get("details") or [],
        }
        for t in tasks
    ]


def _review(request, *, plan_form, task_formset, extras, source_text, token, duplicates=None):
    return render(
        request,
        "plans/plan_review.html",
        {
            "form": plan_form,
            "tasks": task_formset,
            "extras_json": json.dumps(extras, ensure_ascii=False),
            "extras": extras,
            "source_text": source_text,
            "token": token,
            "duplicates": duplicates,
        },
    )


@login_required
def plan_import(request):
    units = Unit.objects.for_user(request.user, "change")
    if not units.exists():
        raise PermissionDenied
    upload_form = PlanUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and upload_form.is_valid():
        upload = upload_form.cleaned_data["file"]
        try:
            text, parsed, data = importing.read_upload(upload)
        except PlanReadError as error:
            upload_form.add_error("file", error.message)
        else:
            token = importing.stash_upload(data, upload.name)
            fields = selectors.plan_fields_from_parsed(parsed)
            guess = selectors.issuing_unit_guess(user=request.user, issuer=fields["issuer"])
            plan_form = PlanForm(
                initial={**fields, "unit": guess, "status": "active"}, unit_queryset=units
            )
            task_formset = TaskFormSet(initial=_task_initial(parsed["tasks"]), prefix="task")
            extras = {key: parsed.get(key) for key in PARSED_EXTRAS}
            return _review(
                request,
                plan_form=plan_form,
                task_formset=task_formset,
                extras=extras,
                source_text=text,
                token=token,
            )
    return render(request, "plans/plan_import.html", {"form": upload_form})


@login_required
def plan_new(request):
    units = Unit.objects.for_user(request.user, "change")
    if not units.exists():
        raise PermissionDenied
    if request.method == "POST":
        return _save_reviewed(request, units)
    plan_form = PlanForm(
        initial={
            "kind": "KẾ HOẠCH",
            "status": "active",
            "unit": selectors.issuing_unit_guess(user=request.user, issuer=""),
        },
        unit_queryset=units,
    )
    task_formset = TaskFormSet(initial=[{"ref": "1"}], prefix="task")
    return _review(
        request,
        plan_form=plan_form,
        task_formset=task_formset,
        extras={key: [] for key in PARSED_EXTRAS},
        source_text="",
        token="",
    )


def _save_reviewed(request, units):
    plan_form = PlanForm(request.POST, unit_queryset=units)
    task_formset = TaskFormSet(request.POST, prefix="task")
    token = request.POST.get("token", "")
    source_text = request.POST.get("source_text", "")
    try:
        extras = json.loads(request.POST.get("extras") or "{}")
        if not isinstance(extras, dict):
            raise ValueError
    except ValueError:
        extras = {}
    extras = {key: extras.get(key) or ([] if key != "signer" else {}) for key in PARSED_EXTRAS}

    def again(duplicates=None):
        return _review(
            request,
            plan_form=plan_form,
            task_formset=task_formset,
            extras=extras,
            source_text=source_text,
            token=token,
            duplicates=duplicates,
        )

    if not (plan_form.is_valid() and task_formset.is_valid()):
        return again()
    fields = dict(plan_form.cleaned_data)
    unit = fields.pop("unit")
    duplicates = list(selectors.possible_duplicates(number=fields["number"], unit=unit))
    if duplicates and not request.POST.get("confirm_duplicate"):
        return again(duplicates)
    tasks = [
        f.cleaned_data
        for f in task_formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]
    for task in tasks:
        task.pop("DELETE", None)
    fields.update({key: extras[key] for key in PARSED_EXTRAS if key != "occasions"})
    try:
        plan = services.plan_create(
            unit=unit,
            acting_user=request.user,
            fields=fields,
            tasks=tasks,
            occasions=extras["occasions"] or [],
            source_text=source_text,
            source_file=importing.take_stashed(token),
        )
    except ValidationError as error:
        apply_errors(plan_form, error)
        return again()
    transaction.on_commit(lambda: importing.discard_stashed(token))
    messages.success(
        request,
        ngettext(
            "The plan was saved with %(n)s task.",
            "The plan was saved with %(n)s tasks.",
            len(tasks),
        )
        % {"n": len(tasks)},
    )
    return redirect("plans:plan_detail", pk=plan.pk)


@login_required
@require_POST
def plan_import_save(request):
    units = Unit.objects.for_user(request.user, "change")
    if not units.exists():
        raise PermissionDenied
    return _save_reviewed(request, units)


@login_required
def plan_detail(request, pk):
    plan = _plan(request, pk)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "tasks": selectors.plan_board(plan=plan, user=request.user),
            "timeline": selectors.plan_timeline(plan=plan),
            "can_change": _can_change(request.user, plan.unit),
            "statuses": BOARD_STATUSES,
        },
    )


@login_required
def plan_edit(request, pk):
    plan = _plan(request, pk)
    if not _can_change(request.user, plan.unit):
        raise PermissionDenied
    form = PlanForm(
        request.POST or None,
        instance=Plan.objects.get(pk=plan.pk),
        unit_queryset=Unit.objects.for_user(request.user, "change"),
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        try:
            services.plan_update(plan=plan, acting_user=request.user, fields=fields)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/plan_edit.html", {"plan": plan, "form": form})


@login_required
def plan_board(request, pk):
    plan = _plan(request, pk)
    unit = None
    if request.GET.get("unit"):
        unit = get_object_or_404(Unit.objects.for_user(request.user), pk=request.GET["unit"])
    context = {
        "plan": plan,
        "unit": unit,
        "statuses": BOARD_STATUSES,
        "tasks": selectors.plan_board(plan=plan, user=request.user, unit=unit),
    }
    if request.htmx and request.htmx.target == "board":
        return render(request, "plans/plan_board.html#board", context)
    return render(request, "plans/plan_board.html", context)


@login_required
def task_drill(request, pk):
    task = get_object_or_404(
        Task.objects.for_user(request.user).select_related("plan", "plan__unit"), pk=pk
    )
    if request.GET.get("unit"):
        unit = get_object_or_404(Unit.objects.for_user(request.user), pk=request.GET["unit"])
    else:
        unit = selectors.drill_start(user=request.user, plan=task.plan)
    own, rows = selectors.task_drilldown(task=task, user=request.user, unit=unit)
    return render(
        request,
        "plans/task_drill.html",
        {
            "task": task,
            "unit": unit,
            "own": own,
            "rows": rows,
            "statuses": BOARD_STATUSES,
            "trail": breadcrumbs(unit=unit, user=request.user),
        },
    )


@login_required
def task_assign(request, pk):
    task = get_object_or_404(
        Task.objects.for_user(request.user).select_related("plan", "plan__unit"), pk=pk
    )
    source = task.plan.unit
    if not _can_change(request.user, source):
        raise PermissionDenied
    candidates = selectors.assignable_units(source=source)
    form = AssignForm(request.POST or None, unit_queryset=candidates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        units = selectors.units_for_target(
            source=source, target=data["target"], chosen=data["units"]
        )
        try:
            created = services.task_assign(
                task=task,
                units=units,
                acting_user=request.user,
                due_on=data["due_on"],
                instructions=data["instructions"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                ngettext("Task handed to %(n)s unit.", "Task handed to %(n)s units.", len(created))
                % {"n": len(created)},
            )
            return redirect("plans:plan_detail", pk=task.plan_id)
    return render(request, "plans/task_assign.html", {"task": task, "form": form, "source": source})


def _assignment(request, pk):
    return get_object_or_404(
        Assignment.objects.for_user(request.user).select_related(
            "task", "task__plan", "unit", "parent", "parent__unit"
        ),
        pk=pk,
    )


@login_required
def assignment_detail(request, pk):
    assignment = _assignment(request, pk)
    can_change = _can_change(request.user, assignment.unit)
    update_form = AssignmentUpdateForm(
        initial={"status": assignment.status, "progress_note": assignment.progress_note}
    )
    candidates = selectors.assignable_units(source=assignment.unit)
    pass_form = AssignForm(unit_queryset=candidates, levels=False) if can_change else None
    return render(
        request,
        "plans/assignment_detail.html",
        {
            "assignment": assignment,
            "can_change": can_change,
            "update_form": update_form,
            "evidence_form": EvidenceForm() if can_change else None,
            "pass_form": pass_form,
            "has_candidates": candidates.exists(),
            "evidence": list(assignment.evidence.all()),
            "children": list(assignment.children.select_related("unit").order_by("unit__sort_key")),
            "trail": breadcrumbs(unit=assignment.unit, user=request.user),
        },
    )


def _change_assignment(request, pk):
    assignment = _assignment(request, pk)
    if not _can_change(request.user, assignment.unit):
        raise PermissionDenied
    return assignment


@login_required
@require_POST
def assignment_update(request, pk):
    assignment = _change_assignment(request, pk)
    form = AssignmentUpdateForm(request.POST)
    if form.is_valid():
        services.assignment_update(
            assignment=assignment, acting_user=request.user, **form.cleaned_data
        )
        messages.success(request, _("The status was saved."))
    else:
        messages.error(request, _("Choose a valid status."))
    return redirect("plans:assignment_detail", pk=assignment.pk)


@login_required
@require_POST
def assignment_evidence(request, pk):
    assignment = _change_assignment(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        services.evidence_add(assignment=assignment, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("The evidence was attached."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("plans:assignment_detail", pk=assignment.pk)


@login_required
@require_POST
def assignment_pass_down(request, pk):
    assignment = _change_assignment(request, pk)
    form = AssignForm(
        request.POST, unit_queryset=selectors.assignable_units(source=assignment.unit), levels=False
    )
    if form.is_valid():
        try:
            created = services.task_assign(
                task=assignment.task,
                units=form.cleaned_data["units"],
                acting_user=request.user,
                due_on=form.cleaned_data["due_on"],
                instructions=form.cleaned_data["instructions"],
                parent=assignment,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                ngettext("Task handed to %(n)s unit.", "Task handed to %(n)s units.", len(created))
                % {"n": len(created)},
            )
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("plans:assignment_detail", pk=assignment.pk)


def _task_fields(data):
    """TaskForm's cleaned data as Task fields."""
    return {
        "ref": data["ref"],
        "title": data["title"],
        "audiences": data["audiences"],
        "time_text": data["time"],
        "due_on": data["due"],
        "form": data["form"],
        "responsible": data["responsible"],
        "details": data["details"],
    }


@login_required
def task_add(request, pk):
    plan = _plan(request, pk)
    if not _can_change(request.user, plan.unit):
        raise PermissionDenied
    form = TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_add(
                plan=plan, acting_user=request.user, fields=_task_fields(form.cleaned_data)
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The task was added."))
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/task_edit.html", {"plan": plan, "form": form})


@login_required
def task_edit(request, pk):
    task = get_object_or_404(
        Task.objects.for_user(request.user).select_related("plan", "plan__unit"), pk=pk
    )
    if not _can_change(request.user, task.plan.unit):
        raise PermissionDenied
    initial = {
        "ref": task.ref,
        "title": task.title,
        "audiences": task.audiences,
        "time": task.time_text,
        "due": task.due_on,
        "form": task.form,
        "responsible": task.responsible,
        "details": task.details,
    }
    form = TaskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_update(
                task=task, acting_user=request.user, fields=_task_fields(form.cleaned_data)
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The task was saved."))
            return redirect("plans:plan_detail", pk=task.plan_id)
    return render(request, "plans/task_edit.html", {"task": task, "plan": task.plan, "form": form})


def _file_response(field, audit_obj, unit, user, filename):
    response = stored_response(field, filename=filename)
    services.file_downloaded(obj=audit_obj, unit=unit, acting_user=user)
    return response


@login_required
def plan_original(request, pk):
    plan = _plan(request, pk)
    extension = PurePath(plan.source_file.name).suffix
    return _file_response(
        plan.source_file, plan, plan.unit, request.user, f"ke-hoach-{plan.pk}{extension}"
    )


@login_required
def evidence_file(request, pk):
    evidence = get_object_or_404(
        Evidence.objects.for_user(request.user).select_related("assignment__unit"), pk=pk
    )
    name = evidence.name or PurePath(evidence.file.name).name
    return _file_response(evidence.file, evidence, evidence.assignment.unit, request.user, name)


@login_required
def unit_tasks(request, pk):
    unit = get_object_or_404(Unit.objects.for_user(request.user), pk=pk)
    return render(
        request,
        "plans/unit_tasks.html",
        {
            "unit": unit,
            "assignments": selectors.unit_assignments(unit=unit, user=request.user),
            "trail": breadcrumbs(unit=unit, user=request.user),
        },
    )
