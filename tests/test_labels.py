"""Screens read right in Vietnamese for the demo personas.

- One English word, several meanings: "Open", "Start", "In progress", "Review", "to" (and
  "Period", "Form", "Submit", "Continue", "Decision", "Created", "Personal data") carry a
  message context per meaning, so a report's "Open" button no longer reads "Thời gian" (the
  contest round's dates) and a report's recipient no longer reads "đến ngày" (a date range).
- The personal-data menu: each role sees the entries it may open, and the menu adds no query.
- The reports a unit follows: a grassroots union is not shown the province's forms for the
  upper-level unions (docs/guide/coso.md: grassroots unions write no periodic report in plan 26).
- docs/: every link to a heading of a page matches the anchor MkDocs' toc makes of it.
"""

import datetime
import re
from pathlib import Path

import markdown
import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from chuyende.contests.models import AttemptStatus, Contest, Participant
from chuyende.demo.builder import CITY_CODE, GRASSROOTS_CODE, MEMBER_NAME, build_demo
from chuyende.inspections.models import InspectionPlan
from chuyende.org.models import Member, Unit
from chuyende.outreach.models import OutreachPost
from chuyende.plans.choices import AssignmentStatus
from chuyende.plans.models import Assignment, Plan
from chuyende.reports.models import Report, ReportForm, ReportingPeriod
from chuyende.reports.reminders import reminders_send_overdue

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The Đắk Lắk demo (scale 0.02), built once for the module and rolled back after it; each
    test runs in its own savepoint inside."""
    with django_db_blocker.unblock(), transaction.atomic():
        build_demo(scale=0.02)
        yield
        transaction.set_rollback(True)


def page(username, name, *args, query="", **kwargs):
    client = Client()  # no language cookie: Vietnamese, the default
    client.force_login(get_user(username))
    response = client.get(reverse(name, args=args, kwargs=kwargs) + query)
    assert response.status_code == 200, (username, name, response.status_code)
    return response.content.decode()


def get_user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def section(html, marker, end="</table>"):
    start = html.index(marker)
    return html[start : html.index(end, start)]


def texts(html, attribute):
    """The text of each element carrying `attribute`."""
    return re.findall(rf'{attribute}="[^"]*"[^>]*>([^<]+)<', html)


# 1. One msgid per meaning --------------------------------------------------------------------


def test_the_report_list_opens_and_starts_reports_not_contest_rounds(demo):
    html = page("captren", "reports:report_list")
    table = section(html, 'id="reports-to-write"')
    buttons = set(texts(table, "data-open"))
    assert buttons == {"Mở", "Lập báo cáo"}, buttons  # one report opened, others not started
    assert "Thời gian" not in table and "Bắt đầu thi" not in html
    head = section(table, "<thead>", "</thead>")
    assert ">Kỳ báo cáo<" in head and ">Mẫu báo cáo<" in head
    assert "Khoảng thời gian" not in head and "Hình thức" not in head


def test_a_report_is_sent_to_its_recipient_and_reviewed_as_a_report(demo):
    city_report = Report.objects.get(unit__code=CITY_CODE)
    html = page("captren", "reports:report_detail", city_report.pk)
    header = section(html, '<p class="text-body-secondary mb-2">', "</p>")
    assert "· gửi LĐLĐ tỉnh Đắk Lắk ·" in header
    assert "đến ngày" not in html

    sent = Report.objects.filter(status="submitted", form__reporting_kind="upper").first()
    html = page("tinh", "reports:report_detail", sent.pk)
    assert 'id="review-link">Duyệt báo cáo</a>' in html
    assert "Duyệt tin bài" not in html
    html = page("tinh", "reports:report_review", sent.pk)
    assert re.search(r"<title>Duyệt báo cáo — ", html) and "Duyệt tin bài" not in html
    html = page("tinh", "reports:completeness", sent.form_id, sent.period.code)
    assert set(texts(html, "data-review")) == {"Duyệt báo cáo"}
    assert "Duyệt tin bài" not in html


def test_the_dashboard_picks_a_reporting_period(demo):
    html = page("tinh", "reports:dashboard")
    assert '<label class="form-label small" for="id_period">Kỳ báo cáo</label>' in html
    assert "Khoảng thời gian" not in html


def test_a_notification_opens_its_link(demo):
    form = ReportForm.objects.get(reporting_kind="upper", period_kind="semester")
    period = ReportingPeriod.objects.get(code="2024S1")
    province = Unit.objects.get(code="DLK")
    sent = reminders_send_overdue(
        form=form, period=period, parent=province, acting_user=get_user("tinh")
    )
    assert sent  # the city's 2024S1 report is still a draft, long overdue
    html = page("captren", "notifications:notification_list")
    assert set(texts(html, "data-open")) == {"Mở"}
    assert "Thời gian" not in html


def test_plan_work_is_in_progress_not_a_contest_attempt(demo):
    plan = Plan.objects.get(unit__code="DLK")
    assert Assignment.objects.filter(task__plan=plan, status="in_progress").exists()
    html = page("tinh", "plans:plan_board", plan.pk)
    assert "Đang thực hiện" in html and "Đang làm bài" not in html

    own = Assignment.objects.filter(unit__code=CITY_CODE, task__plan=plan).first()
    html = page("captren", "plans:task_drill", own.task_id)
    assert "Đang thực hiện" in html and "Đang làm bài" not in html
    link = reverse("plans:assignment_detail", args=[own.pk])
    assert f'<a href="{link}">Mở</a>' in html and "Thời gian" not in html

    with translation.override("vi"):
        assert str(AssignmentStatus.IN_PROGRESS.label) == "Đang thực hiện"
        assert str(AttemptStatus.LIVE.label) == "Đang làm bài"


def test_the_contest_keeps_its_own_words(demo):
    contest = Contest.objects.get()
    html = page("tinh", "contests:contest_detail", contest.pk)
    head = section(html, "<thead>", "</thead>")
    assert ">Thời gian<" in head  # the column of the rounds' dates
    # A demo entrant, back on the contest page while a round is open: "start the test".
    participant = Participant.objects.filter(contest=contest).first()
    round_ = contest.rounds.order_by("number").first()
    now = timezone.now()
    round_.opens_at, round_.closes_at = (
        now - datetime.timedelta(hours=1),
        now + datetime.timedelta(hours=1),
    )
    round_.attempts_allowed = round_.attempts.filter(participant=participant).count() + 1
    round_.save()
    client = Client()
    session = client.session
    session[f"contests:p:{contest.pk}"] = [participant.pk, participant.unit.path]
    session.save()
    html = client.get(reverse("contests:public_contest", args=[contest.pk])).content.decode()
    assert texts(html, "data-start") == ["Bắt đầu thi"]


def test_outreach_reviews_posts_and_a_new_post_goes_for_review(demo):
    post = OutreachPost.objects.filter(unit__path__startswith=Unit.objects.get(code="DLK").path)
    html = page("tinh", "outreach:post_detail", post.first().pk)
    assert '<h2 class="h5">Duyệt tin bài</h2>' in html
    html = page("coso", "outreach:post_create")
    assert 'id="save-post">Gửi duyệt</button>' in html and "Nộp bài" not in html


def test_date_ranges_still_end_on_a_date(demo):
    with translation.override("vi"):
        assert str(ReportingPeriod._meta.get_field("end").verbose_name) == "đến ngày"
        assert str(InspectionPlan._meta.get_field("end_on").verbose_name) == "đến ngày"


def test_check_in_continues_and_privacy_pages_name_their_columns(demo):
    html = Client().get(reverse("study:checkin_start")).content.decode()
    assert 'id="open-code">Tiếp tục</button>' in html and "Làm tiếp" not in html

    member = Member.objects.get(unit__code=GRASSROOTS_CODE, full_name=MEMBER_NAME)
    html = page("coso", "privacy:consent_member", member.pk)
    head = section(html, 'id="consent-history"', "</thead>")
    assert ">Quyết định<" in head and "Kết quả duyệt" not in head
    html = page("doanvien", "privacy:my_data")
    assert ">Ngày tạo</dt>" in html and "Tạo mới" not in html


# 2. The personal-data menu -------------------------------------------------------------------

MENU_IDS = ("nav-my-data", "nav-privacy-notice", "nav-consents", "nav-corrections")
OFFICER = {"nav-privacy-notice", "nav-consents", "nav-corrections"}
EXPECTED_MENU = {
    "admin": OFFICER,
    "tinh": OFFICER,
    "captren": OFFICER,
    "coso": OFFICER,  # an editor records paper consent and decides corrections
    "xem": {"nav-privacy-notice", "nav-consents"},  # a viewer reads consent, not requests
    "doanvien": {"nav-my-data", "nav-privacy-notice"},
}


def _menu(html):
    menu = section(html, 'id="nav-privacy"', "</ul>")
    return {
        ident: href
        for href, ident in re.findall(r'href="([^"]+)" id="(nav-[a-z-]+)"', menu)
        if ident in MENU_IDS
    }


@pytest.mark.parametrize("username", sorted(EXPECTED_MENU))
def test_each_role_sees_its_personal_data_entries_and_they_open(demo, username):
    client = Client()
    client.force_login(get_user(username))
    html = client.get(reverse("core:home")).content.decode()
    assert 'id="nav-privacy"' in html and ">Dữ liệu cá nhân</a>" in html
    menu = _menu(html)
    assert set(menu) == EXPECTED_MENU[username]
    for ident, href in menu.items():
        response = client.get(href)
        assert response.status_code == 200, (username, ident, href)


def test_no_personal_data_menu_before_signing_in(demo):
    html = Client().get(reverse("privacy:notice")).content.decode()
    assert 'id="nav-privacy"' not in html


BLANK_MENU = [
    {
        **settings.TEMPLATES[0],
        "APP_DIRS": False,
        "OPTIONS": {
            **settings.TEMPLATES[0]["OPTIONS"],
            "loaders": [
                ("django.template.loaders.locmem.Loader", {"privacy/_nav.html": ""}),
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
        },
    }
]
PAGES = ("core:home", "reports:report_list", "notifications:notification_list", "privacy:notice")


@pytest.mark.parametrize("username", ["tinh", "coso", "doanvien", "xem"])
def test_the_menu_adds_no_query_to_any_page(demo, username):
    client = Client()
    client.force_login(get_user(username))

    def counts():
        found = []
        for name in PAGES:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name)).status_code == 200
            found.append(len(queries))
        return found

    counts()  # the session is settled
    with_menu = counts()
    with override_settings(TEMPLATES=BLANK_MENU):
        without = counts()
        assert 'id="nav-privacy"' not in client.get(reverse("core:home")).content.decode()
    assert with_menu == without


# 3. Which reports a unit follows ---------------------------------------------------------------


def test_a_grassroots_union_is_not_sent_the_provinces_forms(demo):
    html = page("coso", "reports:report_list")
    assert "Báo cáo gửi đến đơn vị bạn" not in html and "data-completeness" not in html
    form = ReportForm.objects.get(reporting_kind="upper", period_kind="semester")
    client = Client()
    client.force_login(get_user("coso"))
    response = client.get(reverse("reports:completeness", args=[form.pk, "2024S1"]))
    assert response.status_code == 404
    assert "Viết phần báo cáo của đơn vị mình" not in response.content.decode()
    grassroots = Unit.objects.get(code=GRASSROOTS_CODE)
    period = ReportingPeriod.objects.get(code="2024S1")
    response = client.post(
        reverse("reports:report_open"),
        {"form": form.pk, "period": period.pk, "unit": grassroots.pk},
    )
    assert response.status_code == 404
    assert not Report.objects.filter(unit=grassroots).exists()


def test_an_upper_level_union_writes_the_provinces_form_and_the_province_receives_it(demo):
    html = page("captren", "reports:report_list")
    assert "Báo cáo gửi đến đơn vị bạn" not in html  # it writes them: "Báo cáo đơn vị phải nộp"
    assert 'data-unit="DLK-BMT"' in section(html, 'id="reports-to-write"')

    html = page("tinh", "reports:report_list")
    received = section(html, "Báo cáo gửi đến đơn vị bạn", "</ul>")
    names = set(re.findall(r"<strong>([^<]+)</strong>", received))
    upper = set(ReportForm.objects.filter(reporting_kind="upper").values_list("name", flat=True))
    assert names == upper  # not its own forms to the Confederation
    form = ReportForm.objects.get(reporting_kind="upper", period_kind="semester")
    html = page("tinh", "reports:completeness", form.pk, "2024S1")
    assert 'id="own-report"' in html  # the province's own part of the compiled report


def test_a_district_follows_its_grassroots_unions_reports_to_the_province(demo):
    province = Unit.objects.get(code="DLK")
    form = ReportForm.objects.create(
        plan=Plan.objects.get(unit=province),
        name="Báo cáo nhanh của công đoàn cơ sở",
        period_kind="semester",
        reporting_kind="grassroots",
        recipient=province,
    )
    html = page("captren", "reports:report_list")
    received = section(html, "Báo cáo gửi đến đơn vị bạn", "</ul>")
    assert "Báo cáo nhanh của công đoàn cơ sở" in received
    city = Unit.objects.get(code=CITY_CODE)
    html = page("captren", "reports:completeness", form.pk, "2024S1")
    rows = set(re.findall(r'<tr data-unit="([^"]+)"', html))
    below = Unit.objects.filter(path__startswith=city.path, kind="grassroots", active=True)
    assert rows == set(below.values_list("code", flat=True)) and rows

    html = page("coso", "reports:report_list")
    assert "Báo cáo nhanh của công đoàn cơ sở" in section(html, 'id="reports-to-write"')
    assert "Báo cáo gửi đến đơn vị bạn" not in html


# 4. Links to headings in docs/ ---------------------------------------------------------------


def _anchors(path: Path) -> set[str]:
    md = markdown.Markdown(extensions=["toc", "attr_list", "admonition", "def_list", "tables"])
    return set(re.findall(r'id="([^"]+)"', md.convert(path.read_text(encoding="utf-8"))))


def test_every_link_to_a_heading_in_the_docs_finds_it():
    docs = ROOT / "docs"
    anchors = {p: _anchors(p) for p in docs.rglob("*.md")}
    broken = []
    for source in anchors:
        for target, anchor in re.findall(r"\]\(([^)\s#]*)#([^)\s]+)\)", source.read_text()):
            page_path = (source.parent / target).resolve() if target else source
            if page_path in anchors and anchor not in anchors[page_path]:
                broken.append(f"{source.relative_to(ROOT)}: {target}#{anchor}")
    assert not broken, broken
