"""The demo's 2024 pledges: a realistic template, most members with a pledge at a rate that
varies by union, rated evaluations, and `doanvien` left free to write."""

import pytest
from django.db.models import Count

from chuyende.demo.builder import build_demo
from chuyende.org.models import Member, Unit
from chuyende.pledges import selectors
from chuyende.pledges.models import Evaluation, Pledge, PledgeTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    build_demo(scale=0.02)
    return Unit.objects.get(code="DLK")


def test_the_province_publishes_the_2024_template_for_the_topic(demo):
    template = PledgeTemplate.objects.get(unit=demo, year=2024)
    assert template.plan.number == "26/KH-LĐLĐ"
    assert "bản sắc văn hóa dân tộc" in template.topic
    titles = [s.title for s in template.sections.all()]
    assert len(titles) == 6 and titles[0] == "Về tư tưởng chính trị"
    assert all(s.guidance for s in template.sections.all())


def test_most_members_have_a_pledge_at_a_rate_varying_by_union(demo):
    members = Member.objects.filter(unit__path__startswith=demo.path, status="active").count()
    pledges = Pledge.objects.filter(year=2024, is_current=True)
    assert 0.65 * members <= pledges.count() <= 0.95 * members
    figures = selectors.figures(unit=demo, year=2024)
    assert 60 < figures.total.rate < 95 and figures.below
    rates = {round(r.rate or 0) for r in figures.rows if r.members}
    assert len(rates) > 3
    by_status = dict(pledges.values_list("status").annotate(n=Count("id")))
    assert by_status["accepted"] > 0.8 * pledges.count() and by_status.get("returned")
    # every pledge is complete enough to have been submitted
    for pledge in pledges.exclude(status="draft")[:200]:
        assert 3 <= len(pledge.actions) <= 5
        assert len(pledge.commitments["nhiem-vu"]) >= 2


def test_evaluations_of_2024_are_rated(demo):
    evaluations = Evaluation.objects.filter(pledge__year=2024)
    assert evaluations.exists()
    assert not evaluations.exclude(pledge__status="accepted").exists()
    levels = set(evaluations.values_list("final_rating", flat=True))
    assert {"excellent", "good", "fulfilled"} <= levels
    assert not evaluations.filter(union_title=True).exclude(final_rating="excellent").exists()


def test_the_demo_member_has_no_pledge_yet(demo):
    assert not Pledge.objects.filter(member__user__username="doanvien").exists()
