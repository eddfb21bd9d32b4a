"""Member imports: every error kind, matching on re-import, scope, atomicity."""

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from chuyende.core.models import AuditEvent
from chuyende.org.models import Member
from chuyende.transfer import members as engine
from chuyende.transfer import services
from chuyende.transfer.models import ImportStatus

from .helpers import HEADER, member_row, run_import, sheet

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English here; the Vietnamese ones have their own test."""
    with translation.override("en"):
        yield


def errors_by_row(job):
    found = {}
    for row, column, message in job.errors:
        found.setdefault(row, []).append((column, message))
    return found


def test_the_columns_are_guessed_from_the_headers(world):
    job = services.import_start(
        unit=world.a, kind="members", upload=sheet([member_row(1)]), acting_user=world.bob
    )
    assert job.header_row == 2
    assert job.mapping == {
        "full_name": 1,
        "gender": 2,
        "date_of_birth": 3,
        "phone": 4,
        "id_number": 5,
        "card_number": 6,
        "unit_code": 7,
    }


def test_a_clean_sheet_is_checked_then_imported(world):
    before = Member.objects.count()
    job = run_import(
        world.bob, world.a, sheet([member_row(n) for n in range(1, 21)]), check_only=True
    )
    assert job.status == ImportStatus.VALIDATED
    assert (job.total_rows, job.new_count, job.updated_count, job.error_count) == (20, 20, 0, 0)
    assert Member.objects.count() == before  # the check writes nothing
    services.import_confirm(job=job, valid_only=False, acting_user=world.bob)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Member.objects.count() == before + 20
    member = Member.objects.get(card_number="TV-000003")
    assert member.unit == world.a1 and member.phone == "0900000003"
    assert member.search_name == "doan vien so 3 tv-000003"
    audit = AuditEvent.objects.get(action="import")
    assert audit.changes["new"] == 20 and audit.actor == world.bob


def test_every_kind_of_bad_row_is_reported_with_row_column_and_message(world):
    rows = [
        member_row(1),
        member_row(2, dob="31/02/1990"),
        member_row(3, unit="KHONG-CO"),
        member_row(4, unit="EAKAR-001"),
        member_row(5, card="TV-000001"),
        member_row(6, phone="12345"),
        member_row(7, id="12345"),
        member_row(8, gender=""),
        member_row(9, dob="02/03/2020"),
        member_row(10, unit="DLK-BMT"),
        member_row(11, name=""),
    ]
    with translation.override("en"):
        job = run_import(world.bob, world.a, sheet(rows), check_only=True)
    errors = errors_by_row(job)
    assert set(errors) == {4, 5, 6, 7, 8, 9, 10, 11, 12, 13}  # sheet rows: title, header, data
    assert errors[4] == [
        ("Ngày sinh", "“31/02/1990” is not a real date: check the day and the month.")
    ]
    assert "Unknown unit code" in errors[5][0][1]
    assert "outside the units you import into" in errors[6][0][1]
    assert errors[7] == [("Số thẻ đoàn viên", "Same as row 3 of this file.")]
    assert errors[8][0][0] == "Số điện thoại" and "Vietnamese phone" in errors[8][0][1]
    assert errors[9][0][0] == "Số CCCD" and "12 digits" in errors[9][0][1]
    assert errors[10][0][0] == "Giới tính"
    assert "at least 15" in errors[11][0][1]
    assert "not a grassroots union" in errors[12][0][1]
    assert errors[13][0][0] == "Họ và tên"
    assert (job.new_count, job.error_count) == (1, 10)


def test_errors_come_in_vietnamese_on_vietnamese_screens(world):
    with translation.override("vi"):
        job = run_import(
            world.bob, world.a, sheet([member_row(1, dob="31/02/1990")]), check_only=True
        )
    assert "không phải là ngày có thật" in job.errors[0][2]


def test_with_errors_nothing_is_imported_unless_the_officer_chooses_the_valid_rows(world):
    before = Member.objects.count()
    rows = [member_row(n) for n in range(1, 6)] + [member_row(6, phone="123")]
    job = run_import(world.bob, world.a, sheet(rows), check_only=True)
    with pytest.raises(ValidationError, match="only the valid rows"):
        services.import_confirm(job=job, valid_only=False, acting_user=world.bob)
    assert Member.objects.count() == before
    services.import_confirm(job=job, valid_only=True, acting_user=world.bob)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.new_count == 5
    assert Member.objects.count() == before + 5


def test_a_reimport_updates_by_card_then_id_then_name_and_birth_date(world):
    first = [member_row(n) for n in range(1, 4)] + [member_row(4, card="", id="")]
    run_import(world.bob, world.a, sheet(first))
    count = Member.objects.count()
    again = [
        member_row(1, phone="0911111111"),  # matched by card
        member_row(2, card="", job=""),  # matched by ID number, unchanged
        member_row(3),  # unchanged
        member_row(4, card="", id="", unit="BMT-002"),  # name+birth+unit: another unit → new
    ]
    again[3][0] = "Đoàn Viên Số 4"
    job = run_import(world.bob, world.a, sheet(again), check_only=True)
    assert (job.new_count, job.updated_count, job.unchanged_count) == (1, 1, 2)
    services.import_confirm(job=job, valid_only=False, acting_user=world.bob)
    assert Member.objects.count() == count + 1
    assert Member.objects.get(card_number="TV-000001").phone == "0911111111"
    update = AuditEvent.objects.filter(action="update", object_type="org.member").get()
    assert update.changes["phone"] == {"changed": True}  # personal values stay out of the log
    same = [member_row(4, card="", id="")]
    job = run_import(world.bob, world.a, sheet(same), check_only=True)
    assert (job.new_count, job.unchanged_count) == (0, 1)


def test_a_blank_cell_does_not_erase_what_is_stored(world):
    run_import(world.bob, world.a, sheet([member_row(1)]))
    run_import(world.bob, world.a, sheet([member_row(1, phone="")]))
    assert Member.objects.get(card_number="TV-000001").phone == "0900000001"


def test_a_card_number_of_a_member_outside_the_subtree_is_an_error(world):
    world.foreign.card_number = "TV-999999"
    world.foreign.save()
    job = run_import(world.bob, world.a, sheet([member_row(1, card="TV-999999")]), check_only=True)
    assert "outside the units you import into" in job.errors[0][2]
    assert Member.objects.get(pk=world.foreign.pk).unit == world.b1


def test_importing_needs_the_right_to_change_the_unit(world):
    with pytest.raises(PermissionDenied):
        services.import_start(
            unit=world.b, kind="members", upload=sheet([member_row(1)]), acting_user=world.bob
        )
    with pytest.raises(PermissionDenied):
        services.import_start(
            unit=world.a1, kind="members", upload=sheet([member_row(1)]), acting_user=world.dave
        )


def test_the_mapping_must_name_the_required_columns_once(world):
    job = services.import_start(
        unit=world.a, kind="members", upload=sheet([member_row(1)]), acting_user=world.bob
    )
    with pytest.raises(ValidationError) as caught:
        services.import_map(job=job, mapping={"full_name": 1, "gender": 1}, acting_user=world.bob)
    assert set(caught.value.error_dict) == {"gender", "unit_code"}


def test_a_saved_preset_maps_next_months_file(world):
    header = ["STT", "Tên đầy đủ", "Phái", "Sinh", "Điện thoại", "CCCD", "Thẻ", "Đơn vị"]
    upload = sheet([member_row(1)], header=header)
    job = services.import_start(unit=world.a, kind="members", upload=upload, acting_user=world.bob)
    assert "full_name" not in job.mapping
    mapping = {
        "full_name": 1,
        "gender": 2,
        "date_of_birth": 3,
        "phone": 4,
        "id_number": 5,
        "card_number": 6,
        "unit_code": 7,
    }
    services.import_map(job=job, mapping=mapping, acting_user=world.bob, preset_name="Tháng 1")
    from chuyende.transfer.models import MappingPreset

    preset = MappingPreset.objects.get(name="Tháng 1")
    assert preset.mapping["full_name"] == "Tên đầy đủ"
    later = services.import_start(
        unit=world.a,
        kind="members",
        upload=sheet([member_row(2)], header=header),
        acting_user=world.bob,
        preset=preset,
    )
    assert later.mapping == mapping


def test_a_failure_at_row_1500_leaves_the_database_as_it_was(world):
    before = Member.objects.count()
    audit_before = AuditEvent.objects.count()
    rows = [member_row(n) for n in range(1, 2001)]
    job = run_import(world.bob, world.a, sheet(rows), check_only=True)
    assert job.new_count == 2000
    real = engine.new_member_values
    calls = {"n": 0}

    def failing(values, now):
        calls["n"] += 1
        if calls["n"] == 1500:
            raise RuntimeError("disk full")
        return real(values, now)

    with mock.patch.object(engine, "new_member_values", failing):
        services.import_confirm(job=job, valid_only=False, acting_user=world.bob)
    assert Member.objects.count() == before
    assert AuditEvent.objects.count() == audit_before
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "nothing was written" in job.message


def test_a_failure_in_the_middle_of_the_inserts_rolls_back_the_batches_written(world):
    before = Member.objects.count()
    rows = [member_row(n) for n in range(1, 2001)]
    job = run_import(world.bob, world.a, sheet(rows), check_only=True)
    real = engine.insert

    def half_then_fail(rows, progress=None):
        real(rows[:1499], progress=progress)
        raise RuntimeError("worker killed")

    with mock.patch.object(engine, "insert", half_then_fail):
        services.import_confirm(job=job, valid_only=False, acting_user=world.bob)
    assert Member.objects.count() == before
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    services.import_confirm(job=job, valid_only=False, acting_user=world.bob)  # again, whole
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and Member.objects.count() == before + 2000


def test_the_error_sheet_is_the_original_with_an_error_column(world):
    import io

    from openpyxl import load_workbook

    job = run_import(
        world.bob, world.a, sheet([member_row(1), member_row(2, phone="1")]), check_only=True
    )
    rows = list(
        load_workbook(io.BytesIO(services.error_sheet(job))).active.iter_rows(values_only=True)
    )
    assert rows[1] == (*HEADER, "Lỗi")
    assert rows[2][-1] is None
    assert rows[3][-1].startswith("Số điện thoại:")


def test_a_job_whose_worker_died_can_be_started_again(world):
    from chuyende.core import progress

    job = run_import(world.bob, world.a, sheet([member_row(1)]), check_only=True)
    job.status = ImportStatus.IMPORTING  # as if the worker was killed in the middle
    job.save()
    progress.report("import", job.pk, done=1, total=1, stage="import")
    assert not services.stalled(job)
    with pytest.raises(ValidationError, match="already running"):
        services.import_confirm(job=job, valid_only=False, acting_user=world.bob)
    progress.clear("import", job.pk)  # no sign of life from any worker
    assert services.stalled(job)
    services.import_confirm(job=job, valid_only=False, acting_user=world.bob)
    job.refresh_from_db()
    assert (
        job.status == ImportStatus.DONE
        and Member.objects.filter(card_number="TV-000001").count() == 1
    )
