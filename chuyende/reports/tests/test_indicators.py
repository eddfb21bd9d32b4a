"""The indicators the modules declare give the right figures for a subtree and per child, each
in one grouped query; all of them together in a fixed number of queries, whatever the tree."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chuyende.materials.models import MaterialDownload
from chuyende.materials.tests.factories import make_material
from chuyende.outreach.tests.factories import make_post
from chuyende.plans.models import Assignment, Occasion
from chuyende.reports.registry import REGISTRY
from chuyende.reports.selectors import compute_figures, computed_indicators, unit_figures
from chuyende.reports.services import indicators_sync
from chuyende.study.tests.helpers import attend, make_session
from conftest import make_member, make_unit

pytestmark = pytest.mark.django_db

S1 = (datetime.date(2024, 1, 1), datetime.date(2024, 6, 30))
YEAR = (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
D = datetime.date


@pytest.fixture(autouse=True)
def _after_the_year():
    with time_machine.travel("2024-12-20 09:00 +07:00", tick=False):
        yield


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


@pytest.fixture
def records(world):
    """Members, assignments, sessions, posts and downloads around the `world` tree."""
    w = world
    make_member(w.a1, "Lê Văn Nghỉ", gender="male", status="left")
    make_member(w.a2, "H'Ben Niê", ethnicity="Ê Đê", joined_on=D(2024, 8, 1))
    # Plans: A passed the task to a1 (done in March) and a2 (not started); A itself finished in
    # July, after the first half; B has not started.
    w.assignment_a.status, w.assignment_a.completed_on = "done", D(2024, 7, 10)
    w.assignment_a.save()
    Assignment.objects.create(
        task=w.task,
        unit=w.a1,
        parent=w.assignment_a,
        due_on=D(2024, 3, 31),
        status="done",
        completed_on=D(2024, 3, 20),
    )
    Assignment.objects.create(task=w.task, unit=w.a2, parent=w.assignment_a, due_on=D(2024, 3, 31))
    # Study: a1 for the plan's task, a2 on its own, A itself in September, b1 for the task.
    s1 = make_session(
        w.a1,
        task=w.task,
        date=D(2024, 3, 15),
        headcount_total=5,
        headcount_women=3,
        headcount_minority=1,
        expected_count=20,
    )
    attend(s1, w.an, w.binh)
    s2 = make_session(w.a2, date=D(2024, 5, 10), expected_count=10)
    attend(s2, w.hnga)
    make_session(
        w.a,
        task=w.task,
        date=D(2024, 9, 1),
        headcount_total=10,
        headcount_women=4,
        headcount_minority=2,
        expected_count=30,
    )
    attend(make_session(w.b1, task=w.task, date=D(2024, 4, 1), expected_count=1), w.foreign)
    # Outreach: only approved posts count; with the plan, those tied to its task or occasion.
    union_day = Occasion.objects.create(
        unit=w.province, plan=w.plan, date=D(2024, 7, 28), name="95 năm Công đoàn Việt Nam"
    )
    make_post(w.a1, channel="facebook", published_on=D(2024, 3, 1), task=w.task, views=100)
    make_post(w.a1, channel="zalo", link="", published_on=D(2024, 4, 1), views=None)
    make_post(w.a1, channel="fanpage", published_on=D(2024, 5, 1), status="submitted", views=50)
    make_post(
        w.a1,
        channel="website",
        link="https://congdoan.daklak.vn/tin/1",
        published_on=D(2024, 7, 28),
        occasion=union_day,
        views=30,
    )
    make_post(w.a2, channel="contest", link="", published_on=D(2024, 6, 1), task=w.task, views=10)
    make_post(w.b1, channel="facebook", published_on=D(2024, 3, 2), task=w.task, views=999)
    # Materials: downloads by the units below, of the plan's material and of another one.
    of_plan = make_material(w.province, "Tài liệu Chuyên đề 2024", kind="link", plan=w.plan)
    other = make_material(w.province, "Tài liệu khác", kind="link")
    MaterialDownload.objects.bulk_create(
        [
            MaterialDownload(material=of_plan, unit=w.a1, at=_at(D(2024, 2, 1))),
            MaterialDownload(material=of_plan, unit=w.a1, at=_at(D(2024, 2, 3))),
            MaterialDownload(material=of_plan, unit=w.a2, at=_at(D(2024, 8, 1))),
            MaterialDownload(material=other, unit=w.a1, at=_at(D(2024, 3, 1))),
            MaterialDownload(material=of_plan, unit=w.b1, at=_at(D(2024, 2, 2))),
            MaterialDownload(material=of_plan, unit=None, at=_at(D(2024, 2, 2))),
        ]
    )
    indicators_sync()
    return w


def _subtree(unit, period, plan=None):
    start, end = period
    return unit_figures(
        indicators=list(computed_indicators()), unit=unit, start=start, end=end, plan=plan
    )


def _children(unit, period, plan=None):
    start, end = period
    return compute_figures(
        indicators=list(computed_indicators()),
        root_path=unit.path,
        width=len(unit.path) + 4,
        start=start,
        end=end,
        plan=plan,
    )


def _pick(figures, prefix):
    return lambda *codes: [figures.get(prefix, {}).get(code, 0) for code in codes]


MEMBERS = ("org.members", "org.members_women", "org.members_minority")
TASKS = ("plans.assignments", "plans.assignments_done", "plans.assignments_overdue")
STUDY = (
    "study.sessions",
    "study.participants",
    "study.participants_women",
    "study.participants_minority",
    "study.expected",
)
POSTS = (
    "outreach.posts",
    "outreach.facebook",
    "outreach.fanpage",
    "outreach.zalo",
    "outreach.website",
    "outreach.activities",
    "outreach.views",
)


def test_member_figures_count_active_members_who_had_joined_by_the_end(records):
    w = records
    first_half = _subtree(w.a, S1, w.plan)
    assert [first_half[c] for c in MEMBERS] == [3, 2, 1]
    assert [_subtree(w.a, YEAR)[c] for c in MEMBERS] == [4, 3, 2]
    per_child = _pick(_children(w.a, S1), w.a1.path), _pick(_children(w.a, S1), w.a2.path)
    assert per_child[0](*MEMBERS) == [2, 1, 0]
    assert per_child[1](*MEMBERS) == [1, 1, 1]
    province = _children(w.province, S1)
    assert province[w.a.path]["org.members"] == 3
    assert province[w.b.path]["org.members"] == 1


def test_task_figures_count_done_and_overdue_at_the_end_of_the_period(records):
    w = records
    first_half = _subtree(w.a, S1, w.plan)
    assert [first_half[c] for c in TASKS] == [3, 1, 2]
    assert first_half["plans.done_rate"] == Decimal("33.3")
    year = _subtree(w.a, YEAR, w.plan)
    assert [year[c] for c in TASKS] == [3, 2, 1]
    children = _children(w.a, S1, w.plan)
    assert _pick(children, w.a1.path)(*TASKS) == [1, 1, 0]
    assert _pick(children, w.a2.path)(*TASKS) == [1, 0, 1]
    # A's own assignment groups under A's path, not under a child.
    assert _pick(children, w.a.path)(*TASKS) == [1, 0, 1]
    # B: the plan's assignment only; without a plan, its own plan's task too (no due date).
    assert [_subtree(w.b, S1, w.plan)[c] for c in TASKS] == [1, 0, 1]
    assert [_subtree(w.b, S1)[c] for c in TASKS] == [2, 0, 1]


def test_overdue_is_counted_up_to_today_when_the_period_is_not_over(records):
    w = records
    with time_machine.travel("2024-03-25 09:00 +07:00", tick=False):
        assert _subtree(w.a, S1, w.plan)["plans.assignments_overdue"] == 0
    with time_machine.travel("2024-04-02 09:00 +07:00", tick=False):
        assert _subtree(w.a, S1, w.plan)["plans.assignments_overdue"] == 2


def test_study_figures_add_listed_members_and_head_counts(records):
    w = records
    everything = _subtree(w.a, S1)
    assert [everything[c] for c in STUDY] == [2, 8, 5, 2, 30]
    assert everything["study.participation_rate"] == Decimal("26.7")
    of_plan = _subtree(w.a, S1, w.plan)
    assert [of_plan[c] for c in STUDY] == [1, 7, 4, 1, 20]
    assert of_plan["study.participation_rate"] == Decimal("35.0")
    year = _subtree(w.a, YEAR)
    assert [year[c] for c in STUDY] == [3, 18, 9, 4, 60]
    assert year["study.participation_rate"] == Decimal("30.0")
    children = _children(w.a, S1)
    assert _pick(children, w.a1.path)(*STUDY) == [1, 7, 4, 1, 20]
    assert _pick(children, w.a2.path)(*STUDY) == [1, 1, 1, 1, 10]
    assert _children(w.province, S1)[w.b.path]["study.participants"] == 1


def test_outreach_figures_count_approved_posts_by_channel_and_their_views(records):
    w = records
    assert [_subtree(w.a, S1)[c] for c in POSTS] == [3, 1, 0, 1, 0, 1, 110]
    assert [_subtree(w.a, S1, w.plan)[c] for c in POSTS] == [2, 1, 0, 0, 0, 1, 110]
    assert [_subtree(w.a, YEAR, w.plan)[c] for c in POSTS] == [3, 1, 0, 0, 1, 1, 140]
    children = _children(w.a, YEAR, w.plan)
    assert _pick(children, w.a1.path)(*POSTS) == [2, 1, 0, 0, 1, 0, 130]
    assert _pick(children, w.a2.path)(*POSTS) == [1, 0, 0, 0, 0, 1, 10]
    assert _children(w.province, S1)[w.b.path]["outreach.views"] == 999


def test_material_downloads_count_the_units_of_the_subtree_in_the_period(records):
    w = records
    assert _subtree(w.a, S1)["materials.downloads"] == 3
    assert _subtree(w.a, S1, w.plan)["materials.downloads"] == 2
    assert _subtree(w.a, YEAR, w.plan)["materials.downloads"] == 3
    children = _children(w.a, S1)
    assert _pick(children, w.a1.path)("materials.downloads") == [3]
    assert _pick(children, w.a2.path)("materials.downloads") == [0]
    assert _children(w.province, S1, w.plan)[w.b.path]["materials.downloads"] == 1


def test_a_subtree_without_records_gets_zeros_and_empty_ratios(world):
    indicators_sync()
    empty = make_unit(world.province, "DLK-NEW", "Công đoàn Khu công nghiệp Hòa Phú", "upper")
    figures = _subtree(empty, S1, world.plan)
    ratios = {code for code, spec in REGISTRY.items() if spec.aggregation == "ratio"}
    assert {code for code, value in figures.items() if value is None} == ratios
    assert all(value == 0 for code, value in figures.items() if code not in ratios)


def test_every_drilldown_is_a_list_page_taking_no_arguments():
    drilldowns = {spec.drilldown for spec in REGISTRY.values() if spec.drilldown}
    assert drilldowns
    for name in drilldowns:
        assert reverse(name).startswith("/")


def test_the_modules_declare_the_indicators_the_seed_plan_implies():
    expected = {
        *MEMBERS,
        *TASKS,
        *STUDY,
        *POSTS,
        "plans.done_rate",
        "study.participation_rate",
        "materials.downloads",
    }
    assert expected <= set(REGISTRY)
    for code in ("plans.done_rate", "study.participation_rate"):
        spec = REGISTRY[code]
        assert REGISTRY[spec.numerator].compute and REGISTRY[spec.denominator].compute


def _grow(w, uppers, grassroots_each):
    """More upper-level unions, each with grassroots unions full of records."""
    grown = []
    material = make_material(w.province, "Tài liệu thêm", kind="link", plan=w.plan)
    for i in range(uppers):
        upper = make_unit(w.province, f"UP{i:02d}", f"Liên đoàn Lao động huyện số {i}", "upper")
        Assignment.objects.create(task=w.task, unit=upper, due_on=D(2024, 3, 31), status="done")
        grown.append(upper)
        for j in range(grassroots_each):
            unit = make_unit(
                upper, f"UP{i:02d}-{j:02d}", f"Công đoàn Trường số {i}-{j}", "grassroots"
            )
            people = [
                make_member(unit, f"Lê Văn Hùng {i}-{j}", gender="male"),
                make_member(unit, f"H'Hoa Niê {i}-{j}", ethnicity="Ê Đê"),
            ]
            session = make_session(unit, task=w.task, date=D(2024, 4, 2), headcount_total=3)
            attend(session, *people)
            make_post(unit, task=w.task, published_on=D(2024, 5, 2), views=7)
            make_post(unit, channel="zalo", link="", task=w.task, published_on=D(2024, 5, 3))
            MaterialDownload.objects.create(material=material, unit=unit, at=_at(D(2024, 5, 4)))
    return grown


def _all_children_of_province(w):
    indicators = list(computed_indicators())
    with CaptureQueriesContext(connection) as ctx:
        figures = compute_figures(
            indicators=indicators,
            root_path=w.province.path,
            width=len(w.province.path) + 4,
            start=S1[0],
            end=S1[1],
            plan=w.plan,
        )
    return figures, len(ctx.captured_queries), indicators


def test_all_indicators_for_all_children_of_the_province_take_a_fixed_number_of_queries(records):
    w = records
    figures, few, indicators = _all_children_of_province(w)
    computed = [i for i in indicators if i.aggregation != "ratio"]
    assert len(indicators) == len(REGISTRY) and len(computed) >= 19
    # at most one grouped query per computed indicator; those counting the same rows (the
    # pledges by status, the ratings) share theirs
    assert few <= len(computed) - 5
    assert figures[w.a.path]["study.sessions"] == 1

    uppers = _grow(w, uppers=6, grassroots_each=4)
    figures, many, _ = _all_children_of_province(w)
    assert many == few
    assert {u.path for u in uppers} <= set(figures)
    grown = figures[uppers[3].path]
    assert grown["org.members"] == 8
    assert grown["study.sessions"] == 4
    assert grown["study.participants"] == 4 * (2 + 3)
    assert grown["outreach.posts"] == 8 and grown["outreach.zalo"] == 4
    assert grown["outreach.views"] == 28
    assert grown["materials.downloads"] == 4
    assert grown["plans.done_rate"] == Decimal("100.0")
