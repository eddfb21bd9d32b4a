"""Member and unit lists, as filtered on screen, to .xlsx or .csv in the background.

The columns are the import template's, so an export can be corrected and imported back.
Personal fields (date of birth, citizen ID, phone, e-mail, ethnicity, religion) are masked: the
list then holds no personal field and is one click. In full only for a user who may reveal
personal data over everything the list holds (chuyende.org.selectors.sensitive_allowed), and only
with a reason (chuyende.core.reasons), written to the audit log when the export is asked for and
again, with the row count, when its file is made. Filtering by ethnicity needs the same right.
Cells from user input never start a formula.
"""

import csv
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuyende.core import masking, progress
from chuyende.core.audit import audit_record
from chuyende.core.models import AuditAction, AuditEvent
from chuyende.core.reasons import clean_reason
from chuyende.core.scoping import user_scope
from chuyende.core.sheets import safe_cell
from chuyende.org import selectors as org_selectors
from chuyende.org.choices import Gender, MemberStatus, UnionPosition, UnitKind, UnitSubKind
from chuyende.org.models import Member, Unit

from .fields import MEMBER_COLUMNS, UNIT_COLUMNS
from .models import ExportJob, Kind

FORMATS = ("xlsx", "csv")
BATCH = 2000
MEMBER_FILTERS = ("unit", "gender", "ethnicity", "status", "q")


def _labels(choices):
    from django.utils import translation

    with translation.override("vi"):
        return {key: str(label) for key, label in choices}


def export_start(
    *, acting_user, kind: str, fmt: str, filters: dict, full: bool, reason: str = ""
) -> ExportJob:
    """Queue the export. In full (personal data unmasked) it needs the reveal right over every
    row and a `reason` (ValidationError without one: no job, no file)."""
    if fmt not in FORMATS or kind not in Kind.values:
        raise ValidationError(_("Unknown export format."))
    scope = user_scope(acting_user)
    unit = None
    if filters.get("unit"):
        unit = Unit.objects.for_user(acting_user).filter(pk=filters["unit"]).first()
        if unit is None:
            raise PermissionDenied
    chosen = unit
    if unit is None and not scope.superuser:
        roots = list(org_selectors.scope_roots(user=acting_user)[:1])
        unit = roots[0] if roots else None
    if unit is None and not scope.superuser:
        raise PermissionDenied
    if not scope.superuser and not scope.allows("export", unit.path):
        raise PermissionDenied(_("You do not have permission to export these rows."))
    # the rows are the whole list (the unit chosen, or else the whole scope): the reveal right
    # must cover them all, as it must for the sensitive filter
    sensitive = org_selectors.sensitive_allowed(user=acting_user, unit=chosen)
    if full and not sensitive:
        raise PermissionDenied(_("Your role does not allow exporting personal data in full."))
    if kind == Kind.MEMBERS and filters.get("ethnicity") and not sensitive:
        raise PermissionDenied(_("Your role does not allow filtering members by ethnicity."))
    if full:
        reason = clean_reason(reason)
    clean = {k: v for k, v in filters.items() if k in MEMBER_FILTERS and v not in ("", None)}
    with transaction.atomic():
        job = ExportJob.objects.create(
            unit=unit,
            kind=kind,
            format=fmt,
            filters=clean,
            full_personal_data=full,
            created_by=acting_user,
        )
        if full:  # who asked, when, from where, for what rows, and why
            audit_record(
                actor=acting_user,
                action=AuditAction.EXPORT,
                obj=job,
                unit=unit,
                changes={
                    "stage": "asked",
                    "kind": kind,
                    "format": fmt,
                    "filters": clean,
                    "personal_data": "full",
                    "fields": _personal_fields(kind),
                    "reason": reason,
                },
            )
    progress.report("export", job.pk, done=0, total=0, stage="export")
    from .tasks import run_export

    run_export.enqueue(job.pk)
    return job


def _masked(value) -> str:
    """A sensitive value (ethnicity, religion) as the member page shows it masked."""
    return masking.MASK * 3 if value else ""


def _personal_fields(kind) -> list[str]:
    return list(Member.PERSONAL_FIELDS) if kind == Kind.MEMBERS else ["phone"]


def _asked_reason(job) -> str:
    """The reason given when the full export was asked for (its audit row)."""
    if not job.full_personal_data:
        return ""
    found = (
        AuditEvent.objects.filter(
            object_type=ExportJob._meta.label_lower,
            object_id=str(job.pk),
            action=AuditAction.EXPORT,
        )
        .order_by("at", "pk")
        .values_list("changes", flat=True)
        .first()
    )
    return (found or {}).get("reason", "") if isinstance(found, dict) else ""


def _members(job):
    filters = job.filters
    return org_selectors.member_search(
        user=job.created_by,
        unit=job.unit if filters.get("unit") else None,
        gender=filters.get("gender", ""),
        ethnicity=filters.get("ethnicity", ""),
        status=filters.get("status", ""),
        query=filters.get("q", ""),
    )


def _member_rows(job, members):
    genders = _labels(Gender.choices)
    statuses = _labels(MemberStatus.choices)
    positions = _labels(UnionPosition.choices)
    full = job.full_personal_data
    for m in members:
        yield [
            m.unit.code,
            m.full_name,
            genders.get(m.gender, m.gender),
            (m.date_of_birth.strftime("%d/%m/%Y") if m.date_of_birth else "")
            if full
            else masking.mask_date(m.date_of_birth),
            m.ethnicity if full else _masked(m.ethnicity),
            m.religion if full else _masked(m.religion),
            m.phone if full else masking.mask_phone(m.phone),
            m.email if full else masking.mask_email(m.email),
            m.id_number if full else masking.mask_id_number(m.id_number),
            m.card_number,
            m.job_title,
            positions.get(m.union_position, "") if m.union_position else "",
            m.joined_on.strftime("%d/%m/%Y") if m.joined_on else "",
            statuses.get(m.status, m.status),
        ]


def _unit_rows(job, units):
    kinds = _labels(UnitKind.choices)
    sub_kinds = _labels(UnitSubKind.choices)
    codes = {
        u.path: u.code
        for u in Unit.objects.filter(
            path__in={u.path[: -Unit.steplen] for u in units if u.depth > 1}
        ).only("path", "code")
    }
    for u in units:
        yield [
            u.code,
            u.name,
            codes.get(u.path[: -Unit.steplen], ""),
            kinds.get(u.kind, u.kind),
            sub_kinds.get(u.sub_kind, "") if u.sub_kind else "",
            u.short_name,
            u.address,
            u.phone if job.full_personal_data else masking.mask_phone(u.phone),
            u.email,
        ]


def _batches(queryset):
    """Keyset batches (by id), so memory stays flat on a province of 150,000 members."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def run_export(job_id: int) -> dict:
    """Write the file; on any failure the job says so (the page stops waiting) and nothing is
    kept."""
    job = ExportJob.objects.select_related("unit", "created_by").get(pk=job_id)
    try:
        return _write_export(job)
    except Exception as error:
        ExportJob.objects.filter(pk=job.pk).update(
            status="failed",
            message=_("The export stopped on an unexpected error (%(error)s); start it again.")
            % {"error": type(error).__name__},
            finished_at=timezone.now(),
        )
        progress.clear("export", job.pk)
        raise


def _write_export(job) -> dict:
    if job.kind == Kind.MEMBERS:
        queryset = _members(job).select_related("unit")
        columns, make_rows = MEMBER_COLUMNS, _member_rows
    else:
        queryset = Unit.objects.for_user(job.created_by)
        if job.unit is not None:
            queryset = queryset.filter(path__startswith=job.unit.path)
        columns, make_rows = UNIT_COLUMNS, _unit_rows
    total = queryset.count()
    headers = [c.header for c in columns]
    count = 0
    if job.format == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Đoàn viên" if job.kind == Kind.MEMBERS else "Đơn vị")
        sheet.append(headers)
        for batch in _batches(queryset):
            for row in make_rows(job, batch):
                sheet.append([safe_cell(v) for v in row])
            count += len(batch)
            progress.report("export", job.pk, done=count, total=total, stage="export")
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        for batch in _batches(queryset):
            writer.writerows([safe_cell(v) for v in row] for row in make_rows(job, batch))
            count += len(batch)
            progress.report("export", job.pk, done=count, total=total, stage="export")
        data = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{'doan-vien' if job.kind == Kind.MEMBERS else 'don-vi'}-{stamp}.{job.format}"
    with transaction.atomic():
        job.file.save(name, ContentFile(data), save=False)
        job.row_count = count
        job.status = "done"
        job.finished_at = timezone.now()
        job.save()
        audit_record(
            actor=job.created_by,
            action=AuditAction.EXPORT,
            obj=job,
            unit=job.unit,
            changes={
                "kind": job.kind,
                "format": job.format,
                "filters": job.filters,
                "rows": count,
                "personal_data": "full" if job.full_personal_data else "masked",
                "fields": _personal_fields(job.kind) if job.full_personal_data else [],
                **({"reason": _asked_reason(job)} if job.full_personal_data else {}),
            },
        )
    progress.clear("export", job.pk)
    return {"rows": count}
