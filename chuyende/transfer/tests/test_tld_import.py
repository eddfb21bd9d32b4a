"""Imports from the Tổng Liên đoàn's membership software (issue #12): its unit and member exports
through the shipped presets, unit codes kept, and a monthly re-import that updates members in
place, adds the new ones and reports — never deletes — those no longer listed.

The sheets are generated with the presets' own header lists, which are our assumption of the
software's usual headers (see chuyende/transfer/presets.py), not copies of a real export.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from chuyende.core import sheets
from chuyende.core.models import AuditEvent
from chuyende.org import tallies
from chuyende.org.models import Member, MemberTally, Unit
from chuyende.pledges import tallies as pledge_tallies
from chuyende.transfer import presets, services
from chuyende.transfer.fields import COLUMNS
from chuyende.transfer.models import ImportJob, MappingPreset

from .helpers import HEADER, member_row, run_import, sheet

pytestmark = pytest.mark.django_db

UNIT_HEADERS = presets.TLD_UNITS.headers
MEMBER_HEADERS = presets.TLD_MEMBERS.headers


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def tld_sheet(headers, rows, *, name="xuat-qldv.xlsx", title="DANH SÁCH"):
    """A sheet laid out as such exports are: title rows, the header row, one row per record
    (a dict by header; missing headers left blank)."""
    workbook = Workbook()
    ws = workbook.active
    ws.append(["TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM"])
    ws.append([title])
    ws.append([])
    ws.append(headers)
    for index, row in enumerate(rows, start=1):
        ws.append([index if h == "STT" else row.get(h) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def unit_rows(*, school_name="Công đoàn Trường Tiểu học Hòa Phú"):
    return [
        {  # the upper-level union imported into, as the software lists it
            "Mã công đoàn": "DLK-BMT",
            "Tên công đoàn": "Liên đoàn Lao động thành phố Buôn Ma Thuột",
            "Mã công đoàn cấp trên": "DLK",
            "Tên công đoàn cấp trên": "Liên đoàn Lao động tỉnh Đắk Lắk",
            "Cấp công đoàn": "Công đoàn cấp trên trực tiếp cơ sở",
            "Tổng số đoàn viên": 5230,
        },
        {
            "Mã công đoàn": "BMT-001",
            "Tên công đoàn": "Công đoàn Trường THCS Lê Lợi",
            "Mã công đoàn cấp trên": "DLK-BMT",
            "Cấp công đoàn": "Công đoàn cơ sở",
            "Loại hình": "Đơn vị sự nghiệp công lập",
            "Địa chỉ": "12 Lê Lợi, Buôn Ma Thuột",
        },
        {
            "Mã công đoàn": 7910010001,  # a numeric cell, as Excel keeps digit-only codes
            "Tên công đoàn": school_name,
            "Mã công đoàn cấp trên": "DLK-BMT",
            "Tên công đoàn cấp trên": "LĐLĐ TP. Buôn Ma Thuột",
            "Cấp công đoàn": "Công đoàn cơ sở",
            "Loại hình": "Đơn vị sự nghiệp công lập",
            "Ngành nghề": "Giáo dục",
            "Số điện thoại": "02623851234",
            "Tổng số CNVCLĐ": 48,
            "Tổng số đoàn viên": 45,
            "Chủ tịch công đoàn": "Lê Thị Hoa",
        },
        {
            "Mã công đoàn": "7910010001.01",
            "Tên công đoàn": "Tổ công đoàn Khối Văn phòng",
            "Mã công đoàn cấp trên": "7910010001",
            "Cấp công đoàn": "Tổ công đoàn",
        },
    ]


def person(n, **extra):
    """A member row of the software's export (by header)."""
    values = {
        "Mã đoàn viên": f"DV79{n:08d}",
        "Họ và tên": f"Đoàn Viên Thứ {n}",
        "Ngày sinh": f"{n + 1:02d}/0{n % 9 + 1}/198{n % 10}",
        "Giới tính": "Nữ" if n % 2 else "Nam",
        "Dân tộc": "Kinh",
        "Tôn giáo": "Không",
        "Quốc tịch": "Việt Nam",
        "Số CCCD": f"0661{n:08d}",
        "Quê quán": "Krông Pắc, Đắk Lắk",
        "Số điện thoại": f"09{n:08d}",
        "Trình độ chuyên môn": "Đại học",
        "Chức vụ": "Giáo viên",
        "Chức vụ công đoàn": "Đoàn viên",
        "Ngày vào công đoàn": "15/09/2010",
        "Mã công đoàn cơ sở": "7910010001",
        "Tên công đoàn cơ sở": "Công đoàn Trường Tiểu học Hòa Phú",
        "Tình trạng sinh hoạt": "Đang sinh hoạt",
    }
    values.update(extra)
    return values


def first_month(world):
    return [
        person(1, **{"Chức vụ công đoàn": "Chủ tịch CĐCS"}),
        person(2, **{"Chức vụ công đoàn": "Ủy viên BCH"}),
        person(3),
        person(4, **{"Mã công đoàn cơ sở": "7910010001.01"}),
        person(5),
        # An, already in the tree without a card: found by the citizen ID, given the code.
        person(
            6,
            **{
                "Họ và tên": "Nguyễn Văn An",
                "Số CCCD": world.an.id_number,
                "Số điện thoại": world.an.phone,
                "Giới tính": "Nam",
                "Ngày sinh": "02/03/1985",
                "Mã công đoàn cơ sở": "BMT-001",
                "Chức vụ công đoàn": "Chủ tịch công đoàn",
                "Tên công đoàn cơ sở": "Công đoàn Trường THCS Lê Lợi",
            },
        ),
    ]


def import_units(world, rows=None):
    job = run_import(world.bob, world.a, tld_sheet(UNIT_HEADERS, rows or unit_rows()), kind="units")
    assert job.status == "done", (job.message, job.errors)
    return job


def import_members(world, rows):
    job = run_import(world.bob, world.a, tld_sheet(MEMBER_HEADERS, rows))
    assert job.status == "done", (job.message, job.errors)
    return job


def assert_tallies_right():
    assert tallies.differences() == []
    assert pledge_tallies.differences() == []
    call_command("org_tallies", "--check", stdout=io.StringIO())  # raises on any difference


# The presets themselves ------------------------------------------------------------------------


@pytest.mark.parametrize("preset", presets.SYSTEM_PRESETS, ids=lambda p: p.key)
def test_a_shipped_preset_names_real_fields_and_each_header_once(preset):
    fields = {c.name for c in COLUMNS[preset.kind]}
    assert {c.field for c in preset.columns if c.field} <= fields
    seen = {}
    for column in preset.columns:
        for key in column.keys():
            assert key not in seen, f"{key!r} in both {seen[key]} and {column.header}"
            seen[key] = column.header
    required = {c.name for c in COLUMNS[preset.kind] if c.required}
    assert required <= set(preset.mapping)
    assert "assumption" in str(preset.description)


def test_the_software_headers_are_suggested_and_matched_whatever_the_accents_or_case(world):
    mangled = [
        sheets.header_key(h).upper() if i % 2 else f"  {h.lower()} (*)"
        for i, h in enumerate(MEMBER_HEADERS)
    ]
    assert presets.suggest("members", mangled, required=["unit_code", "full_name"]) is (
        presets.TLD_MEMBERS
    )
    mapping = presets.apply(presets.TLD_MEMBERS, mangled, {})
    assert mapping["card_number"] == MEMBER_HEADERS.index("Mã đoàn viên")
    assert mapping["unit_code"] == MEMBER_HEADERS.index("Mã công đoàn cơ sở")
    assert mapping["job_title"] == MEMBER_HEADERS.index("Chức vụ")
    assert "Tên công đoàn cơ sở" not in [MEMBER_HEADERS[i] for i in mapping.values()]


def test_synonyms_match_and_columns_it_knows_are_never_guessed_into_another_field(world):
    headers = [
        "TT",
        "Mã số đoàn viên",
        "Họ tên",
        "Ngày, tháng, năm sinh",
        "Giới tính",
        "Số CMND/CCCD",
        "Điện thoại",
        "Ngày cấp thẻ đoàn viên",  # holds "thẻ đoàn viên", a card-number alias: not the card
        "Mã CĐCS",
        "Tên CĐCS",
        "Trạng thái",
        "Trình độ CMKT",
    ]
    guessed = sheets.match_headers(headers, services.aliases("members"))
    mapping = presets.apply(presets.TLD_MEMBERS, headers, guessed)
    assert {name: headers[i] for name, i in mapping.items()} == {
        "card_number": "Mã số đoàn viên",
        "full_name": "Họ tên",
        "date_of_birth": "Ngày, tháng, năm sinh",
        "gender": "Giới tính",
        "id_number": "Số CMND/CCCD",
        "phone": "Điện thoại",
        "unit_code": "Mã CĐCS",
        "status": "Trạng thái",
    }


def test_neither_the_template_nor_a_plain_list_is_taken_for_the_software(world):
    template = [c.header for c in COLUMNS["members"]]
    assert presets.suggest("members", template) is None
    assert presets.suggest("members", HEADER) is None
    job = services.import_start(
        unit=world.a, kind="members", upload=sheet([member_row(1)]), acting_user=world.bob
    )
    assert (job.preset_name, job.preset_suggested) == ("", False)


def test_a_saved_preset_matching_every_header_is_suggested_before_guessing(world):
    header = ["STT", "Tên đầy đủ", "Phái", "Sinh", "Điện thoại", "CCCD", "Thẻ", "Đơn vị"]
    MappingPreset.objects.create(
        unit=world.province,
        kind="members",
        name="Mẫu của tỉnh",
        mapping={
            "full_name": "Tên đầy đủ",
            "gender": "Phái",
            "card_number": "Thẻ",
            "unit_code": "Đơn vị",
        },
    )
    job = services.import_start(
        unit=world.a,
        kind="members",
        upload=sheet([member_row(1)], header=header),
        acting_user=world.bob,
    )
    assert (job.preset_name, job.preset_suggested) == ("Mẫu của tỉnh", True)
    assert job.mapping["full_name"] == 1 and job.mapping["unit_code"] == 7
    # Not offered outside the province's subtree.
    assert services.suggested_preset(kind="members", headers=header, acting_user=world.nobody) is (
        None
    )


def test_a_preset_for_the_other_kind_of_sheet_is_refused(world):
    with pytest.raises(ValidationError):
        services.import_start(
            unit=world.a,
            kind="members",
            upload=sheet([member_row(1)]),
            acting_user=world.bob,
            preset=presets.TLD_UNITS,
        )


# Units, then members, then next month ----------------------------------------------------------


def test_units_keep_the_software_codes_and_next_month_updates_them_in_place(world):
    before = Unit.objects.count()
    job = import_units(world)
    assert (job.preset_name, job.preset_suggested) == (presets.TLD_NAME, True)
    assert (job.new_count, job.updated_count, job.unchanged_count) == (2, 1, 1)
    # the hospital's union (BMT-002, under DLK-BMT, which the file names) is not in it: reported,
    # kept open; DLK-BMT's own parent lies outside the units imported into
    assert (job.missing_count, job.missing) == (1, [world.a2.pk])
    school = Unit.objects.get(code="7910010001")
    assert school.kind == "grassroots" and Unit.objects.get_parent(school) == world.a
    assert school.phone == "02623851234" and school.sub_kind == ""
    section = Unit.objects.get(code="7910010001.01")
    assert section.kind == "section" and Unit.objects.get_parent(section) == school
    assert Unit.objects.get(code="BMT-001").address == "12 Lê Lợi, Buôn Ma Thuột"
    again = import_units(world, unit_rows(school_name="Công đoàn Trường Tiểu học Hòa Phú 2"))
    assert (again.new_count, again.updated_count, again.unchanged_count) == (0, 1, 3)
    assert again.missing == [world.a2.pk] and Unit.objects.get(pk=world.a2.pk).active
    assert Unit.objects.count() == before + 2
    school.refresh_from_db()
    assert school.name == "Công đoàn Trường Tiểu học Hòa Phú 2"
    assert_tallies_right()


def test_members_then_a_monthly_reimport_updates_in_place_and_reports_the_missing(world):
    import_units(world)
    members_before = Member.objects.count()
    job = import_members(world, first_month(world))
    assert (job.preset_name, job.preset_suggested) == (presets.TLD_NAME, True)
    assert (job.new_count, job.updated_count, job.unchanged_count) == (5, 1, 0)
    # Bình (Lê Lợi, active) is not in the software's list: reported, kept.
    assert (job.missing_count, job.missing) == (1, [world.binh.pk])
    assert Member.objects.count() == members_before + 5
    an = Member.objects.get(pk=world.an.pk)
    assert an.card_number == "DV7900000006" and an.union_position == "chair"
    first = Member.objects.get(card_number="DV7900000001")
    assert first.union_position == "chair" and first.unit.code == "7910010001"
    assert first.job_title == "Giáo viên" and first.status == "active"
    assert Member.objects.get(card_number="DV7900000002").union_position == "committee"
    assert Member.objects.get(card_number="DV7900000004").unit.code == "7910010001.01"
    assert_tallies_right()

    # Next month: a new phone, a move to another union, a transfer out, a corrected name, one
    # member no longer listed and one new member.
    second = first_month(world)
    second[0]["Số điện thoại"] = "0911222333"
    second[1]["Mã công đoàn cơ sở"] = "BMT-002"
    second[1]["Tên công đoàn cơ sở"] = "Công đoàn Bệnh viện Thành phố"
    second[2]["Tình trạng sinh hoạt"] = "Đã chuyển sinh hoạt"
    second[3]["Họ và tên"] = "Đoàn Viên Thứ Tư"
    del second[4]  # member 5
    second.append(person(7))
    job = import_members(world, second)
    assert (job.new_count, job.updated_count, job.unchanged_count) == (1, 4, 1)
    fifth = Member.objects.get(card_number="DV7900000005")
    # The sheet now names the hospital's union too (the moved member): H'Nga, its member, is
    # not in it either.
    assert job.missing_count == 3
    assert set(job.missing) == {world.binh.pk, fifth.pk, world.hnga.pk}
    assert Member.objects.count() == members_before + 6  # no one twice, no one deleted
    cards = list(Member.objects.exclude(card_number="").values_list("card_number", flat=True))
    assert len(cards) == len(set(cards))
    assert Member.objects.get(card_number="DV7900000001").phone == "0911222333"
    moved = Member.objects.get(card_number="DV7900000002")
    assert moved.unit == world.a2
    assert Member.objects.get(card_number="DV7900000003").status == "transferred"
    assert Member.objects.get(card_number="DV7900000004").full_name == "Đoàn Viên Thứ Tư"
    assert fifth.status == "active"
    audit = AuditEvent.objects.filter(action="import", object_id=str(job.pk)).get()
    assert audit.changes["missing"] == 3 and audit.changes["updated"] == 4
    assert AuditEvent.objects.filter(
        action="update", object_type="org.member", object_id=str(moved.pk), unit=world.a2
    ).exists()
    assert_tallies_right()
    # The tallies moved with the member: the hospital's union counts H'Nga and the newcomer.
    counted = MemberTally.objects.filter(unit=world.a2, status="active").aggregate(n=Sum("n"))
    assert counted["n"] == 2

    third = import_members(world, second)  # the same list again changes nothing
    assert (third.new_count, third.updated_count, third.unchanged_count) == (0, 0, 6)


def test_a_missing_member_of_another_unit_than_the_sheet_names_is_not_reported(world):
    import_units(world)
    job = import_members(world, [person(1)])  # names 7910010001 only
    assert job.missing_count == 0  # Lê Lợi's and the hospital's members are not in question


# Screens ---------------------------------------------------------------------------------------


def test_the_screens_show_the_preset_and_the_counts(client, world):
    import_units(world)
    client.force_login(world.bob)
    page = client.get(reverse("transfer:import_list"))
    body = page.content.decode()
    assert 'data-preset="system:tld-members"' in body and "Mã công đoàn cơ sở" in body
    offered = [
        value
        for _group, options in page.context["form"].fields["preset"].choices[1:]
        for value, _label in options
    ]
    assert offered == ["system:tld-members", "system:tld-units"]
    upload = tld_sheet(MEMBER_HEADERS, first_month(world))
    response = client.post(
        reverse("transfer:import_list"), {"kind": "members", "unit": world.a.pk, "file": upload}
    )
    job = ImportJob.objects.filter(kind="members").get()
    mapping_page = client.get(response["Location"])
    assert b'id="mapping-preset"' in mapping_page.content
    assert presets.TLD_NAME in mapping_page.content.decode()
    assert mapping_page.context["form"]["card_number"].initial == str(
        MEMBER_HEADERS.index("Mã đoàn viên")
    )
    data = {name: str(index) for name, index in job.mapping.items()}
    response = client.post(reverse("transfer:import_mapping", args=[job.pk]), data)
    client.post(reverse("transfer:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done"
    detail = client.get(reverse("transfer:import_detail", args=[job.pk])).content.decode()
    assert 'data-count="new">5<' in detail and 'data-count="missing">1<' in detail
    assert f'data-member="{world.binh.pk}"' in detail and "Trần Thị Bình" in detail
    listing = client.get(reverse("transfer:import_list")).content.decode()
    with translation.override("vi"):
        assert translation.gettext("Not in the file") in listing


def test_choosing_the_shipped_preset_on_the_upload_form(client, world):
    client.force_login(world.bob)
    upload = tld_sheet(UNIT_HEADERS, unit_rows())
    response = client.post(
        reverse("transfer:import_list"),
        {"kind": "members", "unit": world.a.pk, "file": upload, "preset": "system:tld-units"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["preset"]
    upload = tld_sheet(UNIT_HEADERS, unit_rows())
    response = client.post(
        reverse("transfer:import_list"),
        {"kind": "units", "unit": world.a.pk, "file": upload, "preset": "system:tld-units"},
    )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("transfer:import_mapping", args=[job.pk])
    assert (job.preset_name, job.preset_suggested) == (presets.TLD_NAME, False)
    assert job.mapping["code"] == UNIT_HEADERS.index("Mã công đoàn")


def test_the_import_page_lists_the_units_the_file_no_longer_lists(client, world):
    job = import_units(world)
    client.force_login(world.bob)
    detail = client.get(reverse("transfer:import_detail", args=[job.pk])).content.decode()
    assert 'data-count="missing">1<' in detail and 'id="import-missing-table"' in detail
    assert f'data-unit="{world.a2.pk}"' in detail and "BMT-002" in detail
    client.force_login(world.mallory)  # another upper-level union's officer: not theirs
    assert client.get(reverse("transfer:import_detail", args=[job.pk])).status_code == 404
