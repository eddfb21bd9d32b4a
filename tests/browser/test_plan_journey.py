"""Issue 3 journey: the province imports the seed plan (.txt and a .docx made from it), corrects
a field, saves, hands task II.1 to every upper-level union; `captren` passes it down to two
grassroots unions and marks it done; the board's counts move."""

import re
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect

from chuyende.demo.builder import build_demo
from chuyende.org.models import Unit
from chuyende.plans.models import Assignment, Plan
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED = Path(__file__).resolve().parents[2] / "chuyende/demo/data/ke-hoach-26-KH-LDLD-2024.txt"


def seed_docx(path: Path) -> Path:
    """A Word version of the seed: the two header blocks in a 2-column table, then the body."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "KẾ HOẠCH")
    document = Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(
        0, 0
    ).text = "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM\nLIÊN ĐOÀN LAO ĐỘNG TỈNH ĐẮK LẮK\n\nSố: 26 /KH-LĐLĐ"
    table.cell(0, 1).text = (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
        "\n\nĐắk Lắk, ngày 22 tháng 02 năm 2024"
    )
    for line in lines[start:]:
        document.add_paragraph(line.strip())
    document.save(path)
    return path


def board_count(page, ref, status):
    return page.locator(f'#board-table tr[data-task="{ref}"] td[data-status="{status}"]')


def test_province_imports_assigns_and_upper_level_passes_down(page, live_server, tmp_path):
    build_demo(scale=0.02, plan=False)
    uppers = Unit.objects.filter(kind="upper").count()
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, base, "tinh")

    # The .txt reads into the review screen, beside the original text.
    page.goto(f"{base}/plans/import/")
    page.get_by_label(re.compile("Văn bản kế hoạch")).set_input_files(SEED)
    page.get_by_role("button", name="Đọc văn bản").click()
    expect(page.get_by_label("Số, ký hiệu", exact=True)).to_have_value("26/KH-LĐLĐ")
    expect(page.locator("pre")).to_contain_text("Nguyễn Thị Lý")

    # The .docx made from it reads the same; correct one field and save.
    page.goto(f"{base}/plans/import/")
    page.get_by_label(re.compile("Văn bản kế hoạch")).set_input_files(
        seed_docx(tmp_path / "ke-hoach-26.docx")
    )
    page.get_by_role("button", name="Đọc văn bản").click()
    expect(page.get_by_label("Số, ký hiệu", exact=True)).to_have_value("26/KH-LĐLĐ")
    expect(page.get_by_label("Ngày ban hành")).to_have_value("22/02/2024")
    page.get_by_label("Địa danh").fill("Buôn Ma Thuột")
    page.get_by_role("button", name="Lưu kế hoạch").click()
    expect(page.locator(".alert-success")).to_contain_text("5 nhiệm vụ")
    plan = Plan.objects.get()
    assert plan.place == "Buôn Ma Thuột" and plan.tasks.count() == 5

    # Importing the .txt again is flagged as a possible duplicate before anything is saved.
    page.goto(f"{base}/plans/import/")
    page.get_by_label(re.compile("Văn bản kế hoạch")).set_input_files(SEED)
    page.get_by_role("button", name="Đọc văn bản").click()
    page.get_by_role("button", name="Lưu kế hoạch").click()
    expect(page.locator(".alert-warning")).to_contain_text("trùng")
    assert Plan.objects.count() == 1

    # Hand II.1 to every upper-level union.
    page.goto(f"{base}/plans/{plan.pk}/")
    page.locator('#board-table tr[data-task="II.1"]').get_by_role(
        "link", name="Giao nhiệm vụ II.1"
    ).click()
    page.get_by_label(re.compile("Tất cả công đoàn cấp trên")).check()
    page.get_by_role("button", name="Giao nhiệm vụ").click()
    expect(page.locator(".alert-success")).to_contain_text(f"{uppers} đơn vị")
    page.goto(f"{base}/plans/{plan.pk}/board/")
    expect(board_count(page, "II.1", "total")).to_have_text(str(uppers))
    expect(board_count(page, "II.1", "done")).to_have_text("0")

    # captren passes it down to two grassroots unions, then marks it done.
    login(page, base, "captren")
    page.goto(f"{base}/plans/")
    page.get_by_role("link", name=re.compile("II.1")).first.click()
    boxes = page.locator('input[name="units"]')
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name="Giao cho cấp dưới").click()
    expect(page.locator(".alert-success")).to_contain_text("2 đơn vị")
    page.get_by_label("Trạng thái").select_option("done")
    page.get_by_label("Ghi chú tiến độ").fill("Đã tổ chức hội nghị quán triệt ngày 15/3")
    page.get_by_role("button", name="Lưu trạng thái").click()
    expect(page.locator(".badge.text-bg-success").first).to_be_visible()
    city = Unit.objects.get(code="DLK-BMT")
    mine = Assignment.objects.get(task__ref="II.1", unit=city)
    assert mine.status == "done" and mine.children.count() == 2

    page.goto(f"{base}/plans/{plan.pk}/board/")
    expect(board_count(page, "II.1", "total")).to_have_text("3")
    expect(board_count(page, "II.1", "done")).to_have_text("1")

    # Back at the province, the board has moved: one more done, two more assigned.
    login(page, base, "tinh")
    page.goto(f"{base}/plans/{plan.pk}/board/")
    expect(board_count(page, "II.1", "total")).to_have_text(str(uppers + 2))
    expect(board_count(page, "II.1", "done")).to_have_text("1")
    page.locator('#board-table tr[data-task="II.1"]').get_by_role("link").first.click()
    expect(page.get_by_role("row", name=re.compile("Buôn Ma Thuột"))).to_contain_text("3")
