"""The contest engine: draws, one live attempt, attempts allowed, deadline, idempotent submit,
answers checked against the attempt's own questions, ranking, tallies and query counts."""

import datetime
import random

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from chuyende.contests import scoring, selectors, services
from chuyende.contests.models import Attempt, UnitTally

from .helpers import CATEGORIES, make_contest, make_participant, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def setup(world):
    contest = make_contest(world.province, questions=15)
    round_ = make_round(contest, quotas={"Văn hóa": 3, "Công đoàn": 2})
    participant = make_participant(contest, world.a1)
    return contest, round_, participant


def _start(round_, participant, **kw):
    return services.attempt_start(
        round_=round_, participant_id=participant.pk, unit_path=participant.unit.path, **kw
    )


def _tally(round_, path):
    totals = UnitTally.objects.filter(round=round_, path=path).aggregate(
        e=Sum("entries"), p=Sum("entrants")
    )
    return totals["e"], totals["p"]


def _correct_answers(attempt, how_many):
    bank = selectors.bank_by_id(attempt.round.contest)
    return {str(qid): bank[qid]["correct"] for qid, _order in attempt.questions[:how_many]}


def test_draw_follows_the_category_quotas_and_shuffles_options(setup):
    contest, round_, participant = setup
    attempt, created = _start(round_, participant, rng=random.Random(1))
    assert created and len(attempt.questions) == 6
    bank = selectors.bank_by_id(contest)
    categories = [bank[qid]["category"] for qid, _ in attempt.questions]
    assert categories.count("Văn hóa") >= 3 and categories.count("Công đoàn") >= 2
    assert len({qid for qid, _ in attempt.questions}) == 6
    assert all(sorted(order) == [0, 1, 2, 3] for _, order in attempt.questions)
    draws = [
        scoring.draw(list(bank.values()), count=6, quotas={}, rng=random.Random(seed))
        for seed in range(5)
    ]
    assert len({tuple(tuple(o) for _, o in d) for d in draws}) > 1


def test_one_live_attempt_a_second_start_resumes_it(setup):
    _contest, round_, participant = setup
    first, created = _start(round_, participant)
    again, created_again = _start(round_, participant)
    assert created and not created_again and again.pk == first.pk
    assert Attempt.objects.filter(participant=participant, status="live").count() == 1


def test_attempts_allowed_per_round(setup):
    _contest, round_, participant = setup
    for _ in range(2):
        attempt, _created = _start(round_, participant)
        services.attempt_submit(attempt=attempt, answers={}, prediction=10)
    with pytest.raises(ValidationError) as error:
        _start(round_, participant)
    assert error.value.code == "no_attempts_left"
    assert "2 attempt(s)" in error.value.messages[0]


def test_submit_is_idempotent_and_counts_once(setup, world):
    _contest, round_, participant = setup
    attempt, _ = _start(round_, participant)
    answers = _correct_answers(attempt, 4)
    done = services.attempt_submit(attempt=attempt, answers=answers, prediction=100, key="k1")
    assert done.score == 4 and done.best
    again = services.attempt_submit(
        attempt=Attempt.objects.select_related("round__contest").get(pk=attempt.pk),
        answers={},
        prediction=1,
        key="k1",
    )
    assert again.score == 4 and again.prediction == 100
    # A stale copy (a retried request racing the first) changes nothing either.
    stale = Attempt.objects.select_related("round__contest").get(pk=attempt.pk)
    stale.status = "live"
    services.attempt_submit(attempt=stale, answers={}, prediction=1)
    assert _tally(round_, world.a1.path) == (1, 1)
    assert Attempt.objects.get(pk=attempt.pk).score == 4


def test_second_entry_adds_an_entry_not_an_entrant_and_the_best_counts(setup, world):
    _contest, round_, participant = setup
    first, _ = _start(round_, participant)
    services.attempt_submit(attempt=first, answers=_correct_answers(first, 2), prediction=5)
    second, _ = _start(round_, participant)
    services.attempt_submit(attempt=second, answers=_correct_answers(second, 5), prediction=5)
    assert _tally(round_, world.a1.path) == (2, 1)
    assert list(Attempt.objects.filter(best=True).values_list("pk", flat=True)) == [second.pk]


def test_answers_for_questions_not_in_the_attempt_are_refused(setup):
    contest, round_, participant = setup
    attempt, _ = _start(round_, participant)
    own = {qid for qid, _ in attempt.questions}
    foreign = next(q.pk for q in contest.questions.all() if q.pk not in own)
    with pytest.raises(ValidationError):
        services.attempt_submit(attempt=attempt, answers={str(foreign): [0]}, prediction=1)
    qid = attempt.questions[0][0]
    with pytest.raises(ValidationError):
        services.attempt_submit(attempt=attempt, answers={str(qid): [9]}, prediction=1)
    with pytest.raises(ValidationError):  # two answers to a one-answer question
        services.attempt_submit(attempt=attempt, answers={str(qid): [0, 1]}, prediction=1)
    assert Attempt.objects.get(pk=attempt.pk).status == "live"


def test_a_late_submit_is_cut_at_the_deadline_with_the_answers_saved_before_it(setup):
    _contest, round_, participant = setup
    started = timezone.now() - datetime.timedelta(minutes=30)
    attempt, _ = _start(round_, participant, now=started)
    saved = _correct_answers(attempt, 3)
    assert services.attempt_autosave(
        attempt=attempt, answers=saved, now=started + datetime.timedelta(minutes=5)
    )
    attempt.refresh_from_db()
    done = services.attempt_submit(
        attempt=attempt, answers=_correct_answers(attempt, 6), prediction=7
    )
    assert done.late and done.score == 3
    assert done.submitted_at == attempt.deadline and done.seconds == 20 * 60
    # Autosave after the deadline is refused.
    assert not services.attempt_autosave(attempt=attempt, answers={})


def test_an_expired_live_attempt_is_closed_when_the_next_starts(setup):
    _contest, round_, participant = setup
    started = timezone.now() - datetime.timedelta(minutes=40)
    old, _ = _start(round_, participant, now=started)
    new, created = _start(round_, participant)
    assert created and new.number == 2
    old.refresh_from_db()
    assert old.status == "submitted" and old.late


def test_a_closed_round_cannot_be_started(setup):
    contest, _round, participant = setup
    past = make_round(
        contest,
        number=2,
        opens=timezone.now() - datetime.timedelta(days=3),
        closes=timezone.now() - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError):
        _start(past, participant)


def test_ranking_correct_then_prediction_then_time_then_submission():
    t = timezone.now()
    rows = [
        ("slow", dict(score=5, prediction=100, actual=100, seconds=300, submitted_at=t)),
        ("fast", dict(score=5, prediction=100, actual=100, seconds=200, submitted_at=t)),
        ("close", dict(score=5, prediction=101, actual=100, seconds=100, submitted_at=t)),
        ("best", dict(score=6, prediction=None, actual=100, seconds=900, submitted_at=t)),
        (
            "later",
            dict(
                score=5,
                prediction=100,
                actual=100,
                seconds=200,
                submitted_at=t + datetime.timedelta(seconds=1),
            ),
        ),
    ]
    ranked = [name for name, k in sorted(rows, key=lambda r: scoring.rank_key(**r[1]))]
    assert ranked == ["best", "fast", "later", "slow", "close"]


def test_leaderboard_orders_by_the_rule(setup, world):
    contest, round_, participant = setup
    other = make_participant(contest, world.a2, phone="0912000002", name="Y Bhim Niê")
    a, _ = _start(round_, participant)
    services.attempt_submit(attempt=a, answers=_correct_answers(a, 3), prediction=2)
    b, _ = _start(round_, other)
    services.attempt_submit(attempt=b, answers=_correct_answers(b, 3), prediction=50)
    board = selectors.individual_board(round_=round_)
    assert board["actual"] == 2
    assert [r["participant__full_name"] for r in board["rows"]] == ["Lê Thị Hoa", "Y Bhim Niê"]


def test_unit_board_rolls_up_and_ranks_by_rate(setup, world):
    contest, round_, participant = setup
    a, _ = _start(round_, participant)
    services.attempt_submit(attempt=a, answers={}, prediction=1)
    rows = selectors.unit_board(round_=round_, parent=world.province)
    by_unit = {r.unit.code: r for r in rows}
    assert by_unit["DLK-BMT"].entries == 1 and by_unit["DLK-EAKAR"].entries == 0
    assert by_unit["DLK-BMT"].members == 3 and by_unit["DLK-BMT"].rate == 33.3
    lower = selectors.unit_board(round_=round_, parent=world.a, order="rate")
    assert [r.unit.code for r in lower] == ["BMT-001", "BMT-002"]
    assert lower[0].rate == 50.0


def test_start_and_submit_read_only_prepared_data(setup, django_assert_num_queries):
    contest, round_, participant = setup
    selectors.round_bank(contest)  # warm, as the first start of a round does
    first = make_participant(contest, participant.unit, phone="0912000009", name="Người trước")
    earlier, _ = _start(round_, first)
    services.attempt_submit(attempt=earlier, answers={}, prediction=3)
    for shard in range(UnitTally.SHARDS):  # the unit's tally rows exist after its first entries
        UnitTally.objects.get_or_create(
            round=round_,
            path=participant.unit.path,
            shard=shard,
            defaults={"unit": participant.unit},
        )
    # PostgreSQL: one INSERT … SELECT (test_rush.py); elsewhere: attempts of the participant;
    # savepoint; insert; release.
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 4):
        attempt, _ = _start(round_, participant)
    with django_assert_num_queries(5):  # savepoint; other entries; update; tally; release
        services.attempt_submit(attempt=attempt, answers={}, prediction=3)


def test_leaderboard_queries_are_fixed(setup, world, django_assert_num_queries):
    contest, round_, participant = setup
    for n in range(3):
        p = make_participant(contest, world.a2, phone=f"091200010{n}", name=f"Người {n}")
        attempt, _ = _start(round_, p)
        services.attempt_submit(attempt=attempt, answers={}, prediction=3)
    cache.clear()
    with django_assert_num_queries(5):  # children; tallies; members; entries; best attempts
        selectors.unit_board(round_=round_, parent=world.province)
        selectors.individual_board(round_=round_)
    with django_assert_num_queries(2):  # cached: members and the individual list
        selectors.unit_board(round_=round_, parent=world.province)
        selectors.individual_board(round_=round_)


def test_registration_rules(world):
    contest = make_contest(world.province)
    p = services.participant_register(
        contest=contest, full_name="  Lê   Văn Tám ", phone="+84912345000", unit=world.a1
    )
    assert p.full_name == "Lê Văn Tám" and p.phone == "0912345000"
    again = services.participant_register(
        contest=contest, full_name="le van tam", phone="0912345000", unit=world.a1
    )
    assert again.pk == p.pk
    with pytest.raises(ValidationError):
        services.participant_register(
            contest=contest, full_name="Người khác", phone="0912345000", unit=world.a1
        )
    with pytest.raises(ValidationError):  # an upper level is not a union to join from
        services.participant_register(
            contest=contest, full_name="Ai đó", phone="0912345001", unit=world.a
        )
    small = make_contest(world.a, title="Cuộc thi của thành phố")
    with pytest.raises(ValidationError):  # outside the contest's subtree
        services.participant_register(
            contest=small, full_name="Ai đó", phone="0912345002", unit=world.b1
        )
    member = services.participant_for_member(contest=contest, member=world.binh)
    assert member.member == world.binh and member.unit == world.a1
    assert services.participant_for_member(contest=contest, member=world.binh).pk == member.pk


def test_round_quotas_cannot_exceed_the_attempt(world):
    contest = make_contest(world.province)
    now = timezone.now()
    with pytest.raises(ValidationError):
        services.round_create(
            contest=contest,
            acting_user=world.alice,
            fields={
                "number": 1,
                "opens_at": now,
                "closes_at": now + datetime.timedelta(days=1),
                "questions_per_attempt": 3,
                "quotas": {CATEGORIES[0]: 4},
            },
        )
