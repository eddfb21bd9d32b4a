"""Issue 5 reminders journey, on a 360-px phone: the day's run escalates the overdue 6-month
reports; `tinh` reads the copies in the notification list (mark one read with htmx, open one to
the completeness page, mark all read)."""

import datetime

import pytest
from playwright.sync_api import expect

from chuyende.demo.builder import build_demo
from chuyende.notifications.models import Notification
from chuyende.reports.models import ReportForm, ReportingPeriod
from chuyende.reports.reminders import pending_units, run_day
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_province_reads_its_escalations_on_a_phone(page, live_server):
    build_demo(scale=0.02)
    form = ReportForm.objects.get(period_kind="semester", reporting_kind="upper")
    period = ReportingPeriod.objects.get(code="2024S1")
    assert pending_units(form=form, period=period)
    run_day(day=period.due + datetime.timedelta(days=1))
    copies = Notification.objects.filter(user__username="tinh", kind="escalation_copy")
    assert copies.exists()
    overflow = "document.documentElement.scrollWidth > document.documentElement.clientWidth"

    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, base, "tinh")
    page.goto(f"{base}/notifications/")
    rows = page.locator("#notification-list li[data-kind]")
    expect(rows).to_have_count(copies.count())
    assert not page.evaluate(overflow)

    first = copies.order_by("-created_at", "-pk").first()
    page.locator(f'[data-read-one="{first.pk}"]').click()
    expect(page.locator(f"#notification-{first.pk}")).to_have_attribute("data-read", "1")

    second = copies.filter(read_at=None).order_by("-created_at", "-pk").first()
    page.locator(f'[data-open="{second.pk}"]').click()
    expect(page.locator("#completeness-table")).to_be_visible()

    page.goto(f"{base}/notifications/?unread=1")
    page.locator("#read-all").click()
    page.goto(f"{base}/notifications/?unread=1")
    expect(page.locator("#no-notification")).to_be_visible()
    assert not copies.filter(read_at=None).exists()
