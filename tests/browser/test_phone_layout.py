"""Every main page fits a 360-px-wide phone: nothing makes the page itself scroll sideways
(wide tables scroll inside their own box)."""

import pytest

from chuyende.demo.builder import build_demo
from chuyende.org.models import Unit
from chuyende.plans.models import Plan
from chuyende.reports.models import Report
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_main_pages_fit_a_360_px_screen(page, live_server):
    build_demo(scale=0.02)
    city = Unit.objects.get(code="DLK-BMT")
    plan = Plan.objects.get()
    report = Report.objects.filter(unit=city).order_by("pk").first()
    pages = [
        "/",
        "/units/",
        f"/units/{city.pk}/",
        "/members/",
        "/plans/",
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/board/",
        "/study/",
        "/study/rollup/",
        "/outreach/",
        "/outreach/calendar/",
        "/materials/",
        "/reports/",
        "/audit/",
    ]
    if report is not None:
        pages.append(f"/reports/{report.pk}/")
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, live_server.url, "captren")
    too_wide = {}
    for path in pages:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[path] = width
    assert too_wide == {}
