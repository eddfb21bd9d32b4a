"""Issue 6 journey: `captren` imports a 2,000-row member sheet with three bad rows, reads the
errors, imports the valid rows, then re-imports the corrected sheet: the three are updated and
nothing is created twice."""

import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from chuyende.demo.builder import GRASSROOTS_CODE, build_demo
from chuyende.org.models import Member, Unit
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = [
    "STT",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Số điện thoại",
    "Số thẻ đoàn viên",
    "Mã đơn vị",
]


def _sheet(path, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH ĐOÀN VIÊN"])
    sheet.append(HEADER)
    for index, row in enumerate(rows, start=1):
        sheet.append([index, *row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def _rows(existing, bad: bool):
    rows = []
    for n in range(1, 2001):
        name, gender, born, phone, card = (
            f"Công Nhân Thứ {n}",
            "Nữ" if n % 2 else "Nam",
            f"{n % 28 + 1:02d}/0{n % 9 + 1}/1988",
            f"098{n:07d}",
            f"BT-{n:06d}",
        )
        if n <= 3:  # the three members already on file, with a new phone number
            member = existing[n - 1]
            name, card, phone = member.full_name, member.card_number, f"0905{n:06d}"
            gender = "Nữ" if member.gender == "female" else "Nam"
            born = member.date_of_birth.strftime("%d/%m/%Y") if member.date_of_birth else ""
            if bad:
                phone, born = (
                    ("12345", born) if n == 1 else (phone, "31/02/1990" if n == 2 else born)
                )
                if n == 3:
                    card_unit = "KHONG-CO-MA"
                    rows.append([name, gender, born, phone, card, card_unit])
                    continue
        rows.append([name, gender, born, phone, card, GRASSROOTS_CODE])
    return rows


def test_import_with_three_bad_rows_then_the_corrected_sheet(page, live_server, tmp_path):
    build_demo(scale=0.02, plan=False)
    school = Unit.objects.get(code=GRASSROOTS_CODE)
    city = Unit.objects.get(code="DLK-BMT")
    existing = list(Member.objects.filter(unit=school).order_by("id")[:3])
    for n, member in enumerate(existing, start=1):
        member.card_number = f"CU-{n:04d}"
        member.save(update_fields=["card_number"])
    before = Member.objects.count()
    base = live_server.url
    login(page, base, "captren")

    page.goto(f"{base}/imports/")
    page.locator("#id_kind").select_option("members")
    page.locator("#id_unit").select_option(str(city.pk))
    page.locator("#id_file").set_input_files(
        _sheet(tmp_path / "doan-vien.xlsx", _rows(existing, True))
    )
    page.locator("#import-upload").click()
    expect(page.locator("#id_full_name")).to_have_value("1")  # guessed from "Họ và tên"
    page.locator("#mapping-check").click()
    expect(page.locator('#import-status[data-status="validated"]')).to_be_visible(timeout=60_000)
    expect(page.locator('[data-count="new"]')).to_have_text("1997")
    expect(page.locator('[data-count="errors"]')).to_have_text("3")
    errors = page.locator("#import-error-table tbody tr")
    expect(errors).to_have_count(3)
    expect(page.locator('#import-error-table tr[data-row="3"]')).to_contain_text("12345")
    expect(page.locator('#import-error-table tr[data-row="4"]')).to_contain_text("31/02/1990")
    expect(page.locator('#import-error-table tr[data-row="5"]')).to_contain_text("KHONG-CO-MA")
    with page.expect_download() as download:
        page.locator("#import-error-sheet").click()
    assert download.value.suggested_filename.endswith("-loi.xlsx")
    page.locator("#import-valid").click()
    expect(page.locator("#import-done")).to_be_visible(timeout=60_000)
    assert Member.objects.count() == before + 1997

    page.goto(f"{base}/imports/")
    page.locator("#id_unit").select_option(str(city.pk))
    page.locator("#id_file").set_input_files(
        _sheet(tmp_path / "doan-vien-sua.xlsx", _rows(existing, False))
    )
    page.locator("#import-upload").click()
    page.locator("#mapping-check").click()
    expect(page.locator('#import-status[data-status="validated"]')).to_be_visible(timeout=60_000)
    expect(page.locator('[data-count="new"]')).to_have_text("0")
    expect(page.locator('[data-count="updated"]')).to_have_text("3")
    expect(page.locator('[data-count="unchanged"]')).to_have_text("1997")
    page.locator("#import-all").click()
    expect(page.locator("#import-done")).to_be_visible(timeout=60_000)
    assert Member.objects.count() == before + 1997
    assert [
        m.phone for m in Member.objects.filter(pk__in=[m.pk for m in existing]).order_by("id")
    ] == [
        "0905000001",
        "0905000002",
        "0905000003",
    ]
