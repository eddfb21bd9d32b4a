"""Writes on inspections. Each is atomic, checks the actor's rights on the right unit and writes
its own audit row: the inspectors' steps need "manage" on the issuing unit, the inspected unit's
answers need "change" on the inspected unit."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuyende.core.audit import audit_record, diff
from chuyende.core.models import AuditAction
from chuyende.core.scoping import require
from chuyende.core.text import nfc
from chuyende.org.models import Unit
from chuyende.org.selectors import ancestor_paths

from .choices import InspectionStatus, Rating, RecommendationStatus
from .models import Finding, Inspection, InspectionPlan, InspectionPoint, Recommendation

PLAN_FIELDS = ("plan", "number", "title", "year", "start_on", "end_on")
MAX_UNITS = 200
MAX_POINTS = 60
MAX_TEAM = 30
_TEAM_SPLIT = re.compile(r"\s*(?:;|,|\s[–-]\s)\s*")


def _text(value) -> str:
    return nfc(str(value or "")).strip()


def parse_team(rows) -> list[dict]:
    """Team rows as [{"name", "position"}]: dicts, or lines "name, position" (also split at
    ";" or " – "). Empty rows are dropped."""
    team = []
    for row in rows or []:
        if isinstance(row, dict):
            name, position = _text(row.get("name")), _text(row.get("position"))
        else:
            parts = _TEAM_SPLIT.split(_text(row), maxsplit=1)
            name = parts[0].strip()
            position = parts[1].strip() if len(parts) > 1 else ""
        if name:
            team.append({"name": name[:120], "position": position[:200]})
    return team


def _check_plan(unit: Unit, fields: dict, errors: dict) -> None:
    for key in ("number", "title"):
        fields[key] = _text(fields.get(key))
    if not fields.get("title"):
        errors["title"] = _("Give the title of the inspection plan.")
    year = fields.get("year")
    if not year or not 2000 <= year <= timezone.localdate().year + 1:
        errors["year"] = _("Check the year.")
    start, end = fields.get("start_on"), fields.get("end_on")
    if not start:
        errors["start_on"] = _("Give the first day of the inspections.")
    if not end:
        errors["end_on"] = _("Give the last day of the inspections.")
    if start and end and end < start:
        errors["end_on"] = _("The last day cannot be before the first.")
    plan = fields.get("plan")
    if plan is not None and plan.unit.path not in [*ancestor_paths(unit.path), unit.path]:
        errors["plan"] = _("Choose a plan of %(unit)s or of a unit above it.") % {"unit": unit.name}


def _check_units(issuer: Unit, units) -> list[Unit]:
    units = list(dict.fromkeys(units or []))
    if not units:
        raise ValidationError({"units": _("Choose at least one unit to inspect.")})
    if len(units) > MAX_UNITS:
        raise ValidationError(
            {"units": _("At most %(n)s units in one inspection plan.") % {"n": MAX_UNITS}}
        )
    outside = [u.name for u in units if u.path == issuer.path or not u.path.startswith(issuer.path)]
    if outside:
        raise ValidationError(
            {
                "units": _("These units are not below %(unit)s: %(names)s")
                % {"unit": issuer.name, "names": ", ".join(outside[:5])}
            }
        )
    closed = [u.name for u in units if not u.active]
    if closed:
        raise ValidationError(
            {"units": _("These units are closed: %(names)s") % {"names": ", ".join(closed[:5])}}
        )
    return units


def _check_points(plan, tasks, free_points) -> tuple[list, list[str]]:
    tasks = list(dict.fromkeys(tasks or []))
    free = list(dict.fromkeys(p for p in (_text(p) for p in free_points or []) if p))
    if any(plan is None or t.plan_id != plan.pk for t in tasks):
        raise ValidationError({"tasks": _("Choose tasks of the plan checked.")})
    if not tasks and not free:
        raise ValidationError({"tasks": _("Give at least one point to check.")})
    if len(tasks) + len(free) > MAX_POINTS:
        raise ValidationError({"tasks": _("At most %(n)s points to check.") % {"n": MAX_POINTS}})
    return tasks, free


def _task_title(task) -> str:
    return f"{task.ref}. {task.title}"


@transaction.atomic
def plan_create(
    *, unit: Unit, acting_user, fields: dict, units, tasks=(), free_points=(), team=()
) -> InspectionPlan:
    """An inspection plan of `unit`, with one planned inspection per unit to inspect (on the
    first day) and its points to check: the tasks chosen, then the free points."""
    require(acting_user, "manage", unit)
    if not unit.active:
        raise ValidationError(_("This unit is closed."))
    fields = {key: fields.get(key) for key in PLAN_FIELDS}
    errors: dict = {}
    _check_plan(unit, fields, errors)
    members = parse_team(team)
    if not members:
        errors["team"] = _("Name at least the team leader.")
    elif len(members) > MAX_TEAM:
        errors["team"] = _("At most %(n)s people in the team.") % {"n": MAX_TEAM}
    if errors:
        raise ValidationError(errors)
    units = _check_units(unit, units)
    tasks, free = _check_points(fields["plan"], tasks, free_points)
    inspection_plan = InspectionPlan(unit=unit, team=members, created_by=acting_user, **fields)
    inspection_plan.full_clean()
    inspection_plan.save()
    InspectionPoint.objects.bulk_create(
        [
            InspectionPoint(inspection_plan=inspection_plan, task=t, title=_task_title(t))
            for t in tasks
        ]
        + [InspectionPoint(inspection_plan=inspection_plan, title=p) for p in free]
    )
    _renumber(inspection_plan)
    Inspection.objects.bulk_create(
        [
            Inspection(inspection_plan=inspection_plan, unit=u, date=fields["start_on"])
            for u in units
        ]
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=inspection_plan,
        unit=unit,
        changes={
            "title": inspection_plan.title,
            "units": [u.pk for u in units],
            "points": len(tasks) + len(free),
        },
    )
    return inspection_plan


def _renumber(inspection_plan):
    points = list(inspection_plan.points.select_related("task").order_by("position", "id"))
    tasks = sorted((p for p in points if p.task_id), key=lambda p: (p.task.position, p.task_id))
    ordered = tasks + [p for p in points if not p.task_id]
    for index, point in enumerate(ordered, start=1):
        point.position = index
    InspectionPoint.objects.bulk_update(ordered, ["position"])


@transaction.atomic
def plan_update(
    *,
    inspection_plan: InspectionPlan,
    acting_user,
    fields: dict,
    units,
    tasks=(),
    free_points=(),
    team=(),
) -> InspectionPlan:
    """Edit a plan. Units and points can be added; a unit whose inspection has started and a
    point with findings cannot be taken out."""
    inspection_plan = InspectionPlan.objects.select_for_update(of=("self",)).get(
        pk=inspection_plan.pk
    )
    unit = inspection_plan.unit
    require(acting_user, "manage", unit)
    fields = {key: fields.get(key) for key in PLAN_FIELDS}
    errors: dict = {}
    _check_plan(unit, fields, errors)
    members = parse_team(team)
    if not members:
        errors["team"] = _("Name at least the team leader.")
    if errors:
        raise ValidationError(errors)
    units = _check_units(unit, units)
    tasks, free = _check_points(fields["plan"], tasks, free_points)

    # Units: add the new, take out the planned ones no longer chosen.
    existing = {i.unit_id: i for i in inspection_plan.inspections.select_related("unit")}
    chosen = {u.pk for u in units}
    removed = [i for uid, i in existing.items() if uid not in chosen]
    started = [i.unit.name for i in removed if i.status != InspectionStatus.PLANNED]
    if started:
        raise ValidationError(
            {
                "units": _("The inspection of these units has started: %(names)s")
                % {"names": ", ".join(started[:5])}
            }
        )
    Inspection.objects.filter(pk__in=[i.pk for i in removed]).delete()
    Inspection.objects.bulk_create(
        [
            Inspection(inspection_plan=inspection_plan, unit=u, date=fields["start_on"])
            for u in units
            if u.pk not in existing
        ]
    )
    # Points: keep those still chosen, add the new, delete the rest unless they have findings.
    points = list(inspection_plan.points.select_related("task"))
    task_ids = {t.pk for t in tasks}
    kept_tasks = {p.task_id for p in points if p.task_id in task_ids}
    kept_free = {p.title for p in points if not p.task_id and p.title in free}
    gone = [
        p
        for p in points
        if (p.task_id and p.task_id not in task_ids) or (not p.task_id and p.title not in free)
    ]
    used = set(Finding.objects.filter(point__in=gone).values_list("point_id", flat=True).distinct())
    if used:
        names = [p.title[:60] for p in gone if p.pk in used]
        raise ValidationError(
            {
                "tasks": _("These points have findings and stay: %(names)s")
                % {"names": "; ".join(names[:3])}
            }
        )
    InspectionPoint.objects.filter(pk__in=[p.pk for p in gone]).delete()
    InspectionPoint.objects.bulk_create(
        [
            InspectionPoint(inspection_plan=inspection_plan, task=t, title=_task_title(t))
            for t in tasks
            if t.pk not in kept_tasks
        ]
        + [
            InspectionPoint(inspection_plan=inspection_plan, title=p)
            for p in free
            if p not in kept_free
        ]
    )
    _renumber(inspection_plan)

    old = {key: getattr(inspection_plan, key) for key in fields}
    old["team"] = inspection_plan.team
    for key, value in fields.items():
        setattr(inspection_plan, key, value)
    inspection_plan.team = members
    inspection_plan.full_clean()
    inspection_plan.save()
    changes = diff(old, {**fields, "team": members})
    new_units = sorted(chosen)
    if new_units != sorted(existing):
        changes["units"] = {"from": sorted(existing), "to": new_units}
    if gone or len(tasks) + len(free) != len(points):
        changes["points"] = {"from": len(points), "to": len(tasks) + len(free)}
    if changes:
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=inspection_plan,
            unit=unit,
            changes=changes,
        )
    return inspection_plan


# The inspection, step by step ------------------------------------------------------------------


def _lock(inspection: Inspection) -> Inspection:
    return (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("unit", "inspection_plan", "inspection_plan__unit")
        .get(pk=inspection.pk)
    )


def _status_error(inspection, message):
    raise ValidationError(message % {"status": inspection.get_status_display().lower()})


@transaction.atomic
def inspection_start(
    *, inspection: Inspection, acting_user, date: datetime.date | None = None
) -> Inspection:
    inspection = _lock(inspection)
    require(acting_user, "manage", inspection.inspection_plan.unit)
    if inspection.status != InspectionStatus.PLANNED:
        _status_error(inspection, _("This inspection cannot start: it is %(status)s."))
    date = date or timezone.localdate()
    if date > timezone.localdate():
        raise ValidationError(
            {"date": _("An inspection starts on the day it is held, not before.")}
        )
    old = {"status": inspection.status, "date": inspection.date}
    inspection.status = InspectionStatus.IN_PROGRESS
    inspection.date = date
    inspection.started_by = acting_user
    inspection.started_at = timezone.now()
    inspection.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=inspection,
        unit=inspection.unit,
        changes=diff(old, {"status": inspection.status, "date": inspection.date}),
    )
    return inspection


@transaction.atomic
def finding_record(
    *, inspection: Inspection, point: InspectionPoint, acting_user, text: str, rating: str
) -> Finding:
    """Record (or correct) the finding on one point while the inspection is under way."""
    inspection = _lock(inspection)
    require(acting_user, "manage", inspection.inspection_plan.unit)
    if inspection.status != InspectionStatus.IN_PROGRESS:
        _status_error(
            inspection,
            _("Findings are recorded while the inspection is under way; it is %(status)s."),
        )
    if point.inspection_plan_id != inspection.inspection_plan_id:
        raise ValidationError(_("This point is not in the inspection plan."))
    errors = {}
    text = _text(text)
    if not text:
        errors["text"] = _("Write what the inspection found.")
    if rating not in Rating.values:
        errors["rating"] = _("Choose a rating.")
    if errors:
        raise ValidationError(errors)
    finding = Finding.objects.filter(inspection=inspection, point=point).first()
    old = {"text": finding.text, "rating": finding.rating} if finding else {}
    if finding is None:
        finding = Finding(inspection=inspection, point=point)
    finding.text, finding.rating = text, rating
    finding.recorded_by, finding.recorded_at = acting_user, timezone.now()
    finding.full_clean(validate_constraints=False)
    finding.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE if old else AuditAction.CREATE,
        obj=finding,
        unit=inspection.unit,
        object_repr=f"{inspection.unit.name} — {point.title[:80]}",
        changes=diff(old, {"text": text, "rating": rating}),
    )
    return finding


@transaction.atomic
def inspection_conclude(
    *, inspection: Inspection, acting_user, conclusion: str, notice_number: str = ""
) -> Inspection:
    inspection = _lock(inspection)
    require(acting_user, "manage", inspection.inspection_plan.unit)
    if inspection.status != InspectionStatus.IN_PROGRESS:
        _status_error(
            inspection, _("Only an inspection under way can be concluded; it is %(status)s.")
        )
    conclusion = _text(conclusion)
    if not conclusion:
        raise ValidationError({"conclusion": _("Write the overall conclusion.")})
    if not inspection.findings.exists():
        raise ValidationError(_("Record at least one finding before concluding."))
    inspection.conclusion = conclusion
    inspection.notice_number = _text(notice_number)[:60]
    inspection.status = InspectionStatus.CONCLUDED
    inspection.concluded_by = acting_user
    inspection.concluded_at = timezone.now()
    inspection.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=inspection,
        unit=inspection.unit,
        changes={"status": {"from": InspectionStatus.IN_PROGRESS, "to": inspection.status}},
    )
    return inspection


@transaction.atomic
def recommendation_add(
    *, inspection: Inspection, acting_user, text: str, due_on: datetime.date | None
) -> Recommendation:
    inspection = _lock(inspection)
    require(acting_user, "manage", inspection.inspection_plan.unit)
    if inspection.status not in (InspectionStatus.IN_PROGRESS, InspectionStatus.CONCLUDED):
        _status_error(
            inspection,
            _(
                "Recommendations are added while the inspection is under way or concluded; it is %(status)s."
            ),
        )
    errors = {}
    text = _text(text)
    if not text:
        errors["text"] = _("Write the recommendation.")
    if not due_on:
        errors["due_on"] = _("Give the date by which it must be done.")
    elif due_on < inspection.date:
        errors["due_on"] = _("The due date cannot be before the inspection (%(date)s).") % {
            "date": inspection.date.strftime("%d/%m/%Y")
        }
    if errors:
        raise ValidationError(errors)
    recommendation = Recommendation(
        inspection=inspection, text=text, due_on=due_on, created_by=acting_user
    )
    recommendation.full_clean()
    recommendation.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=recommendation,
        unit=inspection.unit,
        changes={"due_on": due_on.isoformat(), "inspection": inspection.pk},
    )
    return recommendation


def _lock_recommendation(recommendation) -> Recommendation:
    return (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("inspection", "inspection__unit", "inspection__inspection_plan__unit")
        .get(pk=recommendation.pk)
    )


@transaction.atomic
def recommendation_answer(*, recommendation: Recommendation, acting_user, answer: str):
    """The inspected unit reports what it did; it can correct its answer until it is closed."""
    recommendation = _lock_recommendation(recommendation)
    inspection = recommendation.inspection
    require(acting_user, "change", inspection.unit)
    if recommendation.status == RecommendationStatus.CLOSED:
        raise ValidationError(_("This recommendation is closed."))
    if inspection.status != InspectionStatus.CONCLUDED:
        raise ValidationError(_("Recommendations are answered once the inspection is concluded."))
    answer = _text(answer)
    if not answer:
        raise ValidationError({"answer": _("Write what the unit has done.")})
    old = {"status": recommendation.status, "answer": recommendation.answer}
    recommendation.answer = answer
    recommendation.status = RecommendationStatus.ANSWERED
    recommendation.answered_by = acting_user
    recommendation.answered_at = timezone.now()
    recommendation.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=recommendation,
        unit=inspection.unit,
        changes=diff(old, {"status": recommendation.status, "answer": answer}),
    )
    return recommendation


def _follow_inspection(inspection: Inspection) -> None:
    """An inspection whose recommendations are all closed is closed; reopening one reopens it."""
    open_left = inspection.recommendations.exclude(status=RecommendationStatus.CLOSED).exists()
    if inspection.status == InspectionStatus.CONCLUDED and not open_left:
        inspection.status = InspectionStatus.CLOSED
        inspection.save(update_fields=["status", "updated_at"])
    elif inspection.status == InspectionStatus.CLOSED and open_left:
        inspection.status = InspectionStatus.CONCLUDED
        inspection.save(update_fields=["status", "updated_at"])


@transaction.atomic
def recommendation_close(*, recommendation: Recommendation, acting_user, comment: str = ""):
    """The inspectors accept what was done. A recommendation never answered is closed only
    with a comment saying why."""
    recommendation = _lock_recommendation(recommendation)
    inspection = recommendation.inspection
    require(acting_user, "manage", inspection.inspection_plan.unit)
    if recommendation.status == RecommendationStatus.CLOSED:
        raise ValidationError(_("This recommendation is already closed."))
    if inspection.status != InspectionStatus.CONCLUDED:
        raise ValidationError(_("Recommendations are closed once the inspection is concluded."))
    comment = _text(comment)
    if recommendation.status == RecommendationStatus.OPEN and not comment:
        raise ValidationError({"comment": _("The unit has not answered: say why it is closed.")})
    old = recommendation.status
    recommendation.status = RecommendationStatus.CLOSED
    recommendation.closed_by = acting_user
    recommendation.closed_at = timezone.now()
    recommendation.close_comment = comment
    recommendation.save()
    _follow_inspection(inspection)
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=recommendation,
        unit=inspection.unit,
        changes={"status": {"from": old, "to": recommendation.status}, "comment": comment},
    )
    return recommendation


@transaction.atomic
def recommendation_reopen(*, recommendation: Recommendation, acting_user, comment: str):
    """Send an answer back (or reopen a closed recommendation), with the inspectors' reason."""
    recommendation = _lock_recommendation(recommendation)
    inspection = recommendation.inspection
    require(acting_user, "manage", inspection.inspection_plan.unit)
    if recommendation.status == RecommendationStatus.OPEN:
        raise ValidationError(_("This recommendation is already awaiting an answer."))
    comment = _text(comment)
    if not comment:
        raise ValidationError({"comment": _("Say why the recommendation is reopened.")})
    old = recommendation.status
    recommendation.status = RecommendationStatus.OPEN
    recommendation.closed_by = None
    recommendation.closed_at = None
    recommendation.close_comment = comment
    recommendation.save()
    _follow_inspection(inspection)
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=recommendation,
        unit=inspection.unit,
        changes={"status": {"from": old, "to": recommendation.status}, "comment": comment},
    )
    return recommendation


@transaction.atomic
def document_exported(*, inspection: Inspection, acting_user, what: str) -> None:
    audit_record(
        actor=acting_user,
        action=AuditAction.EXPORT,
        obj=inspection,
        unit=inspection.unit,
        changes={"what": what},
    )
