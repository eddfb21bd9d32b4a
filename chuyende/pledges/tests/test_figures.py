"""Figures rolled up the tree, in a fixed number of grouped queries; the report indicators."""

import datetime

import pytest
from django.urls import reverse

from chuyende.pledges import selectors
from chuyende.pledges.choices import PledgeStatus
from chuyende.pledges.models import Evaluation
from chuyende.reports.registry import REGISTRY
from conftest import make_member

from .helpers import make_pledge, make_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(world):
    template = make_template(world.province)
    binh = make_pledge(world.binh, template, submitted_at=_at(3, 1))
    make_pledge(world.an, template, status=PledgeStatus.SUBMITTED, submitted_at=_at(3, 2))
    make_pledge(world.hnga, template, status=PledgeStatus.DRAFT)
    foreign = make_pledge(world.foreign, template, submitted_at=_at(3, 3))
    Evaluation.objects.create(
        pledge=binh, final_rating="excellent", union_title=True, rated_at=_at(12, 20)
    )
    Evaluation.objects.create(pledge=foreign, final_rating="good", rated_at=_at(12, 21))
    return template


def _at(month, day):
    return datetime.datetime(2024, month, day, 9, tzinfo=datetime.UTC)


def test_figures_roll_up_each_childs_whole_subtree(world, rated):
    figures = selectors.figures(unit=world.province, year=2024)
    rows = {r.unit.code: r for r in figures.rows}
    a, b = rows["DLK-BMT"], rows["DLK-EAKAR"]
    assert (a.members, a.written, a.accepted) == (3, 2, 1)  # the draft is not written
    assert a.women == 2 and a.written_women == 1 and a.minority == 1 and a.written_minority == 0
    assert a.ratings == {"excellent": 1} and a.titles == 1
    assert (b.members, b.written, b.ratings) == (1, 1, {"good": 1})
    assert figures.total.members == 4 and figures.total.written == 3
    assert figures.total.rate == 75
    assert figures.by_rating_gender == {"excellent": {"female": 1}, "good": {"male": 1}}
    assert figures.by_rating_minority == {"excellent": 0, "good": 0}
    # A2 (H'Nga, draft only) is below the threshold; A1 (2 of 2) and B1 are not
    assert [r.unit.code for r in figures.below] == ["BMT-002"]
    below_all = selectors.figures(unit=world.province, year=2024, threshold=101)
    assert {r.unit.code for r in below_all.below} == {"BMT-001", "BMT-002", "EAKAR-001"}


def test_figures_of_a_grassroots_union_count_its_own_members(world, rated):
    figures = selectors.figures(unit=world.a1, year=2024)
    assert figures.rows == [] and figures.total.members == 2 and figures.total.written == 2


def test_figures_take_five_queries_whatever_the_size_of_the_tree(
    world, rated, django_assert_num_queries
):
    with django_assert_num_queries(5):
        selectors.figures(unit=world.province, year=2024)
    for n in range(12):
        member = make_member(world.b1, f"Người lao động {n}", gender="male")
        make_pledge(member, rated)
    with django_assert_num_queries(5):
        figures = selectors.figures(unit=world.province, year=2024)
    assert figures.total.written == 15


def test_the_figures_page_takes_a_fixed_number_of_queries(
    client, world, rated, django_assert_num_queries
):
    client.force_login(world.alice)
    url = reverse("pledges:figures") + "?year=2024"
    client.get(url)
    with django_assert_num_queries(12):
        body = client.get(url).content.decode()
    assert 'data-rating="excellent"' in body and 'id="below-list"' in body
    member = make_member(world.a2, "Y Blang Êban", ethnicity="Ê Đê")
    make_pledge(member, rated)
    with django_assert_num_queries(12):
        client.get(url)


def test_the_report_indicators(world, rated):
    start, end = datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)
    width = len(world.province.path) + 4

    def compute(code, **kw):
        args = {"root_path": world.province.path, "width": width, "start": start, "end": end}
        return REGISTRY[code].compute(**{**args, "plan": None, **kw})

    assert compute("pledges.written") == {world.a.path: 2, world.b.path: 1}
    assert compute("pledges.accepted") == {world.a.path: 1, world.b.path: 1}
    assert compute("pledges.rated_excellent") == {world.a.path: 1}
    assert compute("pledges.rated_good") == {world.b.path: 1}
    assert compute("pledges.union_title") == {world.a.path: 1}
    assert compute("pledges.rated_not_fulfilled") == {}
    # the first half of the year: written by June, not yet rated
    assert compute("pledges.rated_excellent", end=datetime.date(2024, 6, 30)) == {}
    assert compute("pledges.written", end=datetime.date(2024, 6, 30)) == {
        world.a.path: 2,
        world.b.path: 1,
    }
    assert compute("pledges.written", plan=world.plan) == {}
    assert REGISTRY["pledges.rate"].denominator == "org.members"
