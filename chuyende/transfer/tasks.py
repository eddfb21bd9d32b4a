"""Background work of imports and exports (django-tasks; the database queue by default)."""

from django_tasks import task


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
