"""Issue 8 journey, on a phone (360×740): alice (province manager) plans an inspection of A1
for task II.1, starts it, records a finding per point (htmx), adds a recommendation and
concludes; carol (editor of A1) reads her unit's inspection and answers; alice closes the
recommendation and the inspection is closed. The minutes download as .docx."""

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from chuyende.inspections.models import Inspection, InspectionPlan, Recommendation
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def test_an_inspection_from_plan_to_closed_recommendation(page, live_server, world):
    base = live_server.url
    today = timezone.localdate()
    due = today + datetime.timedelta(days=30)
    page.set_viewport_size(PHONE)

    # alice plans the inspection of A1 (found by the search, accents left out)
    login(page, base, "alice", "pw")
    page.goto(f"{base}/inspections/")
    page.locator("#new-plan").click()
    page.locator("#id_title").fill("Kiểm tra việc triển khai Chuyên đề năm 2024")
    page.locator("#id_number").fill("45/KH-LĐLĐ")
    page.locator("#id_year").fill(str(today.year))
    page.locator("#id_start_on").fill(today.strftime("%d/%m/%Y"))
    page.locator("#id_end_on").fill(due.strftime("%d/%m/%Y"))
    page.locator("#id_team").fill("Nguyễn Thị Lý, Phó Chủ tịch\nTrần Văn Hùng, Ủy viên")
    page.locator("#id_plan").select_option(str(world.plan.pk))
    page.locator(f"#task-{world.task.pk}").check()  # drawn by htmx for the plan chosen
    page.locator("#unit-q").fill("le loi")
    page.locator(f"#unit-{world.a1.pk}").check()
    page.locator("#id_free_points").fill("Hồ sơ, sổ sách sinh hoạt chuyên đề")
    page.locator("#save-plan").click()
    inspection_plan = InspectionPlan.objects.get()
    expect(page).to_have_url(f"{base}/inspections/plans/{inspection_plan.pk}/")
    inspection = Inspection.objects.get(inspection_plan=inspection_plan)
    assert inspection.unit == world.a1

    # she starts it, records a finding on each point and a recommendation, and concludes
    page.locator(f'tr[data-inspection="{inspection.pk}"] a').click()
    page.locator("#start-inspection").click()
    expect(page.locator("#inspection-status")).to_have_attribute("data-status", "in_progress")
    for point in inspection_plan.points.order_by("position"):
        card = page.locator(f"#point-{point.pk}")
        card.locator("textarea").fill("Đã tổ chức quán triệt đầy đủ, có biên bản.")
        card.locator("select").select_option("good")
        card.locator(f'[data-save-point="{point.pk}"]').click()
        expect(page.locator(f'#point-{point.pk}[data-rating="good"]')).to_be_visible()
    page.locator("#id_text").fill("Đưa nội dung Chuyên đề vào sinh hoạt định kỳ hằng tháng.")
    page.locator("#id_due_on").fill(due.strftime("%d/%m/%Y"))
    page.locator("#add-recommendation").click()
    page.locator("#id_conclusion").fill("Đơn vị triển khai nghiêm túc, đạt yêu cầu.")
    page.locator("#conclude-inspection").click()
    expect(page.locator("#inspection-status")).to_have_attribute("data-status", "concluded")
    with page.expect_download() as download:
        page.locator("#minutes-link").click()
    doc = Document(io.BytesIO(open(download.value.path(), "rb").read()))
    assert "BIÊN BẢN KIỂM TRA" in "\n".join(p.text for p in doc.paragraphs)

    # carol, of the inspected union, finds it in her list and answers
    rec = Recommendation.objects.get()
    login(page, base, "carol", "pw")
    page.goto(f"{base}/inspections/")
    page.locator(f'#my-inspections [data-inspection="{inspection.pk}"] a').click()
    page.locator(f"#id_r{rec.pk}-answer").fill("Đã đưa vào sinh hoạt tháng này, kèm biên bản.")
    page.locator(f'[data-answer="{rec.pk}"]').click()
    expect(page.locator(f'#rec-{rec.pk}[data-status="answered"]')).to_be_visible()
    expect(page.locator(f"[data-close='{rec.pk}']")).to_have_count(0)

    # alice closes it: the inspection is closed
    login(page, base, "alice", "pw")
    page.goto(f"{base}/inspections/{inspection.pk}/")
    expect(page.locator(f"#rec-{rec.pk} .rec-answer")).to_contain_text("kèm biên bản")
    page.locator(f'[data-close="{rec.pk}"]').click()
    expect(page.locator(f'#rec-{rec.pk}[data-status="closed"]')).to_be_visible()
    expect(page.locator("#inspection-status")).to_have_attribute("data-status", "closed")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
