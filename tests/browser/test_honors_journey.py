"""Issue 8 journey (honors): `coso` (carol, editor of A1) nominates a member as a good model
with a photo, on a phone; `captren` (bob, manager of A) forwards it; `tinh` (alice, manager of
the province) grants a Bằng khen in a decision of three awardees; the decision .docx opens with
python-docx with its annex table; the public showcase shows the story and no phone number."""

import pytest
from docx import Document
from playwright.sync_api import expect

from chuyende.honors.models import AwardDecision, Nomination
from chuyende.honors.tests.helpers import JPEG, at_province, propose_collective
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
STORY = (
    "Cô Bình đã sưu tầm 15 bài chiêng cổ và lập đội chiêng thiếu nhi của trường với 32 em "
    "học sinh người Ê Đê, M'Nông, tập luyện miễn phí mỗi tuần hai buổi."
)


def test_a_good_model_goes_up_the_tree_into_a_decision_and_the_showcase(
    page, live_server, world, tmp_path
):
    base = live_server.url
    # Two more nominations already waiting at the province: a member of A1 and a collective.
    other_person = at_province(world, member=world.an, title="Tủ sách Bác Hồ")
    other_collective = propose_collective(world, world.a2)

    # coso nominates Trần Thị Bình as a good model, with a photo, on a phone.
    page.set_viewport_size(PHONE)
    login(page, base, "carol", "pw")
    page.goto(f"{base}/honors/")
    page.locator("#new-nomination").click()
    expect(page.locator("#id_unit")).to_have_value(str(world.a1.pk))
    page.locator("#member-search").fill("tran thi binh")
    radio = page.locator(f'#member-results input[name="member"][value="{world.binh.pk}"]')
    expect(radio).to_be_visible()
    radio.check()
    page.locator("#id_category").select_option("good_model")
    page.locator("#id_title").fill("Đội chiêng thiếu nhi Trường THCS Lê Lợi")
    page.locator("#id_achievement").fill(STORY)
    page.locator("#id_photos").set_input_files(
        files=[{"name": "doi-chieng.jpg", "mimeType": "image/jpeg", "buffer": JPEG}]
    )
    page.locator("#save-nomination").click()
    nomination = Nomination.objects.get(title="Đội chiêng thiếu nhi Trường THCS Lê Lợi")
    expect(page).to_have_url(f"{base}/honors/{nomination.pk}/")
    expect(page.locator("#holder")).to_have_text(world.a.name)
    assert nomination.member == world.binh and nomination.photos.count() == 1

    # captren finds it waiting for them and forwards it to the province.
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, base, "bob", "pw")
    page.goto(f"{base}/honors/")
    page.locator("#awaiting-tab").click()
    page.locator(f'tr[data-nomination="{nomination.pk}"] a').click()
    page.locator("#id_comment").fill("Đề nghị LĐLĐ tỉnh tặng Bằng khen.")
    page.locator("#act-forward").click()
    expect(page.locator('[data-status="forwarded"]').first).to_be_visible()
    expect(page.locator("#holder")).to_have_text(world.province.name)

    # tinh grants a Bằng khen in a decision of three awardees.
    login(page, base, "alice", "pw")
    page.goto(f"{base}/honors/{nomination.pk}/")
    page.locator("#act-grant").click()
    expect(page.locator(f'input[name="nominations"][value="{nomination.pk}"]')).to_be_checked()
    for other in (other_person, other_collective):
        page.locator(f'input[name="nominations"][value="{other.pk}"]').check()
    expect(page.locator("#id_award_kind")).to_have_value("bang_khen")
    page.locator("#id_number").fill("125/QĐ-LĐLĐ")
    page.locator("#id_date").fill("28/11/2024")
    page.locator("#id_signer_name").fill("Nguyễn Thị Lý")
    page.locator("#save-decision").click()
    decision = AwardDecision.objects.get(number="125/QĐ-LĐLĐ")
    expect(page).to_have_url(f"{base}/honors/decisions/{decision.pk}/")
    expect(page.locator("[data-award]")).to_have_count(3)
    nomination.refresh_from_db()
    assert nomination.status == "granted"

    with page.expect_download() as info:
        page.locator("#decision-docx").click()
    path = tmp_path / "quyet-dinh.docx"
    info.value.save_as(path)
    document = Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Tặng Bằng khen" in text and "(Kèm theo Quyết định số 125/QĐ-LĐLĐ" in text
    annex = [[c.text for c in row.cells] for row in document.tables[-1].rows]
    assert annex[0][:2] == ["STT", "Tập thể, cá nhân"]
    names = {row[1] for row in annex}
    assert {"Trần Thị Bình", "Nguyễn Văn An", "Công đoàn Bệnh viện Thành phố"} <= names

    # The public showcase, without logging in: the story, and no phone number.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/showcase/")
    card = page.locator(f'[data-example="{nomination.pk}"]')
    expect(card).to_contain_text("Đội chiêng thiếu nhi")
    expect(card.locator("img")).to_be_visible()
    card.locator("a").click()
    expect(page.locator("#example-story")).to_contain_text("32 em học sinh")
    expect(page.locator("#example-name")).to_have_text("Trần Thị Bình")
    content = page.content()
    assert world.binh.phone not in content and "0987654321" not in content
