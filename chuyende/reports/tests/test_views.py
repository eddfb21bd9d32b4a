"""Report screens: the list, the report page (prefilled figures, drill-down, optimistic
locking), submit, completeness, review and the roll-up."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.models import Count
from django.db.models.functions import Substr
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chuyende.org.models import Member, RoleAssignment
from chuyende.reports import registry
from chuyende.reports.models import Indicator, Report, ReportForm, ReportValue
from chuyende.reports.services import indicators_sync, period_ensure, report_open, report_submit
from conftest import make_member, make_unit


def _members(*, root_path, width, start, end, plan):
    return dict(
        Member.objects.filter(unit__path__startswith=root_path)
        .annotate(prefix=Substr("unit__path", 1, width))
        .order_by()
        .values("prefix")
        .annotate(n=Count("id"))
        .values_list("prefix", "n")
    )


def at(year, month, day):
    return datetime.datetime(year, month, day, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def reporting(world):
    """Test indicators (one counted, one declared by hand), the province's form for upper-level
    unions, and the 2024S1 period; the registry is restored afterwards."""
    saved = dict(registry.REGISTRY)
    registry.REGISTRY.clear()
    registry.indicator(
        "test.members", "Members counted", unit_of_measure="people", drilldown="org:member_list"
    )(_members)
    indicators_sync()
    declared = Indicator.objects.create(
        code="test.declared", name="Talks given", unit_of_measure="talks", source="entered"
    )
    form = ReportForm.objects.create(
        plan=world.plan,
        name="Báo cáo chuyên đề",
        period_kind="semester",
        reporting_kind="upper",
        recipient=world.province,
    )
    form.indicators.set([Indicator.objects.get(code="test.members"), declared])
    world.form = form
    world.period = period_ensure("2024S1")
    with time_machine.travel(at(2024, 7, 5), tick=True):
        yield world
    registry.REGISTRY.clear()
    registry.REGISTRY.update(saved)


def open_report(w, unit=None, user=None):
    return report_open(form=w.form, period=w.period, unit=unit or w.a, acting_user=user or w.bob)


def save_data(report, **extra):
    return {
        "version": report.version,
        "leadership": "Ban Thường vụ chỉ đạo",
        "results": "Đã tổ chức học tập",
        "assessment": "",
        "proposals": "",
        "number": "",
        "signer_authority": "",
        "signer_position": "",
        "signer_name": "",
        **extra,
    }


@pytest.mark.django_db
def test_the_list_offers_the_report_to_write_and_opening_it_prefills_the_figures(client, reporting):
    w = reporting
    client.force_login(w.bob)
    body = client.get(reverse("reports:report_list")).content.decode()
    assert 'data-period="2024S1"' in body and 'data-unit="DLK-BMT"' in body
    response = client.post(
        reverse("reports:report_open"),
        {"form": w.form.pk, "period": w.period.pk, "unit": w.a.pk},
    )
    report = Report.objects.get(unit=w.a)
    assert response.url == reverse("reports:report_detail", kwargs={"pk": report.pk})
    value = ReportValue.objects.get(report=report, indicator__code="test.members")
    assert value.value == 3 and not value.declared  # an, binh, hnga below A


@pytest.mark.django_db
def test_a_counted_figure_links_to_its_records_and_a_declared_one_is_marked(client, reporting):
    w = reporting
    report = open_report(w)
    client.force_login(w.bob)
    data = save_data(report, **{f"figure_{Indicator.objects.get(code='test.declared').pk}": "12"})
    response = client.post(reverse("reports:report_detail", kwargs={"pk": report.pk}), data)
    assert response.status_code == 302, response.context["form"].errors
    body = client.get(reverse("reports:report_detail", kwargs={"pk": report.pk})).content.decode()
    link = f"{reverse('org:member_list')}?unit={w.a.pk}&amp;start=2024-01-01&amp;end=2024-06-30"
    assert link in body
    assert 'data-declared="1"' in body
    assert ReportValue.objects.get(report=report, indicator__code="test.declared").declared


@pytest.mark.django_db
def test_two_officers_editing_the_same_report_the_second_save_is_refused_and_keeps_its_text(
    client, django_user_model, reporting
):
    w = reporting
    report = open_report(w)
    other = django_user_model.objects.create_user("bob2", password="pw")
    RoleAssignment.objects.create(user=other, unit=w.a, role="editor")
    first, second = Client(), Client()
    first.force_login(w.bob)
    second.force_login(other)
    url = reverse("reports:report_detail", kwargs={"pk": report.pk})
    opened = report.version
    assert first.post(url, save_data(report, results="Bản của anh Bình")).status_code == 302
    response = second.post(url, {**save_data(report, results="Bản của chị Hoa"), "version": opened})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Bản của chị Hoa" in body  # nothing lost
    assert "Someone else saved this report" in body or "lưu báo cáo này" in body
    report.refresh_from_db()
    assert report.results == "Bản của anh Bình"


@pytest.mark.django_db
def test_after_submit_the_report_is_read_only(client, reporting):
    w = reporting
    report = open_report(w)
    client.force_login(w.bob)
    client.post(reverse("reports:report_submit", kwargs={"pk": report.pk}))
    report.refresh_from_db()
    assert report.status == "submitted"
    url = reverse("reports:report_detail", kwargs={"pk": report.pk})
    body = client.get(url).content.decode()
    assert 'id="report-form"' not in body and 'data-status="submitted"' in body
    response = client.post(url, save_data(report, results="Sửa sau khi gửi"))
    report.refresh_from_db()
    assert report.results != "Sửa sau khi gửi"
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_viewer_cannot_save_a_report(client, reporting):
    w = reporting
    report = open_report(w)
    client.force_login(w.erin)
    url = reverse("reports:report_detail", kwargs={"pk": report.pk})
    assert client.get(url).status_code == 200
    assert client.post(url, save_data(report)).status_code == 403
    assert (
        client.post(reverse("reports:report_submit", kwargs={"pk": report.pk})).status_code == 403
    )


@pytest.mark.django_db
def test_completeness_shows_on_time_late_and_overdue_and_the_rate(client, reporting):
    w = reporting
    with time_machine.travel(at(2024, 7, 5)):
        report_submit(report=open_report(w), acting_user=w.bob)
    with time_machine.travel(at(2024, 7, 20)):
        client.force_login(w.alice)
        url = reverse("reports:completeness", kwargs={"pk": w.form.pk, "period": "2024S1"})
        body = client.get(url).content.decode()
    assert 'data-unit="DLK-BMT" data-state="on_time"' in body
    assert 'data-unit="DLK-EAKAR" data-state="overdue"' in body
    assert 'data-rate="50.0"' in body


@pytest.mark.django_db
def test_a_late_report_counts_as_late(client, reporting):
    w = reporting
    with time_machine.travel(at(2024, 7, 25)):
        report_submit(report=open_report(w), acting_user=w.bob)
        client.force_login(w.alice)
        url = reverse("reports:completeness", kwargs={"pk": w.form.pk, "period": "2024S1"})
        body = client.get(url).content.decode()
    assert 'data-unit="DLK-BMT" data-state="late"' in body


@pytest.mark.django_db
def test_the_upper_level_returns_with_a_required_comment_and_the_unit_sees_it(client, reporting):
    w = reporting
    report = open_report(w)
    report_submit(report=report, acting_user=w.bob)
    url = reverse("reports:report_review", kwargs={"pk": report.pk})
    client.force_login(w.bob)
    assert client.get(url).status_code == 403  # a unit does not review its own report
    client.force_login(w.alice)
    response = client.post(url, {"action": "return", "comment": "  "})
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.status == "submitted"
    client.post(url, {"action": "return", "comment": "Bổ sung số liệu quý II"})
    report.refresh_from_db()
    assert report.status == "returned"
    client.force_login(w.bob)
    body = client.get(reverse("reports:report_detail", kwargs={"pk": report.pk})).content.decode()
    assert "Bổ sung số liệu quý II" in body and 'id="report-form"' in body


@pytest.mark.django_db
def test_accept_locks_and_reopen_is_recorded(client, reporting):
    from chuyende.core.models import AuditEvent

    w = reporting
    report = open_report(w)
    report_submit(report=report, acting_user=w.bob)
    url = reverse("reports:report_review", kwargs={"pk": report.pk})
    client.force_login(w.alice)
    client.post(url, {"action": "accept", "comment": ""})
    report.refresh_from_db()
    assert report.status == "accepted"
    client.force_login(w.bob)
    body = client.get(reverse("reports:report_detail", kwargs={"pk": report.pk})).content.decode()
    assert 'id="report-form"' not in body
    client.force_login(w.alice)
    client.post(url, {"action": "reopen", "comment": "Sai số liệu"})
    report.refresh_from_db()
    assert report.status == "returned"
    steps = [e.changes.get("step") for e in AuditEvent.objects.filter(object_id=str(report.pk))]
    assert "reopen" in steps


@pytest.mark.django_db
def test_rollup_flags_a_submitted_figure_that_differs_from_the_records(client, reporting):
    w = reporting
    report = open_report(w)
    report_submit(report=report, acting_user=w.bob)
    make_member(w.a2, "Lê Văn Mới")  # records change after the report went up
    client.force_login(w.alice)
    url = reverse("reports:rollup", kwargs={"pk": w.form.pk, "period": "2024S1"})
    body = client.get(url).content.decode()
    assert 'data-indicator="test.members" data-kind="sent" data-differs="1">3' in body
    assert 'data-indicator="test.members" data-kind="counted">4' in body


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_completeness_and_rollup_take_the_same_number_of_queries_with_more_units(client, reporting):
    w = reporting
    client.force_login(w.alice)
    report_submit(report=open_report(w), acting_user=w.bob)
    urls = [
        reverse(name, kwargs={"pk": w.form.pk, "period": "2024S1"})
        for name in ("reports:completeness", "reports:rollup")
    ] + [reverse("reports:report_list")]
    before = [_count(client, url) for url in urls]
    for n in range(5):
        upper = make_unit(w.province, f"NEW-{n}", f"LĐLĐ mới {n}", "upper")
        for k in range(3):
            unit = make_unit(upper, f"NEW-{n}-{k}", f"CĐCS {n}-{k}", "grassroots")
            make_member(unit, f"Người {n}-{k}")
        report_submit(report=open_report(w, unit=upper, user=w.alice), acting_user=w.alice)
    after = [_count(client, url) for url in urls]
    assert before == after


@pytest.mark.django_db
def test_compute_figures_for_every_child_is_one_query_per_indicator(reporting):
    from chuyende.reports.selectors import compute_figures

    w = reporting
    indicators = list(Indicator.objects.filter(code="test.members"))
    with CaptureQueriesContext(connection) as queries:
        figures = compute_figures(
            indicators=indicators,
            root_path=w.province.path,
            width=len(w.province.path) + 4,
            start=w.period.start,
            end=w.period.end,
        )
    assert len(queries) == 1
    assert figures[w.a.path]["test.members"] == 3 and figures[w.b.path]["test.members"] == 1


def test_a_locked_period_refuses_saving_and_submitting_alike(client, reporting):
    report = open_report(reporting)
    reporting.period.locks_on = reporting.period.due  # 10/07/2024; the fixture's today is 05/07
    reporting.period.save()
    with time_machine.travel(at(2024, 12, 1), tick=False):
        client.force_login(reporting.bob)
        response = client.post(reverse("reports:report_submit", args=[report.pk]), follow=True)
        assert "khóa" in " ".join(str(m) for m in response.context["messages"])
        response = client.post(
            reverse("reports:report_detail", args=[report.pk]), save_data(report)
        )
        assert response.status_code == 200
    report.refresh_from_db()
    assert report.status == "draft" and report.leadership == ""


@pytest.mark.django_db
def test_a_grassroots_union_cannot_open_a_report_on_the_upper_level_form(reporting):
    """The service holds the rule of the screens (selectors.report_units): the API and any other
    caller cannot create a report for a unit that does not write on the form."""
    from django.core.exceptions import ValidationError

    w = reporting
    with pytest.raises(ValidationError) as refused:
        report_open(form=w.form, period=w.period, unit=w.a1, acting_user=w.bob)
    assert w.a1.name in refused.value.messages[0]
    assert not Report.objects.filter(unit=w.a1).exists()
    assert report_open(form=w.form, period=w.period, unit=w.a, acting_user=w.bob).unit == w.a
    outside = make_unit(w.root, "HNI", "Liên đoàn Lao động thành phố Hà Nội", "province")
    with pytest.raises(ValidationError):
        report_open(form=w.form, period=w.period, unit=outside, acting_user=w.admin)
