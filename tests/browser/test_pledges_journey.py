"""Issue 7 journey, on a phone (360×740): `doanvien` writes and submits her pledge, `coso`
returns it with a comment, she fixes it and submits again, `coso` accepts it; the printed .docx
opens with python-docx and shows the national motto, the unit, her name and every commitment."""

import io

import pytest
from docx import Document
from playwright.sync_api import expect

from chuyende.demo.builder import GRASSROOTS_CODE, MEMBER_NAME, build_demo
from chuyende.org.models import Unit
from chuyende.pledges.models import Pledge
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
WRITTEN = {
    "tu-tuong": ["Chấp hành nghiêm chủ trương của Đảng, pháp luật của Nhà nước"],
    "dao-duc": ["Sống giản dị, trung thực, giúp đỡ đồng nghiệp"],
    "tac-phong": ["Đến trường đúng giờ, không sử dụng điện thoại khi lên lớp"],
    "nhiem-vu": ["Hoàn thành 100% chương trình giảng dạy môn Ngữ văn"],
    "lam-theo": ["Mặc áo dài vào thứ Hai đầu tuần và các ngày lễ"],
}
ACTIONS = [
    "Đọc một cuốn sách về Bác mỗi quý",
    "Tham gia câu lạc bộ cồng chiêng của trường",
    "Kèm cặp hai học sinh dân tộc thiểu số",
]
ADDED = "Có 01 sáng kiến kinh nghiệm được Phòng Giáo dục công nhận"
COMMENT = "Phần nhiệm vụ cần ít nhất hai chỉ tiêu cụ thể, đo được."


def document_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def test_member_writes_officer_returns_member_fixes_officer_accepts_and_prints(
    page, live_server, browser
):
    build_demo(scale=0.02, plan=True)
    school = Unit.objects.get(code=GRASSROOTS_CODE)
    base = live_server.url
    page.set_viewport_size(PHONE)

    # The member writes her pledge on her phone. One commitment in "duties" is one too few.
    login(page, base, "doanvien")
    page.goto(f"{base}/pledges/mine/")
    expect(page.locator('#pledge-status [data-status="none"]')).to_be_visible()
    for code, lines in WRITTEN.items():
        page.locator(f"#id_section_{code}").fill("\n".join(lines))
    page.locator("#id_actions").fill("\n".join(ACTIONS))
    page.locator("#id_target_rating").select_option("good")
    page.locator("#submit-pledge").click()
    expect(page.locator("#id_section_nhiem-vu_error")).to_be_visible()
    page.locator("#save-draft").click()
    expect(page.locator('#pledge-status [data-status="draft"]')).to_be_visible()
    page.locator("#submit-pledge").click()
    expect(page.locator("#id_section_nhiem-vu_error")).to_be_visible()
    # Two targets are needed under "duties": she adds one and submits.
    page.locator("#id_section_nhiem-vu").fill(WRITTEN["nhiem-vu"][0] + "\nKhông để học sinh bỏ học")
    page.locator("#submit-pledge").click()
    expect(page.locator('#pledge-status [data-status="submitted"]')).to_be_visible()
    expect(page.locator("#waiting")).to_be_visible()
    pledge = Pledge.objects.get(member__user__username="doanvien", is_current=True)
    assert pledge.status == "submitted" and pledge.member.unit == school

    # The union officer returns it with a comment, from the list (htmx, the row updates).
    officer_context = browser.new_context(viewport=PHONE)
    officer = officer_context.new_page()
    officer.set_default_timeout(15_000)
    login(officer, base, "coso")
    officer.goto(f"{base}/pledges/?year=2024&status=submitted")
    row = officer.locator(f'tr[data-pledge="{pledge.pk}"]')
    expect(row).to_be_visible()
    row.locator("[data-open-return]").click()
    row.locator("textarea[name=comment]").fill(COMMENT)
    row.locator("[data-return]").click()
    expect(
        officer.locator(f'tr[data-pledge="{pledge.pk}"][data-status="returned"]')
    ).to_be_visible()
    pledge.refresh_from_db()
    assert pledge.status == "returned" and pledge.return_comment == COMMENT

    # The member sees the comment, adds the measurable target and submits again.
    page.goto(f"{base}/pledges/mine/")
    expect(page.locator("#return-comment")).to_contain_text(COMMENT)
    duties = page.locator("#id_section_nhiem-vu")
    duties.fill(duties.input_value() + "\n" + ADDED)
    page.locator("#submit-pledge").click()
    expect(page.locator('#pledge-status [data-status="submitted"]')).to_be_visible()

    # The officer accepts it.
    officer.goto(f"{base}/pledges/?year=2024&status=submitted")
    officer.locator(f'tr[data-pledge="{pledge.pk}"] [data-accept]').click()
    expect(
        officer.locator(f'tr[data-pledge="{pledge.pk}"][data-status="accepted"]')
    ).to_be_visible()
    pledge.refresh_from_db()
    assert pledge.status == "accepted" and pledge.version == 1
    assert ADDED in pledge.commitments["nhiem-vu"]

    # The member's page is locked now; the printed pledge holds everything she wrote.
    page.goto(f"{base}/pledges/mine/")
    expect(page.locator('#pledge-status [data-status="accepted"]')).to_be_visible()
    expect(page.locator("#pledge-form")).to_have_count(0)
    with page.expect_download() as download_info:
        page.locator("#docx-link").click()
    path = download_info.value.path()
    with open(path, "rb") as handle:
        text = document_text(handle.read())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert school.name in text and school.name.upper() in text
    assert MEMBER_NAME in text
    for code, items in pledge.commitments.items():
        for item in items:
            assert item in text, (code, item)
    for action in ACTIONS:
        assert action in text
    officer_context.close()
