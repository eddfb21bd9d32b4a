"""The reports dashboard: tiles, children compared, trend, completeness, overdue tasks."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chuyende.plans.models import Assignment
from chuyende.reports.services import period_ensure, report_submit
from chuyende.reports.tests import test_views
from chuyende.reports.tests.test_views import open_report
from conftest import make_member, make_unit

URL = reverse("reports:dashboard")
reporting = test_views.reporting  # the fixture: test indicators, a form and 2024S1


def chart_data(response):
    body = response.content.decode()
    start = body.index('<script id="dashboard-data" type="application/json">')
    raw = body[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(raw)


@pytest.mark.django_db
def test_the_province_sees_its_subtree_in_tiles_children_in_the_charts_and_the_trend(
    client, reporting
):
    w = reporting
    period_ensure("2024S2")
    client.force_login(w.alice)
    response = client.get(URL, {"period": "2024S1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        'data-tile="test.members"' in body and 'data-value="4"' in body
    )  # an, binh, hnga, foreign
    data = chart_data(response)
    assert [i["code"] for i in data["indicators"]] == ["test.members"]  # the form's computed
    assert data["children"]["labels"] == [w.a.display_name, w.b.display_name]
    assert data["children"]["series"]["test.members"] == [3, 1]
    assert data["trend"]["series"]["test.members"] == [4, 4]  # 2024S1, 2024S2
    assert 'data-unit="DLK-BMT"' in body  # the table fallback under the chart
    assert 'src="/static/vendor/chartjs-4.4.6/chart.umd.js"' in body


@pytest.mark.django_db
def test_the_period_defaults_to_the_latest_with_reports_and_the_unit_to_the_top_of_the_scope(
    client, reporting
):
    w = reporting
    period_ensure("2024S2")  # later, but nobody reported in it
    open_report(w)
    client.force_login(w.bob)
    response = client.get(URL)
    assert response.context["period"].code == "2024S1"
    assert response.context["unit"] == w.a
    assert response.context["data"]["chart"]["children"]["labels"] == [
        w.a1.display_name,
        w.a2.display_name,
    ]


@pytest.mark.django_db
def test_the_completeness_bar_counts_the_children_that_reported(client, reporting):
    w = reporting
    report_submit(report=open_report(w), acting_user=w.bob)
    client.force_login(w.alice)
    response = client.get(URL, {"period": "2024S1"})
    completeness = response.context["data"]["completeness"]
    assert completeness["expected"] == 2 and completeness["done"] == 1
    assert completeness["rate"] == 50
    assert 'data-rate="50.0"' in response.content.decode()


@pytest.mark.django_db
def test_overdue_tasks_of_the_subtree_are_counted_and_listed(client, reporting):
    w = reporting
    client.force_login(w.bob)
    response = client.get(URL, {"period": "2024S1"})
    overdue = response.context["data"]["overdue"]
    assert overdue["count"] == 1 and overdue["rows"] == [w.assignment_a]  # due 31/03/2024
    Assignment.objects.filter(pk=w.assignment_a.pk).update(status="done")
    response = client.get(URL, {"period": "2024S1"})
    assert response.context["data"]["overdue"]["count"] == 0


@pytest.mark.django_db
def test_a_unit_outside_the_scope_or_an_unknown_period_is_not_found(client, reporting):
    w = reporting
    client.force_login(w.bob)
    assert client.get(URL, {"unit": w.b.pk, "period": "2024S1"}).status_code == 404
    assert client.get(URL, {"period": "2031S1"}).status_code == 404
    body = client.get(URL, {"period": "2024S1"}).content.decode()
    for foreign in ("Ea Kar", "EAKAR", "foreign"):
        assert foreign not in body


@pytest.mark.django_db
def test_without_any_period_the_page_still_shows_the_overdue_tasks(client, world):
    client.force_login(world.bob)
    response = client.get(URL)
    assert response.status_code == 200
    assert 'id="dashboard-no-period"' in response.content.decode()
    assert response.context["data"]["overdue"]["count"] == 1


@pytest.mark.django_db
def test_the_reports_list_links_to_the_dashboard(client, reporting):
    client.force_login(reporting.bob)
    body = client.get(reverse("reports:report_list")).content.decode()
    assert f'href="{URL}"' in body


@pytest.mark.django_db
def test_the_dashboard_query_count_does_not_grow_with_children_or_records(client, reporting):
    w = reporting
    period_ensure("2024S2")

    def count():
        client.force_login(w.alice)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, {"period": "2024S1"}).status_code == 200
        return len(ctx)

    count()  # the first request of a session creates it
    few = count()
    for n in range(6):
        child = make_unit(w.province, f"NEW-{n}", f"LĐLĐ mới {n}", "upper")
        grassroots = make_unit(child, f"NEW-{n}-1", f"CĐCS mới {n}", "grassroots")
        make_member(grassroots, f"Đoàn viên {n}")
        open_report(w, unit=child, user=w.alice)
        Assignment.objects.create(task=w.task, unit=child, due_on=w.task.due_on)
    many = count()
    assert few == many
    response = client.get(URL, {"period": "2024S1"})
    assert len(response.context["data"]["children"]) == 8
