"""Issue 4 journey: the province publishes a PDF with a Vietnamese name for the seed plan, tagged
with an audience suggested by the plan's tasks; a grassroots officer finds it on a phone by a
search without accents and downloads it under its own name; the province sees the download
counted for the city, then removes the material and it is gone below."""

import pytest
from playwright.sync_api import expect

from chuyende.demo.builder import build_demo
from chuyende.materials.demo import make_pdf
from chuyende.materials.models import Material, MaterialDownload
from chuyende.org.models import Unit
from chuyende.plans.models import Plan
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Tài liệu học tập Chuyên đề năm 2024 (bản chính thức)"


def test_province_publishes_and_a_grassroots_union_downloads_on_a_phone(
    page, live_server, tmp_path
):
    build_demo(scale=0.02)
    base = live_server.url
    plan = Plan.objects.get(number="26/KH-LĐLĐ")
    city = Unit.objects.get(code="DLK-BMT")
    pdf = tmp_path / "Tài liệu học tập Chuyên đề 2024 – bản chính thức.pdf"
    pdf.write_bytes(make_pdf(TITLE, ["Noi dung hoc tap"]))

    # The province publishes it; choosing the plan brings its tasks' audiences as suggestions.
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, base, "tinh")
    page.goto(f"{base}/materials/")
    page.locator("#material-upload").click()
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_kind").select_option("pdf")
    page.locator("#id_file").set_input_files(pdf)
    with page.expect_response(lambda r: "plan=" in r.url):
        page.locator("#id_plan").select_option(str(plan.pk))
    suggestion = page.locator('#audience-suggestions input[name="audiences_suggested"]').first
    suggested = suggestion.get_attribute("value")
    assert suggested and "Báo cáo viên" in suggested
    suggestion.check()
    page.locator("#id_audiences_other").fill("Công nhân lao động")
    page.locator("#material-save").click()
    expect(page.locator("#material-file-name")).to_contain_text(pdf.name)
    material = Material.objects.get(title=TITLE)
    assert material.plan == plan and material.audiences == [suggested, "Công nhân lao động"]

    # A grassroots officer, on a phone, finds it without accents and downloads it.
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, base, "coso")
    page.goto(f"{base}/materials/")
    page.locator("#id_q").fill("ban chinh thuc")
    expect(page.locator("[data-material]")).to_have_count(1)
    item = page.locator(f"#material-{material.pk}")
    expect(item).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    with page.expect_download() as info:
        item.locator(f'a[href="/materials/{material.pk}/download/"]').click()
    assert info.value.suggested_filename == pdf.name
    assert info.value.path().read_bytes() == pdf.read_bytes()
    download = MaterialDownload.objects.get(material=material)
    assert download.unit.code == "DLK-BMT-0001" and download.user.username == "coso"
    for path in (
        f"/materials/{material.pk}/",
        f"/materials/{material.pk}/downloads/",
        "/materials/new/",
    ):
        page.goto(f"{base}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path

    # The province sees it counted for the city, then removes the material.
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, base, "tinh")
    page.goto(f"{base}/materials/{material.pk}/")
    expect(page.locator("#material-download-total")).to_have_attribute("data-downloads", "1")
    page.locator("#material-downloads-link").click()
    row = page.locator(f'#downloads-table tr[data-unit="{city.pk}"] td[data-downloads]')
    expect(row).to_have_text("1")
    page.goto(f"{base}/materials/{material.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#material-delete").click()
    expect(page.locator("#material-removed")).to_be_visible()

    login(page, base, "coso")
    page.goto(f"{base}/materials/?q=ban chinh thuc")
    expect(page.locator("[data-material]")).to_have_count(0)
