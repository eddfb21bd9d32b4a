"""The demo's own data exports and imports back into an empty database with identical counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count

from chuyende.demo.builder import build_demo, delete_demo
from chuyende.org.models import Member, Unit
from chuyende.org.services import unit_create
from chuyende.transfer import exports, services
from chuyende.transfer.models import ExportJob

pytestmark = pytest.mark.django_db


def _export(admin, kind):
    job = exports.export_start(
        acting_user=admin,
        kind=kind,
        fmt="xlsx",
        filters={},
        full=True,
        reason="Chuyển dữ liệu sang cơ sở dữ liệu mới",
    )
    job = ExportJob.objects.get(pk=job.pk)
    with job.file.open("rb") as handle:
        return SimpleUploadedFile(f"{kind}.xlsx", handle.read())


def _import(admin, unit, kind, upload):
    job = services.import_start(unit=unit, kind=kind, upload=upload, acting_user=admin)
    job = services.import_map(job=job, mapping=job.mapping, acting_user=admin)
    job.refresh_from_db()
    assert job.status == "validated", job.message
    assert job.errors == []
    services.import_confirm(job=job, valid_only=False, acting_user=admin)
    job.refresh_from_db()
    assert job.status == "done", job.message
    return job


def _counts():
    return {
        "units": dict(
            Unit.objects.order_by().values("kind").annotate(n=Count("id")).values_list("kind", "n")
        ),
        "members": Member.objects.count(),
        "by_unit": dict(
            Member.objects.order_by()
            .values("unit__code")
            .annotate(n=Count("id"))
            .values_list("unit__code", "n")
        ),
        "female": Member.objects.filter(gender="female").count(),
        "minority": Member.objects.exclude(ethnicity="Kinh").count(),
        "with_phone": Member.objects.exclude(phone="").count(),
    }


def test_export_then_import_into_an_empty_database_gives_identical_counts(django_user_model):
    build_demo(scale=0.02, plan=False)
    admin = django_user_model.objects.get(username="admin")
    before = _counts()
    units_file, members_file = _export(admin, "units"), _export(admin, "members")
    delete_demo()
    assert not Member.objects.exists() and not Unit.objects.exists()
    admin = django_user_model.objects.create_superuser("admin2", password="x")
    root = unit_create(
        parent=None,
        acting_user=admin,
        code="TLD",
        name="Tổng Liên đoàn Lao động Việt Nam",
        kind="confederation",
    )
    units_job = _import(admin, root, "units", units_file)
    assert units_job.new_count == sum(before["units"].values()) - 1
    members_job = _import(admin, root, "members", members_file)
    assert members_job.new_count == before["members"]
    assert _counts() == before
    again = services.import_start(unit=root, kind="members", upload=members_file, acting_user=admin)
    again = services.import_map(job=again, mapping=again.mapping, acting_user=admin)
    again.refresh_from_db()
    assert (again.new_count, again.updated_count, again.unchanged_count) == (
        0,
        0,
        before["members"],
    )
