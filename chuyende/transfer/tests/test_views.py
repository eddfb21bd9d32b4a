"""Import and export screens: no login, in scope, out of scope; the journey through them."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from chuyende.core.models import AuditEvent
from chuyende.org.models import Member
from chuyende.transfer.models import ExportJob, ImportJob

from .helpers import member_row, sheet

pytestmark = pytest.mark.django_db


def test_pages_need_a_login(client, world):
    response = client.get(reverse("transfer:import_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_member_or_a_viewer_cannot_import(client, world):
    for user in (world.dave, world.nobody):
        client.force_login(user)
        assert client.get(reverse("transfer:import_list")).status_code == 403


def test_upload_match_check_import_through_the_screens(client, world):
    client.force_login(world.bob)
    page = client.get(reverse("transfer:import_list"))
    assert page.status_code == 200
    units = [choice[1] for choice in page.context["form"].fields["unit"].choices]
    assert any("Buôn Ma Thuột" in str(u) for u in units)
    assert not any("Ea Kar" in str(u) for u in units)
    upload = sheet([member_row(1), member_row(2, phone="12")])
    response = client.post(
        reverse("transfer:import_list"), {"kind": "members", "unit": world.a.pk, "file": upload}
    )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("transfer:import_mapping", args=[job.pk])
    mapping_page = client.get(response["Location"])
    assert mapping_page.context["form"]["full_name"].initial == "1"
    data = {name: str(index) for name, index in job.mapping.items()}
    response = client.post(reverse("transfer:import_mapping", args=[job.pk]), data)
    assert response["Location"] == reverse("transfer:import_detail", args=[job.pk])
    detail = client.get(response["Location"])
    body = detail.content.decode()
    assert 'data-status="validated"' in body and 'id="import-valid"' in body
    assert "12" in body and 'data-row="4"' in body
    sheet_file = client.get(reverse("transfer:import_errors", args=[job.pk]))
    rows = list(load_workbook(io.BytesIO(sheet_file.content)).active.iter_rows(values_only=True))
    assert rows[3][-1] and rows[2][-1] is None
    # the error sheet holds the rows as typed: a viewer of the province sees the job, not the sheet
    viewer = Client()
    viewer.force_login(world.erin)
    viewer_page = viewer.get(reverse("transfer:import_detail", args=[job.pk])).content.decode()
    assert 'id="import-error-table"' in viewer_page and "import-error-sheet" not in viewer_page
    assert viewer.get(reverse("transfer:import_errors", args=[job.pk])).status_code == 403
    before = Member.objects.count()
    client.post(reverse("transfer:import_confirm", args=[job.pk]), {"valid_only": "1"})
    job.refresh_from_db()
    assert job.status == "done" and Member.objects.count() == before + 1
    partial = client.get(
        reverse("transfer:import_detail", args=[job.pk]),
        headers={"HX-Request": "true", "HX-Target": "import-status"},
    )
    assert b'id="import-done"' in partial.content and b"<html" not in partial.content


def test_a_bad_file_is_refused_with_a_message_and_nothing_kept(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.bob)
    response = client.post(
        reverse("transfer:import_list"),
        {"kind": "members", "unit": world.a.pk, "file": SimpleUploadedFile("a.xlsx", b"junk")},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ImportJob.objects.exists()


def test_an_editor_imports_into_their_own_union(client, world):
    client.force_login(world.carol)
    page = client.get(reverse("transfer:import_list"))
    assert [u for u in page.context["form"].fields["unit"].queryset] == [world.a1]


def test_the_template_has_the_vietnamese_headers(client, world):
    client.force_login(world.carol)
    response = client.get(reverse("transfer:template") + "?kind=members")
    headers = next(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert headers[:3] == ("Mã đơn vị (*)", "Họ và tên (*)", "Giới tính (*)")


def test_export_of_the_filtered_member_list_masked_and_audited(client, world):
    client.force_login(world.bob)
    response = client.post(
        reverse("transfer:export_start"), {"kind": "members", "format": "xlsx", "q": "an"}
    )
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("transfer:export_detail", args=[job.pk])
    assert job.status == "done"
    data = client.get(reverse("transfer:export_file", args=[job.pk]))
    rows = list(load_workbook(io.BytesIO(data.getvalue())).active.iter_rows(values_only=True))
    names = [r[1] for r in rows[1:]]
    assert "Nguyễn Văn An" in names and "Phạm Quốc Khánh" not in names
    an = next(r for r in rows if r[1] == "Nguyễn Văn An")
    assert an[6] == "091•••••78" and an[8] == "•••••••••234"
    audit = AuditEvent.objects.get(action="export")
    assert audit.changes["personal_data"] == "masked" and audit.changes["rows"] == len(names)
    client.force_login(world.mallory)
    assert client.get(reverse("transfer:export_file", args=[job.pk])).status_code == 404


def test_full_personal_data_needs_the_reveal_right(client, world):
    client.force_login(world.erin)
    response = client.post(
        reverse("transfer:export_start"), {"kind": "members", "format": "csv", "full": "1"}
    )
    assert response.status_code == 403
    client.force_login(world.bob)
    client.post(
        reverse("transfer:export_start"),
        {"kind": "members", "format": "csv", "full": "1", "reason": "Đối chiếu hồ sơ đoàn viên"},
    )
    job = ExportJob.objects.get()
    text = b"".join(client.get(reverse("transfer:export_file", args=[job.pk])).streaming_content)
    assert text.startswith("\ufeff".encode()) and b"0912345678" in text
    events = AuditEvent.objects.filter(action="export").order_by("pk")
    assert [e.changes["personal_data"] for e in events] == ["full", "full"]  # asked, made
    assert {e.changes["reason"] for e in events} == {"Đối chiếu hồ sơ đoàn viên"}


def test_exported_cells_never_start_a_formula(client, world):
    world.an.full_name = '=HYPERLINK("http://x")'
    world.an.save()
    client.force_login(world.bob)
    client.post(reverse("transfer:export_start"), {"kind": "members", "format": "xlsx"})
    job = ExportJob.objects.get()
    data = client.get(reverse("transfer:export_file", args=[job.pk])).getvalue()
    names = [r[1] for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]
    assert '\'=HYPERLINK("http://x")' in names


def test_the_import_list_costs_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    from chuyende.transfer import services

    for n in range(3):
        services.import_start(
            unit=world.a, kind="members", upload=sheet([member_row(n)]), acting_user=world.bob
        )
    client.force_login(world.bob)
    with django_assert_max_num_queries(12) as first:
        client.get(reverse("transfer:import_list"))
    for n in range(3, 8):
        services.import_start(
            unit=world.a, kind="members", upload=sheet([member_row(n)]), acting_user=world.bob
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("transfer:import_list"))


def test_bad_export_filters_get_a_message_and_no_export(client, world):
    client.force_login(world.bob)
    for data in (
        {"kind": "members", "format": "xlsx", "unit": "abc"},
        {"kind": "members", "format": "xlsx", "gender": "robot"},
        {"kind": "nope", "format": "pdf"},
    ):
        response = client.post(reverse("transfer:export_start"), data)
        assert response.status_code == 302 and response["Location"] == reverse("org:member_list")
    assert not ExportJob.objects.exists()


def test_an_export_that_fails_says_so_and_stops_waiting(client, world):
    from unittest import mock

    from chuyende.transfer import exports

    client.force_login(world.bob)
    with mock.patch.object(exports, "_member_rows", side_effect=OSError("disk full")):
        client.post(reverse("transfer:export_start"), {"kind": "members", "format": "xlsx"})
    job = ExportJob.objects.get()
    assert job.status == "failed" and "OSError" in job.message and not job.file
    body = client.get(reverse("transfer:export_detail", args=[job.pk])).content.decode()
    assert 'id="export-failed"' in body and "hx-trigger" not in body
    assert client.get(reverse("transfer:export_file", args=[job.pk])).status_code == 404
