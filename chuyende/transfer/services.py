"""Imports and exports as jobs: upload → match columns → check (task) → import (task).

The check writes nothing but the job's own row. The import checks again against the database as
it is then, and writes everything in one transaction: a crash or a killed worker leaves nothing
half-written, and the job can be started again.
"""

import hashlib
import json
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuyende.core import progress, sheets
from chuyende.core.audit import audit_record
from chuyende.core.models import AuditAction
from chuyende.core.scoping import require, user_scope

from . import cache, members, presets, units
from .fields import COLUMNS, aliases
from .models import ImportJob, ImportStatus, Kind, MappingPreset
from .presets import SystemPreset

STALLED_AFTER = 300  # seconds without a sign of life from the worker
ENGINES = {Kind.MEMBERS: members, Kind.UNITS: units}
RIGHTS = {Kind.MEMBERS: "change", Kind.UNITS: "manage"}


def required_fields(kind: str) -> list[str]:
    return [c.name for c in COLUMNS[kind] if c.required]


SAVED_PRESETS_CONSIDERED = 200  # saved presets a file's headers are compared with, newest first


def suggested_preset(*, kind: str, headers, acting_user):
    """The preset (shipped, or saved by the user's units or those above) whose headers the
    file matches, or None."""
    saved = (
        MappingPreset.objects.for_user(acting_user)
        .filter(kind=kind)
        .order_by("-updated_at")[:SAVED_PRESETS_CONSIDERED]
    )
    return presets.suggest(kind, headers, saved, required=required_fields(kind))


def import_start(
    *,
    unit,
    kind: str,
    upload,
    acting_user,
    preset: MappingPreset | SystemPreset | None = None,
):
    """Keep the uploaded file, find its header row and guess which column holds what.

    With a preset (saved, or shipped with the application) its headers map their fields over
    the guesses; without one, a preset whose headers the file matches is suggested and applied
    (the officer sees which on the matching page and checks the match)."""
    if kind not in ENGINES:
        raise ValidationError(_("Unknown kind of import."))
    require(acting_user, RIGHTS[kind], unit)
    if preset is not None and preset.kind != kind:
        raise ValidationError({"preset": _("This preset is for another kind of sheet.")})
    table = sheets.read_table(upload, aliases=aliases(kind))
    rows = list(table.rows())  # the file is read once, here
    if hasattr(upload, "seek"):
        upload.seek(0)
    mapping = sheets.match_headers(table.headers, aliases(kind))
    suggested = False
    if preset is None:
        preset = suggested_preset(kind=kind, headers=table.headers, acting_user=acting_user)
        suggested = preset is not None
    if preset is not None:
        mapping = presets.apply(preset, table.headers, mapping)
    with transaction.atomic():
        job = ImportJob(
            unit=unit,
            kind=kind,
            original_name=getattr(upload, "name", "sheet")[:255],
            headers=table.headers,
            header_row=table.header_row,
            mapping=mapping,
            preset_name=str(preset)[:120] if preset is not None else "",
            preset_suggested=suggested,
            created_by=acting_user,
        )
        job.file.save(job.original_name, upload, save=False)
        job.save()
    # Parse the cells with the guessed mapping now: when the officer keeps it (the usual case),
    # the check starts from these; another mapping reads the file again.
    parsed = ENGINES[kind].parse(job, {"headers": table.headers, "rows": rows})
    cache.store(_parsed_name(job), parsed)
    return job


def import_map(*, job: ImportJob, mapping: dict, acting_user, preset_name: str = "") -> ImportJob:
    """Save the column choices (and a preset), then check the file in the background."""
    require(acting_user, RIGHTS[job.kind], job.unit)
    if job.running and not stalled(job):
        raise ValidationError(_("This import is already running."))
    if job.status == ImportStatus.DONE:
        raise ValidationError(_("This file has been imported already; upload it again."))
    clean = {name: int(index) for name, index in mapping.items() if index not in (None, "")}
    errors = {}
    for name in required_fields(job.kind):
        if name not in clean:
            errors[name] = _("Choose the column that holds this.")
    used = {}
    for name, index in clean.items():
        if not 0 <= index < len(job.headers):
            errors[name] = _("Choose a column of the file.")
        elif index in used:
            errors[name] = _("This column is already used for another field.")
        used[index] = name
    if errors:
        raise ValidationError(errors)
    if clean != job.mapping:
        cache.forget(_parsed_name(job))  # parsed for the mapping that is being replaced
    with transaction.atomic():
        job.mapping = clean
        job.status = ImportStatus.VALIDATING
        job.message = ""
        job.save(update_fields=["mapping", "status", "message"])
        if preset_name.strip():
            MappingPreset.objects.update_or_create(
                unit=job.unit,
                kind=job.kind,
                name=preset_name.strip()[:120],
                defaults={
                    "mapping": {name: job.headers[i] for name, i in clean.items()},
                    "created_by": acting_user,
                },
            )
    progress.report("import", job.pk, done=0, total=0, stage="check")
    _enqueue("check", job)
    return job


def import_confirm(*, job: ImportJob, valid_only: bool, acting_user) -> ImportJob:
    """Import the checked file: all rows, or — when some are wrong — only the valid ones."""
    require(acting_user, RIGHTS[job.kind], job.unit)
    if job.status == ImportStatus.IMPORTING and not stalled(job):
        raise ValidationError(_("This import is already running."))
    if job.status not in (ImportStatus.VALIDATED, ImportStatus.FAILED, ImportStatus.IMPORTING):
        raise ValidationError(_("Check the file before importing it."))
    if job.error_count and not valid_only:
        raise ValidationError(
            _(
                "%(count)s rows have errors. Correct the file and upload it again, or import "
                "only the valid rows."
            )
            % {"count": job.error_rows}
        )
    with transaction.atomic():
        job.status = ImportStatus.IMPORTING
        job.valid_only = valid_only
        job.message = ""
        job.save(update_fields=["status", "valid_only", "message"])
    progress.report("import", job.pk, done=0, total=job.total_rows, stage="import")
    _enqueue("import", job)
    return job


def _enqueue(stage: str, job: ImportJob) -> None:
    from . import tasks

    task = tasks.check_import if stage == "check" else tasks.run_import
    result = task.enqueue(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


def stalled(job: ImportJob) -> bool:
    """A running job whose worker has not reported for a while (killed, or never started)."""
    if not job.running:
        return False
    state = progress.read("import", job.pk)
    return state is None or time.time() - state.get("at", 0) > STALLED_AFTER


def _reporter(job, stage):
    def report(done, total):
        progress.report("import", job.pk, done=done, total=total, stage=stage)

    return report


def _parsed_name(job) -> str:
    """Where the check keeps the parsed cells for the import (same file, same mapping)."""
    digest = hashlib.sha256(
        json.dumps([job.file.name, job.mapping], sort_keys=True).encode()
    ).hexdigest()[:16]
    return f"imports/cache/parsed-{job.pk}-{digest}.pickle"


def raw_rows(job):
    """The sheet's header and rows, read from the stored file."""
    with job.file.open("rb") as handle:
        table = sheets.read_table(handle, aliases=aliases(job.kind))
        return {"file": job.file.name, "headers": table.headers, "rows": list(table.rows())}


def _parsed(job, engine, *, keep=False):
    """The cells parsed for this file and mapping when they are still kept; otherwise parsed
    again from the file (and kept for the next step when `keep`)."""
    kept = cache.load(_parsed_name(job))
    if kept is not None:
        return kept
    parsed = engine.parse(job, raw_rows(job), progress=_reporter(job, "check"))
    if keep:
        cache.store(_parsed_name(job), parsed)
    return parsed


def _forget_cached(job) -> None:
    cache.forget(_parsed_name(job))


def run_check(job_id: int) -> dict:
    job = ImportJob.objects.select_related("unit", "created_by").get(pk=job_id)
    engine = ENGINES[job.kind]
    try:
        parsed = _parsed(job, engine, keep=True)
        outcome = engine.resolve(job, parsed, progress=_reporter(job, "check"))
    except ValidationError as error:
        return _fail(job, " ".join(error.messages))
    job.status = ImportStatus.VALIDATED
    _store(job, outcome)
    job.checked_at = timezone.now()
    job.save()
    progress.clear("import", job.pk)
    return {
        "new": job.new_count,
        "updated": job.updated_count,
        "missing": job.missing_count,
        "errors": job.error_count,
    }


def _store(job, outcome):
    job.total_rows = outcome.total
    job.new_count = len(outcome.creates)
    job.updated_count = len(outcome.updates)
    job.unchanged_count = outcome.unchanged
    job.error_count = len(outcome.errors)
    job.errors = [[e.row, e.column, e.message] for e in outcome.errors]
    missing = getattr(outcome, "missing", [])
    job.missing_count = len(missing)
    job.missing = list(missing[: ImportJob.MISSING_KEPT])


def _fail(job, message):
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED, message=message[:2000], finished_at=timezone.now()
    )
    progress.clear("import", job.pk)
    return {"failed": message}


def run_import(job_id: int) -> dict:
    job = ImportJob.objects.select_related("unit", "created_by").get(pk=job_id)
    engine = ENGINES[job.kind]
    user = job.created_by
    if user is None or not user_scope(user).allows(RIGHTS[job.kind], job.unit.path):
        return _fail(job, _("The user who started this import no longer has the right to do it."))
    try:
        # the file's cells as the check parsed them; the database is consulted afresh
        outcome = engine.resolve(job, _parsed(job, engine), progress=_reporter(job, "check"))
        if outcome.errors and not job.valid_only:
            raise ValidationError(
                _("The data changed since the check: %(count)s rows now have errors.")
                % {"count": len(outcome.error_rows)}
            )
        with transaction.atomic():
            engine.write(job, outcome, acting_user=user, progress=_reporter(job, "import"))
            audit_record(
                actor=user,
                action=AuditAction.IMPORT,
                obj=job,
                unit=job.unit,
                changes={
                    "kind": job.kind,
                    "file": job.original_name,
                    "rows": outcome.total,
                    "new": len(outcome.creates),
                    "updated": len(outcome.updates),
                    "unchanged": outcome.unchanged,
                    "missing": len(getattr(outcome, "missing", [])),
                    "skipped_with_errors": len(outcome.error_rows),
                },
            )
            _store(job, outcome)
            job.status = ImportStatus.DONE
            job.finished_at = timezone.now()
            job.save()
    except (ValidationError, PermissionDenied) as error:
        messages = getattr(error, "messages", None) or [str(error)]
        return _fail(job, " ".join(messages))
    except Exception as error:
        _fail(
            job,
            _("The import stopped on an unexpected error; nothing was written. (%(error)s)")
            % {"error": type(error).__name__},
        )
        raise
    progress.clear("import", job.pk)
    _forget_cached(job)
    return {"new": job.new_count, "updated": job.updated_count}


def error_sheet(job: ImportJob) -> bytes:
    """The uploaded sheet with an error column, for correcting and uploading again."""
    by_row: dict[int, list[str]] = {}
    for row, column, message in job.errors:
        by_row.setdefault(row, []).append(f"{column}: {message}")
    with job.file.open("rb") as handle:
        return sheets.annotated_copy(
            handle,
            {row: "; ".join(texts) for row, texts in by_row.items()},
            column_title="Lỗi",
        )


def template_file(kind: str) -> ContentFile:
    """An empty sheet with the template's headers and one example row."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Đoàn viên" if kind == Kind.MEMBERS else "Đơn vị"
    columns = COLUMNS[kind]
    sheet.append([c.header + (" (*)" if c.required else "") for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append([c.example for c in columns])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(
            14, len(column.header) + 6
        )
        if column.name in ("phone", "id_number", "card_number", "date_of_birth", "joined_on"):
            for row in range(2, 2002):
                sheet.cell(row, index).number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return ContentFile(buffer.getvalue())
