"""The roll-up per child unit, the unions that have not held a session, and fixed query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chuyende.plans.models import Assignment
from chuyende.study import selectors
from chuyende.study.choices import ExpectedMode
from conftest import make_member, make_unit

from .helpers import attend, foreign_session, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(world):
    """The province's own conference, a1's meeting (2 listed + 3 counted), B1's (1 listed)."""
    own = make_session(
        world.province,
        task=world.task,
        expected_count=50,
        headcount_total=40,
        headcount_women=15,
        headcount_minority=4,
    )
    a1 = make_session(
        world.a1,
        task=world.task,
        expected_mode=ExpectedMode.MEMBERS,
        expected_count=2,
        headcount_total=3,
        headcount_women=1,
        headcount_minority=1,
    )
    attend(a1, world.an, world.binh)
    foreign_session(world)  # b1, 15/03/2024, foreign (a man, Kinh) listed
    return own, a1


def _row(result, unit):
    return next(r for r in result.rows if r.unit == unit)


def test_the_rollup_counts_each_child_units_whole_subtree(world, held):
    result = selectors.rollup(user=world.alice, unit=world.province, task=world.task)
    a, b = _row(result, world.a), _row(result, world.b)
    assert (a.sessions, a.listed, a.headcount, a.participants, a.expected) == (1, 2, 3, 5, 2)
    assert (a.women, a.minority) == (2, 1)  # binh (listed) + 1 counted; 1 counted minority
    assert a.rate == pytest.approx(250.0)
    assert (b.sessions, b.participants, b.expected) == (1, 1, 20)
    assert (result.own.sessions, result.own.participants) == (1, 40)
    assert (result.total.sessions, result.total.participants) == (3, 46)
    assert result.total.expected == 72


def test_a_manager_sees_only_their_subtree_in_the_rollup(world, held):
    result = selectors.rollup(user=world.bob, unit=world.a, task=world.task)
    assert {r.unit for r in result.rows} == {world.a1, world.a2}
    assert result.total.participants == 5
    assert all(name != world.b1.name for name in (i["name"] for i, _ in result.not_held))


def test_without_grassroots_assignments_every_grassroots_union_below_must_hold_one(world, held):
    result = selectors.rollup(user=world.alice, unit=world.province, task=world.task)
    assert result.not_held_basis == "all"
    assert [item["name"] for item, _ in result.not_held] == [world.a2.name]
    assert _row(result, world.a).not_held == 1 and _row(result, world.b).not_held == 0


def test_with_grassroots_assignments_only_the_assigned_unions_count_by_their_due_date(world, held):
    _, a1_session = held
    Assignment.objects.create(task=world.task, unit=world.a1, due_on=datetime.date(2024, 3, 10))
    result = selectors.rollup(user=world.alice, unit=world.province, task=world.task)
    assert result.not_held_basis == "assigned"
    # a1 held its meeting on 15/03, after the 10/03 it was given; a2 was not handed the task.
    assert [item["name"] for item, _ in result.not_held] == [world.a1.name]
    a1_session.date = datetime.date(2024, 3, 8)
    a1_session.save()
    result = selectors.rollup(user=world.alice, unit=world.province, task=world.task)
    assert result.not_held == []


def test_a_session_after_the_tasks_due_date_does_not_count_as_held(world, held):
    _, a1_session = held
    a1_session.date = datetime.date(2024, 4, 2)  # II.1 is due 31/03/2024
    a1_session.save()
    result = selectors.rollup(user=world.alice, unit=world.province, task=world.task)
    assert {item["name"] for item, _ in result.not_held} == {world.a1.name, world.a2.name}


def test_without_a_task_the_period_decides(world, held):
    result = selectors.rollup(
        user=world.alice,
        unit=world.province,
        date_from=datetime.date(2024, 3, 1),
        date_to=datetime.date(2024, 3, 31),
    )
    assert result.not_held_basis == "period"
    assert [item["name"] for item, _ in result.not_held] == [world.a2.name]
    later = selectors.rollup(
        user=world.alice, unit=world.province, date_from=datetime.date(2024, 4, 1)
    )
    assert later.total.sessions == 0 and len(later.not_held) == 3


def test_the_rollup_page_drills_down_and_lists_the_unions_not_held(client, world, held):
    client.force_login(world.alice)
    response = client.get(reverse("study:rollup") + f"?task={world.task.pk}")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'href="?unit={world.a.pk}&task={world.task.pk}"' in body
    assert f'data-unit="{world.a2.pk}"' in body and 'data-count="1"' in body
    drilled = client.get(reverse("study:rollup") + f"?unit={world.a.pk}&task={world.task.pk}")
    assert {r.unit for r in drilled.context["result"].rows} == {world.a1, world.a2}


def test_the_rollup_of_the_sibling_subtree_answers_404(client, world, held):
    client.force_login(world.bob)
    assert client.get(reverse("study:rollup") + f"?unit={world.b.pk}").status_code == 404
    body = client.get(reverse("study:rollup")).content.decode()
    assert "Ea Kar" not in body


def test_lists_of_a_manager_never_show_the_sibling_subtrees_sessions(client, world, held):
    client.force_login(world.bob)
    body = client.get(reverse("study:session_list")).content.decode()
    assert f'data-session="{held[1].pk}"' in body
    assert "Ea Kar" not in body
    assert "Ea Kar" not in client.get(reverse("study:session_list") + "?q=ea").content.decode()


# Query counts ------------------------------------------------------------------------------


def _grow(world, n):
    """n more grassroots unions under A, each with members and a session with attendance."""
    for i in range(n):
        unit = make_unit(world.a, f"G{i:03d}", f"Công đoàn Trường số {i}", "grassroots")
        members = [
            make_member(unit, f"Lê Văn Hùng {i}", gender="male"),
            make_member(unit, f"Y Khu Niê {i}", ethnicity="Ê Đê", gender="male"),
        ]
        session = make_session(unit, task=world.task, headcount_total=2)
        session.expected_units.set([unit])
        attend(session, *members)
    world.a.refresh_from_db()


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        lambda w, s: reverse("study:session_list"),
        lambda w, s: reverse("study:rollup"),
        lambda w, s: reverse("study:rollup") + f"?task={w.task.pk}",
        lambda w, s: reverse("study:rollup") + f"?unit={w.a.pk}&task={w.task.pk}",
        lambda w, s: reverse("study:session_detail", args=[s.pk]),
        lambda w, s: reverse("study:session_register", args=[s.pk]),
        lambda w, s: reverse("study:session_create"),
    ],
    ids=["list", "rollup", "rollup-task", "rollup-drill", "detail", "register", "create"],
)
def test_page_query_count_does_not_grow_with_rows(client, world, held, url):
    client.force_login(world.alice)
    session = make_session(world.a, expected_mode=ExpectedMode.MEMBERS)
    session.expected_units.set([world.a])
    attend(session, world.an)
    small = _count(client, url(world, session))
    _grow(world, 12)
    attend(
        session,
        *type(world.an).objects.filter(unit__path__startswith=world.a.path).exclude(pk=world.an.pk),
    )
    large = _count(client, url(world, session))
    assert small == large
