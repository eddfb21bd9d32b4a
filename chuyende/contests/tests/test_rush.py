"""The rush paths: a start and a submit read only prepared data (the round, the bank and the
attempt from the cache) and cost a fixed, small number of statements — one on PostgreSQL — while
keeping the rules: idempotent submit, one entry per accepted submit, the deadline, answers
checked against the attempt's own questions, the best attempt, the tallies."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from chuyende.contests import selectors, services
from chuyende.contests.models import Attempt, UnitTally

from .helpers import make_contest, make_participant, make_round

pytestmark = pytest.mark.django_db
POSTGRES = connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def setup(world):
    contest = make_contest(world.province, questions=15)
    round_ = make_round(contest)
    participant = make_participant(contest, world.a1)
    return contest, round_, participant


def _start(round_, participant, **kw):
    return services.attempt_start(
        round_=round_, participant_id=participant.pk, unit_path=participant.unit.path, **kw
    )


def _correct(attempt, how_many):
    bank = selectors.bank_by_id(attempt.round.contest)
    return {str(qid): bank[qid]["correct"] for qid, _order in attempt.questions[:how_many]}


def _tally(round_, path):
    totals = UnitTally.objects.filter(round=round_, path=path).aggregate(
        e=Sum("entries"), p=Sum("entrants")
    )
    return totals["e"], totals["p"]


def _warm(contest, round_, world):
    """The first start and submit of a connection prepare their statements (PostgreSQL); the
    unit's tally rows exist after its first entries."""
    selectors.round_bank(contest)
    other = make_participant(contest, world.a2, phone="0912000077", name="Người khởi động")
    attempt, _ = _start(round_, other)
    services.submit_by_token(token=attempt.token, answers={}, prediction=1)
    for shard in range(UnitTally.SHARDS):
        UnitTally.objects.get_or_create(
            round=round_, path=world.a1.path, shard=shard, defaults={"unit": world.a1}
        )


def test_submit_by_token_counts_once_and_is_idempotent(setup, world):
    _contest, round_, participant = setup
    attempt, _ = _start(round_, participant)
    answers = _correct(attempt, 4)
    assert services.submit_by_token(token=attempt.token, answers=answers, prediction=100, key="k")
    done = Attempt.objects.get(pk=attempt.pk)
    assert done.status == "submitted" and done.score == 4 and done.best and not done.late
    assert done.prediction == 100 and done.submit_key == "k"
    # Retried with the cache still full, then with the cache gone: nothing changes.
    assert services.submit_by_token(token=attempt.token, answers={}, prediction=1)
    cache.clear()
    assert services.submit_by_token(token=attempt.token, answers={}, prediction=1)
    again = Attempt.objects.get(pk=attempt.pk)
    assert (again.score, again.prediction, again.submitted_at) == (4, 100, done.submitted_at)
    assert _tally(round_, world.a1.path) == (1, 1)
    assert not services.submit_by_token(token="no-such-token", answers={}, prediction=1)


def test_submit_by_token_without_the_cache_reads_the_attempt(setup, world):
    _contest, round_, participant = setup
    attempt, _ = _start(round_, participant)
    cache.clear()
    assert services.submit_by_token(token=attempt.token, answers=_correct(attempt, 2), prediction=3)
    assert Attempt.objects.get(pk=attempt.pk).score == 2
    assert _tally(round_, world.a1.path) == (1, 1)


def test_submit_by_token_checks_the_answers_against_the_attempt(setup):
    contest, round_, participant = setup
    attempt, _ = _start(round_, participant)
    own = {qid for qid, _ in attempt.questions}
    foreign = next(q.pk for q in contest.questions.all() if q.pk not in own)
    qid = attempt.questions[0][0]
    for answers in ({str(foreign): [0]}, {str(qid): [9]}, {str(qid): [0, 1]}):
        with pytest.raises(services.ValidationError):
            services.submit_by_token(token=attempt.token, answers=answers, prediction=1)
    with pytest.raises(services.ValidationError):
        services.submit_by_token(token=attempt.token, answers={}, prediction=10**10)
    assert Attempt.objects.get(pk=attempt.pk).status == "live"
    assert not UnitTally.objects.exists()


def test_a_late_submit_by_token_keeps_the_answers_saved_before_the_deadline(setup):
    _contest, round_, participant = setup
    started = timezone.now() - datetime.timedelta(minutes=30)
    attempt, _ = _start(round_, participant, now=started)
    saved = _correct(attempt, 3)
    assert services.autosave_by_token(
        token=attempt.token, answers=saved, now=started + datetime.timedelta(minutes=5)
    )
    assert services.submit_by_token(token=attempt.token, answers=_correct(attempt, 6), prediction=7)
    done = Attempt.objects.get(pk=attempt.pk)
    assert done.late and done.score == 3 and done.submitted_at == attempt.deadline
    assert services.autosave_by_token(token=attempt.token, answers={}) is False


def test_the_better_second_attempt_becomes_the_best_and_adds_no_entrant(setup, world):
    _contest, round_, participant = setup
    first, _ = _start(round_, participant)
    services.submit_by_token(token=first.token, answers=_correct(first, 2), prediction=5)
    second, created = _start(round_, participant)
    assert created and second.number == 2
    services.submit_by_token(token=second.token, answers=_correct(second, 5), prediction=5)
    assert _tally(round_, world.a1.path) == (2, 1)
    assert list(Attempt.objects.filter(best=True).values_list("pk", flat=True)) == [second.pk]
    with pytest.raises(services.ValidationError) as error:  # two attempts allowed
        _start(round_, participant)
    assert error.value.code == "no_attempts_left"


def test_a_worse_second_attempt_leaves_the_best_alone(setup):
    _contest, round_, participant = setup
    first, _ = _start(round_, participant)
    services.submit_by_token(token=first.token, answers=_correct(first, 4), prediction=5)
    second, _ = _start(round_, participant)
    services.submit_by_token(token=second.token, answers=_correct(second, 1), prediction=5)
    assert list(Attempt.objects.filter(best=True).values_list("pk", flat=True)) == [first.pk]


def test_start_resumes_the_live_attempt_and_closes_an_expired_one(setup):
    _contest, round_, participant = setup
    first, created = _start(round_, participant)
    again, created_again = _start(round_, participant)
    assert created and not created_again and again.pk == first.pk
    old = make_participant(round_.contest, participant.unit, phone="0912000055", name="Cũ")
    expired, _ = _start(round_, old, now=timezone.now() - datetime.timedelta(minutes=40))
    new, created = _start(round_, old)
    assert created and new.number == 2
    assert Attempt.objects.get(pk=expired.pk).status == "submitted"


def test_start_and_submit_statements(setup, world, django_assert_num_queries):
    contest, round_, participant = setup
    _warm(contest, round_, world)
    # PostgreSQL: one INSERT … SELECT; elsewhere: attempts; savepoint; insert; release.
    with django_assert_num_queries(1 if POSTGRES else 4):
        attempt, created = _start(round_, participant)
    assert created
    # PostgreSQL: one statement; elsewhere: savepoint; other entries; update; tally; release.
    with django_assert_num_queries(1 if POSTGRES else 5):
        services.submit_by_token(token=attempt.token, answers=_correct(attempt, 3), prediction=3)
    assert Attempt.objects.get(pk=attempt.pk).score == 3


def test_the_views_read_no_session_on_submit(client, setup, world, django_assert_num_queries):
    contest, round_, participant = setup
    _warm(contest, round_, world)
    session = client.session
    session[f"contests:p:{contest.pk}"] = [participant.pk, participant.unit.path]
    session.save()
    start_url = reverse("contests:start", args=[contest.pk, round_.pk])
    selectors.start_round(contest.pk, round_.pk)  # cached by the first start of the round
    # The session; then the start itself.
    with django_assert_num_queries(2 if POSTGRES else 5):
        response = client.post(start_url)
    attempt = Attempt.objects.get(participant=participant)
    assert response["Location"] == reverse("contests:attempt", args=[attempt.token])
    qid, order = attempt.questions[0]
    body = {f"q{qid}": [order[0]], "prediction": "12", "submit_key": "x"}
    with django_assert_num_queries(1):  # one UPDATE
        saved = client.post(reverse("contests:autosave", args=[attempt.token]), body)
    assert saved.json() == {"saved": True}
    submit = reverse("contests:submit", args=[attempt.token])
    with django_assert_num_queries(1 if POSTGRES else 5):
        response = client.post(submit, body)
    assert response["Location"] == reverse("contests:result", args=[attempt.token])
    assert client.post(submit, body)["Location"] == response["Location"]
    assert _tally(round_, world.a1.path) == (1, 1)
    assert client.post(reverse("contests:submit", args=["nope"]), body).status_code == 404
    assert client.post(reverse("contests:autosave", args=["nope"]), body).status_code == 404


def test_a_refused_submit_says_why(client, setup):
    contest, round_, participant = setup
    attempt, _ = _start(round_, participant)
    response = client.post(
        reverse("contests:submit", args=[attempt.token]), {"q999999": "0"}, follow=True
    )
    assert "not in this attempt" in response.content.decode()
    assert Attempt.objects.get(pk=attempt.pk).status == "live"


def test_organisers_changes_reach_the_cached_round(setup, world):
    contest, round_, _participant = setup
    assert selectors.start_round(contest.pk, round_.pk).attempts_allowed == 2
    services.round_update(round_=round_, acting_user=world.admin, fields={"attempts_allowed": 3})
    assert selectors.start_round(contest.pk, round_.pk).attempts_allowed == 3
    services.contest_update(contest=contest, acting_user=world.admin, fields={"published": False})
    assert selectors.start_round(contest.pk, round_.pk) is None
    assert selectors.start_round(contest.pk + 1000, round_.pk) is None
