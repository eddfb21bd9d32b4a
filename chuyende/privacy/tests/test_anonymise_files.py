"""Anonymisation removes the files and stored rows that show or name the member
(chuyende.privacy.files), through the storage API; the working files of imports and exports go
after PRIVACY_WORK_FILE_DAYS whoever they name. The figures stay: test_anonymise.py compares
them before and after with these files in place."""

import datetime
import io
from unittest import mock

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from chuyende.core.models import AuditEvent
from chuyende.honors.models import NominationFile, NominationPhoto
from chuyende.pledges.models import PledgeImport
from chuyende.privacy.anonymise import anonymise, pseudonym
from chuyende.transfer import cache
from chuyende.transfer.models import ExportJob, ImportJob

from .test_anonymise import NAME, PHONE

pytestmark = pytest.mark.django_db


def _names(*field_files):
    return [f.name for f in field_files]


def test_the_photos_and_evidence_of_their_nominations_are_deleted(world, departed):
    roi = departed.records
    photo, evidence = roi["photo"], roi["evidence"]
    names = _names(photo.image, evidence.file)
    assert all(default_storage.exists(name) for name in names)
    # someone still kept (Hòa left 100 days ago) keeps hers
    from chuyende.org.models import Member

    from .helpers import records_for

    Member.objects.filter(pk=departed.hoa.pk).update(status="active")
    departed.hoa.refresh_from_db()
    kept = records_for(world, departed.hoa, tag=" Hòa")
    Member.objects.filter(pk=departed.hoa.pk).update(status="left")
    kept_names = _names(kept["photo"].image, kept["evidence"].file)
    deleted = []
    with mock.patch.object(
        default_storage, "delete", side_effect=lambda n: deleted.append(n) or _delete(n)
    ):
        anonymise(trigger="test")
    assert sorted(deleted) == sorted(names)  # through the storage API, those two only
    assert not any(default_storage.exists(name) for name in names)
    assert all(default_storage.exists(name) for name in kept_names)
    nomination = roi["nomination"]
    assert not NominationPhoto.objects.filter(nomination=nomination).exists()
    assert not NominationFile.objects.filter(nomination=nomination).exists()
    assert NominationPhoto.objects.filter(nomination=kept["nomination"]).count() == 1
    # the audit row of the evidence download named her (and her file, without accents)
    about = AuditEvent.objects.get(object_type="honors.nominationfile", object_id=str(evidence.pk))
    assert about.object_repr == pseudonym(departed.roi.pk)
    dump = str(list(AuditEvent.objects.values()))
    assert NAME not in dump and "le-van-roi" not in dump


def _delete(name):
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage.delete(default_storage._wrapped, name)


def test_their_rows_in_stored_pledge_imports_are_dropped(world, departed, work):
    anonymise(trigger="test")
    batch = PledgeImport.objects.get(pk=work.pledge_import.pk)
    assert [row["member"] for row in batch.valid_rows] == [world.binh.pk]
    assert NAME not in str(batch.errors) and pseudonym(departed.roi.pk) in str(batch.errors)
    assert batch.total_rows == 3  # the counts stay


def test_finished_member_imports_and_exports_that_may_list_them_are_deleted(world, departed, work):
    sheets = {
        key: getattr(work, key).file.name
        for key in (
            "done_import",
            "waiting_import",
            "foreign_import",
            "export",
            "whole_export",
            "active_export",
            "foreign_export",
        )
    }
    anonymise(trigger="test")
    gone = {key for key, name in sheets.items() if not default_storage.exists(name)}
    assert gone == {"done_import", "export", "whole_export"}
    done = ImportJob.objects.get(pk=work.done_import.pk)
    assert done.file.name == "" and done.errors == [] and done.status == "done"
    assert (done.total_rows, done.new_count, done.error_count) == (2, 1, 1)  # counts stay
    assert cache.load(f"imports/cache/parsed-{done.pk}-0123456789abcdef.pickle") is None
    waiting = ImportJob.objects.get(pk=work.waiting_import.pk)  # the officer is still on it
    assert waiting.status == "validated" and waiting.errors
    assert cache.load(f"imports/cache/parsed-{waiting.pk}-0123456789abcdef.pickle") is not None
    export = ExportJob.objects.get(pk=work.export.pk)
    assert export.file.name == "" and export.status == "failed" and export.row_count == 2
    assert export.message  # the page says why there is no file


def test_an_export_whose_file_was_deleted_says_so(client, world, departed, work):
    from django.urls import reverse

    anonymise(trigger="test")
    client.force_login(world.bob)
    page = client.get(reverse("transfer:export_detail", args=[work.export.pk]))
    assert page.status_code == 200 and 'id="export-failed"' in page.content.decode()
    assert client.get(reverse("transfer:export_file", args=[work.export.pk])).status_code == 404


def test_working_files_are_deleted_after_their_days_whoever_they_name(world, settings):
    settings.PRIVACY_WORK_FILE_DAYS = 30
    from chuyende.pledges.tests.helpers import make_template

    template = make_template(world.a)

    def jobs():
        imported = ImportJob(unit=world.a2, kind="units", original_name="u.xlsx", status="done")
        imported.file.save("u.csv", ContentFile(b"x"), save=True)
        waiting = ImportJob(
            unit=world.a2, kind="members", original_name="m.csv", status="validated"
        )
        waiting.file.save("m.csv", ContentFile(b"x"), save=True)
        running = ImportJob(
            unit=world.a2, kind="members", original_name="r.csv", status="importing"
        )
        running.file.save("r.csv", ContentFile(b"x"), save=True)
        export = ExportJob(kind="units", format="csv", status="done", created_by=world.alice)
        export.file.save("e.csv", ContentFile(b"x"), save=True)
        pledges = PledgeImport.objects.create(
            unit=world.a1,
            template=template,
            file_name="p.xlsx",
            valid_rows=[{"row": 2, "member": world.binh.pk, "fields": {}}],
        )
        return imported, waiting, running, export, pledges

    with time_machine.travel(timezone.now() - datetime.timedelta(days=31)):
        old = jobs()
    fresh = jobs()
    names = [job.file.name for job in (*old[:4], *fresh[:4])]

    out = io.StringIO()
    call_command("anonymise_members", "--dry-run", stdout=out)
    assert "2 import sheets, 1 exports, 1 pledge imports" in out.getvalue()
    assert all(default_storage.exists(name) for name in names)

    result = anonymise(trigger="test")
    assert result["old_work"] == {"imports": 2, "exports": 1, "pledge_imports": 1}
    exists = [default_storage.exists(name) for name in names]
    # old: both finished and waiting imports and the export go, the running import stays
    assert exists == [False, False, True, False, True, True, True, True]
    imported, waiting, running, export, pledges = (type(job).objects.get(pk=job.pk) for job in old)
    assert waiting.status == "failed" and "30" in waiting.message and waiting.file.name == ""
    assert imported.status == "done" and running.status == "importing"
    assert export.status == "failed" and "30" in export.message
    assert pledges.status == "discarded" and pledges.valid_rows == []
    assert PledgeImport.objects.get(pk=fresh[4].pk).valid_rows != []
    summary = AuditEvent.objects.filter(object_type="privacy.anonymisationrun").latest("pk")
    assert summary.changes["old_work_deleted"] == result["old_work"]
    assert summary.changes["work_file_days"] == 30
    # a second run finds nothing more
    assert anonymise(trigger="test")["old_work"] == {
        "imports": 0,
        "exports": 0,
        "pledge_imports": 0,
    }


def test_the_sheet_left_in_the_import_cache_goes_with_its_job(world, settings):
    job = ImportJob(unit=world.a2, kind="members", original_name="m.csv", status="done")
    job.file.save("m.csv", ContentFile(PHONE.encode()), save=False)
    job.save()
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=settings.PRIVACY_WORK_FILE_DAYS + 1)
    )
    other = f"imports/cache/parsed-{job.pk + 1000}-feedfacefeedface.pickle"
    mine = f"imports/cache/parsed-{job.pk}-feedfacefeedface.pickle"
    cache.store(mine, [[PHONE]])
    cache.store(other, [["kept"]])
    anonymise(trigger="test")
    assert not default_storage.exists(mine) and default_storage.exists(other)
