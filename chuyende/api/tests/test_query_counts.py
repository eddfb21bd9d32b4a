"""Every list of the API (read from the OpenAPI document) and the nested lists take the same
number of queries whatever the number of rows: no query per row, no COUNT(*) over the rows."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chuyende.plans.models import Assignment, Plan, Task
from chuyende.reports.models import Report
from chuyende.study.models import Attendance
from conftest import make_member, make_unit

from .conftest import (
    make_contest,
    make_pledge,
    make_post,
    make_report_form,
    make_session,
    make_template,
)
from .schema_walk import operations

pytestmark = pytest.mark.django_db

MOST_QUERIES = 10  # auth, scope, the page and what it joins in bulk


def _grow(w, n, start):
    """n more rows of every kind the API lists, on both sides of the tree."""
    for i in range(start, start + n):
        for side, upper in (("A", w.a), ("B", w.b)):
            unit = make_unit(upper, f"API-{side}{i}", f"Công đoàn số {side}{i}", "grassroots")
            members = [make_member(unit, f"Đoàn viên {side}{i} số {k}") for k in range(3)]
            plan = Plan.objects.create(unit=upper, title=f"Kế hoạch {side}{i}", number=f"{i}")
            task = Task.objects.create(plan=plan, ref=f"{i}", title=f"Nhiệm vụ {side}{i}")
            Assignment.objects.create(task=task, unit=unit)
            make_session(unit, f"Hội nghị {side}{i}", members=members, task=task)
            make_post(unit, f"Tin {side}{i}")
            make_contest(upper, f"Cuộc thi {side}{i}", participants=[])
            form = make_report_form(plan, upper, f"Báo cáo {side}{i}", [w.talks])
            Report.objects.create(form=form, period=w.period, unit=unit)
        template = make_template(w.province, f"Bản cam kết {i}", year=2000 + i)
        make_pledge(w.alice_member, template)
    # The nested lists: more people at A's session, more entries in A's round.
    extra = [make_member(w.a1, f"Người dự {start}-{k}") for k in range(n)]
    Attendance.objects.bulk_create(
        Attendance(session=w.session_a, member=m, source="qr") for m in extra
    )
    from chuyende.contests import services as contest_services
    from chuyende.contests.models import Participant

    for k in range(n):
        person = Participant.objects.create(
            contest=w.contest_a,
            unit=w.a1,
            full_name=f"Thí sinh {start}-{k}",
            phone=f"0913{start:03d}{k:03d}",
        )
        attempt, _ = contest_services.attempt_start(
            round_=w.round_a, participant_id=person.pk, unit_path=w.a1.path
        )
        contest_services.attempt_submit(attempt=attempt, answers={}, prediction=k)


def _count(client, url):
    cache.clear()  # cached boards would hide their queries
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(ctx.captured_queries)


@pytest.fixture
def grown(api):
    api.alice_member = make_member(api.a1, "Alice Nguyễn", date_of_birth=datetime.date(1980, 1, 1))
    api.alice_member.user = api.alice
    api.alice_member.save(update_fields=["user"])
    return api


def test_every_list_takes_the_same_queries_with_more_rows(grown, as_user, settings):
    settings.RATELIMIT_ENABLED = False
    w = grown
    alice = as_user("alice")
    alice.get("/api/v1/me/")  # the token's first use is recorded once
    urls = [op.url() for op in operations() if op.is_list]
    urls += [
        f"/api/v1/study-sessions/{w.session_a.pk}/attendance/",
        f"/api/v1/rounds/{w.round_a.pk}/results/",
        f"/api/v1/members/?unit={w.a.pk}",
        "/api/v1/members/?q=doan vien",
        "/api/v1/me/",
    ]
    _grow(w, 2, 0)
    small = {url: _count(alice, url) for url in urls}
    _grow(w, 6, 2)
    large = {url: _count(alice, url) for url in urls}
    assert small == large
    assert max(large.values()) <= MOST_QUERIES, large
