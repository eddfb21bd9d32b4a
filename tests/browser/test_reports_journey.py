"""Issue 5 journey: `captren` opens its 6-month 2024 report, sees the prefilled figures, drills
one down to its records, edits the narrative and submits; `tinh` sees it in completeness and
returns it with a comment; `captren` resubmits; `tinh` accepts and downloads the compiled
provincial report .docx, read back with python-docx."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from docx import Document
from playwright.sync_api import expect

from chuyende.core.documents import MOTTO
from chuyende.demo.builder import CITY_CODE, PROVINCE_CODE, build_demo
from chuyende.org.models import Unit
from chuyende.plans.models import Plan
from chuyende.reports.models import Indicator, Report, ReportForm
from chuyende.reports.services import indicators_sync, period_ensure
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def semester_form():
    """The seed plan's 6-month form for upper-level unions (made by the seeding when present;
    otherwise made here with the computed indicators)."""
    province = Unit.objects.get(code=PROVINCE_CODE)
    plan = Plan.objects.filter(unit=province).latest("pk")
    form = ReportForm.objects.filter(
        plan=plan, period_kind="semester", reporting_kind="upper", recipient=province
    ).first()
    if form is None:
        indicators_sync()
        form = ReportForm.objects.create(
            plan=plan,
            name="Báo cáo 6 tháng",
            period_kind="semester",
            reporting_kind="upper",
            recipient=province,
        )
        form.indicators.set(Indicator.objects.filter(source="computed")[:4])
    return form


def test_upper_level_reports_and_the_province_reviews_and_compiles(page, live_server, tmp_path):
    build_demo(scale=0.02)
    form = semester_form()
    period = period_ensure("2024S1")
    city = Unit.objects.get(code=CITY_CODE)
    Report.objects.filter(form=form, period=period, unit=city).delete()  # start from scratch
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    when = datetime.datetime.combine(
        period.due - datetime.timedelta(days=3), datetime.time(9), ZoneInfo("Asia/Ho_Chi_Minh")
    )
    with time_machine.travel(when, tick=True):
        login(page, base, "captren")
        page.goto(f"{base}/reports/")
        page.locator(f'tr[data-period="2024S1"][data-unit="{CITY_CODE}"] [data-open]').click()
        expect(page.locator("#figures")).to_be_visible()
        report = Report.objects.get(form=form, period=period, unit=city)
        assert report.values.filter(value__gt=0).exists()  # prefilled from records
        drill = page.locator("[data-drilldown]").first
        expect(drill).to_be_visible()
        drill.click()
        expect(page).to_have_url(re.compile(r"start=2024.*end=2024"))
        page.go_back()
        page.locator("#id_results").fill("Đã tổ chức học tập chuyên đề tại các công đoàn cơ sở.")
        page.locator("#id_signer_name").fill("Nguyễn Văn Thành")
        page.locator("#save-report").click()
        expect(page.locator("#id_results")).to_have_value(
            "Đã tổ chức học tập chuyên đề tại các công đoàn cơ sở."
        )
        page.locator("#submit-report").click()
        expect(page.locator("#report-status")).to_have_attribute("data-status", "submitted")

        login(page, base, "tinh")
        page.goto(f"{base}/reports/forms/{form.pk}/2024S1/?unit={form.recipient.pk}")
        row = page.locator(f'#completeness-table tr[data-unit="{CITY_CODE}"]')
        expect(row).to_have_attribute("data-state", "on_time")
        row.locator("[data-review]").click()
        page.locator("#id_comment").fill("Đề nghị bổ sung số liệu đoàn viên dân tộc thiểu số.")
        page.locator("#return-report").click()
        expect(row).to_be_visible()

        login(page, base, "captren")
        page.goto(f"{base}/reports/{report.pk}/")
        expect(page.locator("#review-comment")).to_be_visible()
        expect(page.locator("#report-status")).to_have_attribute("data-status", "returned")
        page.locator("#submit-report").click()
        expect(page.locator("#report-status")).to_have_attribute("data-status", "submitted")

        login(page, base, "tinh")
        page.goto(f"{base}/reports/{report.pk}/review/")
        page.locator("#accept-report").click()
        page.goto(f"{base}/reports/forms/{form.pk}/2024S1/?unit={form.recipient.pk}")
        expect(
            page.locator(f'#completeness-table tr[data-unit="{CITY_CODE}"] [data-report-status]')
        ).to_have_attribute("data-report-status", "accepted")
        with page.expect_download() as info:
            page.locator("#compiled-docx").click()
        path = tmp_path / "bao-cao-tong-hop.docx"
        info.value.save_as(path)

    document = Document(path)
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    everything = text + "\n" + "\n".join(cells)
    assert MOTTO in everything
    assert "/BC-LĐLĐ" in everything and "Số:" in everything
    assert "BÁO CÁO" in text
    children = next(t for t in document.tables if t.rows[0].cells[1].text == "Đơn vị")
    assert any(r.cells[1].text == city.display_name for r in children.rows[1:])
    signer = Plan.objects.filter(unit=form.recipient).latest("pk").signer or {}
    assert signer.get("name") and signer["name"] in everything
