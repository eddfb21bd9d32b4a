"""The demo's 2024 contest: a real bank, two rounds, entries spread over the tree, tallies that
match the attempts, and figures for the reports."""

import datetime

import pytest
from django.db.models import Count, Sum

from chuyende.contests import indicators, selectors
from chuyende.contests.models import Attempt, Contest, Participant, UnitTally
from chuyende.demo.builder import build_demo
from chuyende.org.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    build_demo(scale=0.02)
    return Unit.objects.get(code="DLK")


def test_the_demo_contest_has_a_bank_two_rounds_and_entries(demo):
    contest = Contest.objects.get()
    assert contest.unit == demo and contest.published and contest.plan is not None
    assert contest.questions.count() >= 60
    assert contest.rounds.count() == 2
    assert {r.opens_at.year for r in contest.rounds.all()} == {2024}
    assert Attempt.objects.count() >= 40
    assert Participant.objects.values("unit").distinct().count() > 5
    for round_ in contest.rounds.all():
        per_path = dict(
            Attempt.objects.filter(round=round_)
            .values("unit_path")
            .annotate(n=Count("id"))
            .values_list("unit_path", "n")
        )
        tallies = dict(
            UnitTally.objects.filter(round=round_)
            .values("path")
            .annotate(n=Sum("entries"))
            .values_list("path", "n")
        )
        assert per_path == tallies
        best = Attempt.objects.filter(round=round_, best=True).count()
        assert best == UnitTally.objects.filter(round=round_).aggregate(n=Sum("entrants"))["n"]


def test_leaderboards_are_alive_and_the_figures_join_the_reports(demo):
    round_ = Contest.objects.get().rounds.get(number=1)
    rows = selectors.unit_board(round_=round_, parent=demo)
    assert sum(r.entries for r in rows) == round_.attempts.count()
    assert selectors.individual_board(round_=round_)["rows"]
    figures = indicators.entries(
        root_path=demo.path,
        width=len(demo.path),
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2024, 12, 31),
        plan=None,
    )
    assert figures[demo.path] == Attempt.objects.count()
