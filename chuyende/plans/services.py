"""Writes on plans, tasks and assignments. Each is atomic and writes its own audit row."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuyende.core.audit import audit_record, diff
from chuyende.core.models import AuditAction
from chuyende.core.scoping import require, user_scope
from chuyende.core.text import nfc
from chuyende.core.uploads import original_name
from chuyende.org.models import Unit

from .choices import AssignmentStatus
from .models import Assignment, Evidence, Occasion, Plan, Task


def _date(value):
    if not value:
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def _texts(values):
    return [nfc(str(v)).strip() for v in (values or []) if str(v).strip()]


@transaction.atomic
def plan_create(
    *,
    unit: Unit,
    acting_user,
    fields: dict,
    tasks: list[dict],
    occasions: list[dict],
    source_text: str = "",
    source_file=None,
) -> Plan:
    """Save a plan with its tasks and occasions in one transaction (nothing half-saved)."""
    require(acting_user, "change", unit)
    plan = Plan(unit=unit, created_by=acting_user, source_text=source_text, **fields)
    if source_file is not None:
        plan.source_file = source_file
    plan.refresh_derived()
    plan.full_clean(exclude=["source_file"])
    plan.save()
    _replace_tasks(plan, tasks)
    Occasion.objects.bulk_create(
        Occasion(unit=unit, plan=plan, date=_date(o.get("date")), name=nfc(o.get("name", ""))[:255])
        for o in occasions
        if _date(o.get("date")) and o.get("name")
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=plan,
        unit=unit,
        changes={"number": plan.number, "tasks": len(tasks)},
    )
    plan_reports_setup(plan=plan, acting_user=acting_user)
    return plan


# What a change of these fields can change in the report forms a plan implies.
REPORTING_FIELDS = frozenset({"unit", "issued_on", "reporting", "recipients"})


def plan_reports_setup(*, plan: Plan, acting_user) -> list:
    """The report forms, periods and indicators the plan's reporting duties imply, set up in
    the caller's transaction (chuyende.reports.seeding; idempotent: forms are added and
    completed, never removed). Every path that creates a plan — the import screen, a plan
    written by hand, the demo — passes here, so each plan has its forms without further steps.

    Setting forms up is a manager's action on the issuing unit; a plan saved by an editor
    (allowed to create plans, not to manage the unit) still gets them, recorded as done by the
    system rather than by the editor."""
    from chuyende.reports.seeding import report_setup_for_plan

    manager = acting_user is not None and user_scope(acting_user).allows("manage", plan.unit.path)
    return report_setup_for_plan(plan=plan, acting_user=acting_user if manager else None)


def _replace_tasks(plan, tasks):
    seen = set()
    rows = []
    for position, task in enumerate(tasks):
        ref = (task.get("ref") or str(position + 1)).strip()[:20]
        if ref in seen:
            raise ValidationError(
                {"tasks": _("Two tasks have the same reference %(ref)s.") % {"ref": ref}}
            )
        seen.add(ref)
        title = nfc(task.get("title") or "").strip()
        if not title:
            raise ValidationError({"tasks": _("Task %(ref)s has no title.") % {"ref": ref}})
        rows.append(
            Task(
                plan=plan,
                position=position,
                ref=ref,
                title=title,
                audiences=_texts(task.get("audiences")),
                time_text=(task.get("time") or "")[:120],
                due_on=_date(task.get("due")),
                form=task.get("form") or "",
                responsible=_texts(task.get("responsible")),
                details=_texts(task.get("details")),
            )
        )
    Task.objects.bulk_create(rows)


@transaction.atomic
def plan_update(*, plan: Plan, acting_user, fields: dict) -> Plan:
    require(acting_user, "change", plan.unit)
    changes = diff({key: getattr(plan, key) for key in fields}, fields)
    for key, value in fields.items():
        setattr(plan, key, value)
    plan.refresh_derived()
    plan.full_clean(exclude=["source_file"])
    plan.save()
    if changes:
        audit_record(
            actor=acting_user, action=AuditAction.UPDATE, obj=plan, unit=plan.unit, changes=changes
        )
    if REPORTING_FIELDS & set(changes):
        plan_reports_setup(plan=plan, acting_user=acting_user)
    return plan


@transaction.atomic
def task_add(*, plan: Plan, acting_user, fields: dict) -> Task:
    """A task added to a saved plan, after its other tasks."""
    require(acting_user, "change", plan.unit)
    if Task.objects.filter(plan=plan, ref=fields["ref"]).exists():
        raise ValidationError(
            {"ref": _("This plan already has a task %(ref)s.") % {"ref": fields["ref"]}}
        )
    last = Task.objects.filter(plan=plan).order_by("-position").first()
    task = Task(plan=plan, position=(last.position + 1) if last else 0, **fields)
    task.full_clean()
    task.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=task,
        unit=plan.unit,
        changes=diff({}, fields),
    )
    return task


@transaction.atomic
def task_update(*, task: Task, acting_user, fields: dict) -> Task:
    require(acting_user, "change", task.plan.unit)
    ref = fields.get("ref", task.ref)
    if Task.objects.filter(plan=task.plan, ref=ref).exclude(pk=task.pk).exists():
        raise ValidationError({"ref": _("This plan already has a task %(ref)s.") % {"ref": ref}})
    changes = diff({key: getattr(task, key) for key in fields}, fields)
    for key, value in fields.items():
        setattr(task, key, value)
    task.full_clean()
    task.save()
    if changes:
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=task,
            unit=task.plan.unit,
            changes=changes,
        )
    return task


@transaction.atomic
def task_assign(
    *,
    task: Task,
    units,
    acting_user,
    due_on=None,
    instructions="",
    parent: Assignment | None = None,
) -> list[Assignment]:
    """Hand a task to units. From the issuing unit (parent None) to units in its subtree; from
    an assignment (parent) to units below the assignee. Units already assigned are skipped."""
    source = parent.unit if parent is not None else task.plan.unit
    require(acting_user, "change", source)
    units = list(units)
    outside = [u.name for u in units if not u.path.startswith(source.path) or u.pk == source.pk]
    if outside:
        raise ValidationError(
            _("These units are not below %(unit)s: %(names)s")
            % {"unit": source.name, "names": ", ".join(outside[:5])}
        )
    if parent is not None and due_on and parent.due_on and due_on > parent.due_on:
        raise ValidationError(
            {
                "due_on": _(
                    "The due date cannot be later than the date set by the upper level (%(date)s)."
                )
                % {"date": parent.due_on.strftime("%d/%m/%Y")}
            }
        )
    existing = set(
        Assignment.objects.filter(task=task, unit__in=units).values_list("unit_id", flat=True)
    )
    rows = [
        Assignment(
            task=task,
            unit=u,
            parent=parent,
            due_on=due_on or task.due_on,
            instructions=instructions,
            assigned_by=acting_user,
        )
        for u in units
        if u.pk not in existing
    ]
    created = Assignment.objects.bulk_create(rows)
    if created:
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=task,
            unit=source,
            object_repr=f"{task.ref} → {len(created)}",
            changes={
                "assigned_units": [a.unit_id for a in created][:500],
                "count": len(created),
                "parent": parent.pk if parent else None,
            },
        )
    return created


@transaction.atomic
def assignment_update(
    *, assignment: Assignment, acting_user, status: str, progress_note: str = ""
) -> Assignment:
    require(acting_user, "change", assignment.unit)
    if status not in AssignmentStatus.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    old = {"status": assignment.status, "progress_note": assignment.progress_note}
    assignment.status = status
    assignment.progress_note = progress_note.strip()[:500]
    if status == AssignmentStatus.DONE and assignment.completed_on is None:
        assignment.completed_on = timezone.localdate()
    elif status != AssignmentStatus.DONE:
        assignment.completed_on = None
    assignment.save(update_fields=["status", "progress_note", "completed_on", "updated_at"])
    new = {"status": assignment.status, "progress_note": assignment.progress_note}
    changes = diff(old, new)
    if changes:
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=assignment,
            unit=assignment.unit,
            changes=changes,
        )
    return assignment


@transaction.atomic
def evidence_add(*, assignment: Assignment, acting_user, file=None, link="", note="") -> Evidence:
    require(acting_user, "change", assignment.unit)
    if not file and not link:
        raise ValidationError(_("Attach a file or give a link."))
    evidence = Evidence(
        assignment=assignment, link=link or "", note=note or "", added_by=acting_user
    )
    if file:
        evidence.file = file
        evidence.name = original_name(file.name)
    evidence.full_clean(exclude=["file"])
    evidence.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=evidence,
        unit=assignment.unit,
        object_repr=f"{assignment} — {note or link or getattr(file, 'name', '')}"[:255],
    )
    return evidence


@transaction.atomic
def file_downloaded(*, obj, unit, acting_user) -> None:
    """Downloads of plan files and evidence are exports: recorded in the audit log."""
    audit_record(actor=acting_user, action=AuditAction.EXPORT, obj=obj, unit=unit)
