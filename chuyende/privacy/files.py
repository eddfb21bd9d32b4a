"""Files and stored rows that show or name people, removed with their personal data.

At a member's anonymisation (chuyende.privacy.anonymise), for that member:

- honors: the photos and evidence files of their nominations show them or tell their record:
  the files are deleted through the storage API (whatever the storage: the file system, S3) and
  their rows with them; the audit rows about those files lose the name;
- pledges: their rows among the stored rows of paper-pledge imports (`PledgeImport.valid_rows`)
  are dropped, their name is taken out of those imports' error messages;
- transfer: the finished member imports into their unit or a unit above it (the uploaded
  sheet, the cells read from it, the list of errors quoting it) and the member-list exports of
  their unit or above (the file) may list them: a sheet cannot be cut row by row, so each is
  deleted whole (the job keeps its counts). An import still waiting for the officer keeps its
  sheet until it is finished or too old (below).

Every run, by age: the working files of every import and export older than
PRIVACY_WORK_FILE_DAYS days (30 by default) are deleted the same way — uploaded sheets and the
cells read from them, error lists, exported lists, paper-pledge import rows. They serve one
import or one download; nothing else reads them. An import left waiting that long is closed as
failed, saying why; an export's page says its file was deleted.

Files are deleted before the rows that name them, in the transaction of the batch: if the
transaction fails, the rows stay (pointing at no file, which the views answer with 404) and the
next run deletes again (deleting a missing file is no error).
"""

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

# Import states whose sheet is still needed by a job in progress.
IMPORT_RUNNING = ("validating", "importing")
IMPORT_WAITING = ("mapping", "validated")
IMPORT_FINISHED = ("done", "failed")


def work_file_days() -> int:
    return int(getattr(settings, "PRIVACY_WORK_FILE_DAYS", 30))


def delete_stored(files) -> int:
    """Delete each stored file (a FieldFile) through its storage; the number deleted."""
    deleted = 0
    for field_file in files:
        if field_file:
            field_file.delete(save=False)
            deleted += 1
    return deleted


def ancestor_paths(paths) -> set[str]:
    """The paths given and every path above them (a unit and the units above it)."""
    from chuyende.org.models import Unit

    step = Unit.steplen
    return {path[:i] for path in paths for i in range(step, len(path) + 1, step)}


def _import_removed_message(days=None) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        if days is None:
            return _(
                "The sheet of this import was deleted: it could list a member whose personal "
                "data has been anonymised. Upload the sheet again if it is still needed."
            )
        return _(
            "The sheet of this import was deleted: uploaded sheets are kept %(days)s days, as "
            "they hold personal data. Upload it again if it is still needed."
        ) % {"days": days}


def _export_removed_message(days=None) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        if days is None:
            return _(
                "The file of this export was deleted: it could list a member whose personal "
                "data has been anonymised. Export the list again."
            )
        return _(
            "The file of this export was deleted: exported lists are kept %(days)s days, as "
            "they hold personal data. Export the list again."
        ) % {"days": days}


def _forget_parsed(job_ids) -> None:
    """The cells an import's check read from its sheet, kept between its steps
    (chuyende.transfer.cache: imports/cache/parsed-<job id>-<digest>.pickle)."""
    from chuyende.transfer.models import ImportJob

    if not job_ids:
        return
    storage = ImportJob._meta.get_field("file").storage
    try:
        _folders, names = storage.listdir("imports/cache")
    except (FileNotFoundError, NotImplementedError, OSError):
        return
    prefixes = tuple(f"parsed-{pk}-" for pk in job_ids)
    for name in names:
        if name.startswith(prefixes):
            storage.delete(f"imports/cache/{name}")


def purge_imports(jobs, *, message: str) -> int:
    """Delete the sheets, the cells read from them and the error lists of these import jobs
    (a list of ImportJob with pk, file, status); close those still waiting as failed."""
    from chuyende.transfer.models import ImportJob

    if not jobs:
        return 0
    delete_stored(job.file for job in jobs)
    ids = [job.pk for job in jobs]
    _forget_parsed(ids)
    ImportJob.objects.filter(pk__in=ids).update(file="", errors=[])
    waiting = [job.pk for job in jobs if job.status in IMPORT_WAITING]
    if waiting:
        ImportJob.objects.filter(pk__in=waiting).update(
            status="failed", message=message, finished_at=timezone.now()
        )
    return len(ids)


def purge_exports(jobs, *, message: str) -> int:
    """Delete the files of these export jobs (ExportJob with pk, file); their page says why."""
    from chuyende.transfer.models import ExportJob

    if not jobs:
        return 0
    delete_stored(job.file for job in jobs)
    ExportJob.objects.filter(pk__in=[job.pk for job in jobs]).update(
        file="", status="failed", message=message
    )
    return len(jobs)


# At a member's anonymisation ----------------------------------------------------------------------


def for_members(*, ids, unit_paths, patterns, replacements, scrub) -> dict:
    """Remove the files and stored rows naming the members `ids` (their units' paths in
    `unit_paths`); a fixed number of statements whatever their number. Returns the counts and,
    under "owners", the audit objects ("honors.nominationphoto", pk) -> member id whose rows
    must lose the name."""
    from chuyende.honors.models import NominationFile, NominationPhoto
    from chuyende.pledges.models import PledgeImport
    from chuyende.transfer.models import ExportJob, ImportJob

    members = set(ids)
    photos = list(
        NominationPhoto.objects.filter(nomination__member_id__in=ids).values_list(
            "pk", "nomination__member_id"
        )
    )
    evidence = list(
        NominationFile.objects.filter(nomination__member_id__in=ids).values_list(
            "pk", "nomination__member_id"
        )
    )
    files = 0
    if photos:
        rows = NominationPhoto.objects.filter(pk__in=[pk for pk, _m in photos]).only("image")
        files += delete_stored(row.image for row in rows)
        NominationPhoto.objects.filter(pk__in=[pk for pk, _m in photos]).delete()
    if evidence:
        rows = NominationFile.objects.filter(pk__in=[pk for pk, _m in evidence]).only("file")
        files += delete_stored(row.file for row in rows)
        NominationFile.objects.filter(pk__in=[pk for pk, _m in evidence]).delete()
    owners = {("honors.nominationphoto", str(pk)): member for pk, member in photos}
    owners.update({("honors.nominationfile", str(pk)): member for pk, member in evidence})

    above = sorted(ancestor_paths(unit_paths))

    # Paper-pledge imports of their union: their rows dropped, their name out of the errors.
    changed = []
    for batch in PledgeImport.objects.filter(unit__path__in=above).only(
        "pk", "valid_rows", "errors"
    ):
        rows = [row for row in batch.valid_rows if row.get("member") not in members]
        errors = batch.errors
        for member in ids:
            errors = scrub(errors, patterns.get(member), replacements[member])
        if rows != batch.valid_rows or errors != batch.errors:
            batch.valid_rows, batch.errors = rows, errors
            changed.append(batch)
    if changed:
        PledgeImport.objects.bulk_update(changed, ["valid_rows", "errors"])

    imports = list(
        ImportJob.objects.filter(kind="members", status__in=IMPORT_FINISHED, unit__path__in=above)
        .exclude(file="")
        .only("pk", "file", "status")
    )
    exports = [
        job
        for job in ExportJob.objects.filter(
            Q(unit__isnull=True) | Q(unit__path__in=above), kind="members", status="done"
        )
        .exclude(file="")
        .only("pk", "file", "filters")
        if (job.filters or {}).get("status") != "active"  # an active-only list cannot name them
    ]
    return {
        "files": files,
        "pledge_imports": len(changed),
        "imports": purge_imports(imports, message=_import_removed_message()),
        "exports": purge_exports(exports, message=_export_removed_message()),
        "owners": owners,
    }


# By age -------------------------------------------------------------------------------------------


def old_work(*, now=None, days=None) -> dict:
    """The working jobs older than `days` (PRIVACY_WORK_FILE_DAYS) whose files or rows are
    still kept: {"imports": [...], "exports": [...], "pledge_imports": [...]}."""
    from chuyende.pledges.models import PledgeImport
    from chuyende.transfer.models import ExportJob, ImportJob

    days = work_file_days() if days is None else days
    before = (now or timezone.now()) - timezone.timedelta(days=days)
    return {
        "imports": list(
            ImportJob.objects.filter(created_at__lt=before)
            .exclude(status__in=IMPORT_RUNNING)
            .exclude(file="")
            .only("pk", "file", "status")
        ),
        "exports": list(
            ExportJob.objects.filter(created_at__lt=before).exclude(file="").only("pk", "file")
        ),
        "pledge_imports": list(
            PledgeImport.objects.filter(created_at__lt=before)
            .exclude(valid_rows=[], errors=[])
            .values_list("pk", flat=True)
        ),
    }


def purge_old_work(*, now=None, days=None, dry_run=False) -> dict:
    """Delete the working files and rows older than `days`; their counts."""
    from chuyende.pledges.choices import ImportStatus as PledgeImportStatus
    from chuyende.pledges.models import PledgeImport

    days = work_file_days() if days is None else days
    found = old_work(now=now, days=days)
    counts = {key: len(value) for key, value in found.items()}
    if dry_run:
        return counts
    purge_imports(found["imports"], message=_import_removed_message(days))
    purge_exports(found["exports"], message=_export_removed_message(days))
    if found["pledge_imports"]:
        pledge_imports = PledgeImport.objects.filter(pk__in=found["pledge_imports"])
        pledge_imports.filter(status=PledgeImportStatus.CHECKED).update(
            status=PledgeImportStatus.DISCARDED
        )
        pledge_imports.update(valid_rows=[], errors=[])
    return counts
