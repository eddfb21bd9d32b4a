"""Background work of imports and exports (django-tasks; the database queue by default)."""

from django.utils import timezone
from django_tasks import task

from chuyende.core import progress
from chuyende.core.workers import on_lost


@task()
def check_import(job_id: int) -> dict:
    from .services import run_check

    return run_check(job_id)


@task()
def run_import(job_id: int) -> dict:
    from .services import run_import as run

    return run(job_id)


@task()
def run_export(job_id: int) -> dict:
    from .exports import run_export as run

    return run(job_id)


# A worker that dies mid-task (chuyende.core.workers): the check writes only its job's row and
# the import writes in one transaction, so both run again once; the export too (its file is
# saved with its row). After that the job is failed with the reason shown on its page.


@on_lost(check_import, retry=True)
@on_lost(run_import, retry=True)
def _import_lost(reason: str, job_id: int) -> None:
    from .models import ImportJob, ImportStatus

    ImportJob.objects.filter(
        pk=job_id, status__in=[ImportStatus.VALIDATING, ImportStatus.IMPORTING]
    ).update(status=ImportStatus.FAILED, message=reason, finished_at=timezone.now())
    progress.clear("import", job_id)


@on_lost(run_export, retry=True)
def _export_lost(reason: str, job_id: int) -> None:
    from .models import ExportJob

    ExportJob.objects.filter(pk=job_id).exclude(status__in=["done", "failed"]).update(
        status="failed", message=reason, finished_at=timezone.now()
    )
    progress.clear("export", job_id)
