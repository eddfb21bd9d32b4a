"""The 2024 contest of the Đắk Lắk demo: "Tìm hiểu Chuyên đề năm 2024, 95 năm Công đoàn Việt
Nam và 120 năm Đắk Lắk", two rounds, a bank of 65 questions, and a few thousand entries by
members and registered workers spread over the tree, with the unit tallies they make. Bulk
inserts only; deterministic through the given generator."""

import datetime
import time
from collections import defaultdict

from django.utils import timezone

from chuyende.org.choices import MemberStatus
from chuyende.org.models import Member

from . import scoring
from .demo_questions import QUESTIONS, as_fields
from .exports import DEFAULT_RULES
from .models import Attempt, Contest, Participant, Question, Round, UnitTally

TITLE = (
    "Cuộc thi trực tuyến tìm hiểu Chuyên đề năm 2024, 95 năm Ngày thành lập Công đoàn Việt Nam "
    "và 120 năm Ngày thành lập tỉnh Đắk Lắk"
)
ENTRY_SHARE = 0.04  # entries of round 1 per active member
MAX_ENTRIES = 3000
WORKERS = 0.15  # share of participants who registered as workers rather than as members
QUESTIONS_PER_ATTEMPT = 20
BATCH = 2000
TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _token(rng):
    return "".join(rng.choice(TOKEN_ALPHABET) for _ in range(24))


def load_demo(*, province, plan, rng, stdout=None) -> None:
    started = time.perf_counter()
    contest = Contest.objects.create(
        unit=province,
        plan=plan,
        title=TITLE,
        rules=DEFAULT_RULES,
        published=True,
    )
    Question.objects.bulk_create(
        [Question(contest=contest, **as_fields(entry)) for entry in QUESTIONS]
    )
    bank = list(contest.questions.values("id", "kind", "options", "correct", "category"))
    correct = {q["id"]: q["correct"] for q in bank}
    categories = sorted({q["category"] for q in bank})
    quotas = {category: 4 for category in categories}
    rounds = [
        Round.objects.create(
            contest=contest,
            number=1,
            opens_at=_at(datetime.date(2024, 7, 15), 8),
            closes_at=_at(datetime.date(2024, 7, 28), 20),
            attempts_allowed=2,
            questions_per_attempt=QUESTIONS_PER_ATTEMPT,
            time_limit_minutes=20,
            quotas=quotas,
        ),
        Round.objects.create(
            contest=contest,
            number=2,
            opens_at=_at(datetime.date(2024, 11, 8), 8),
            closes_at=_at(datetime.date(2024, 11, 22), 20),
            attempts_allowed=2,
            questions_per_attempt=QUESTIONS_PER_ATTEMPT,
            time_limit_minutes=20,
            quotas=quotas,
        ),
    ]

    members = list(
        Member.objects.filter(unit__path__startswith=province.path, status=MemberStatus.ACTIVE)
        .order_by("id")
        .values_list("pk", "full_name", "phone", "unit_id", "unit__path")
    )
    if not members:
        return
    # Some grassroots unions mobilise their members much more than others.
    by_unit = defaultdict(list)
    for row in members:
        by_unit[row[3]].append(row)
    keen = {unit_id: rng.random() ** 2 for unit_id in by_unit}
    weights = [keen[row[3]] for row in members]
    wanted = max(40, min(MAX_ENTRIES, int(len(members) * ENTRY_SHARE)))
    chosen = {}
    while len(chosen) < min(int(wanted * 0.8), len(members)):
        row = rng.choices(members, weights=weights, k=1)[0]
        chosen[row[0]] = row
    participants = []
    phones = set()
    for index, (member_id, name, phone, unit_id, path) in enumerate(chosen.values()):
        worker = rng.random() < WORKERS
        phone = phone or f"09{rng.randrange(10**8):08d}"
        while phone in phones:
            phone = f"09{rng.randrange(10**8):08d}"
        phones.add(phone)
        participants.append(
            (
                Participant(
                    contest=contest,
                    member_id=None if worker else member_id,
                    full_name=name,
                    phone=phone,
                    unit_id=unit_id,
                    ip_address=f"10.{index % 200}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                    created_at=rounds[0].opens_at + datetime.timedelta(minutes=rng.randrange(600)),
                ),
                path,
            )
        )
    Participant.objects.bulk_create([p for p, _ in participants], batch_size=BATCH)

    attempts = []
    tallies = defaultdict(lambda: [0, 0])  # (round, path) -> [entries, entrants]
    unit_of_path = {}
    for number, round_ in enumerate(rounds):
        share = 1.0 if number == 0 else 0.7
        actual = 0
        for participant, path in participants:
            if number and rng.random() > share:
                continue
            tries = 2 if rng.random() < 0.25 else 1
            scores = []
            for attempt_number in range(1, tries + 1):
                days = (round_.closes_at - round_.opens_at).days
                # Bursts: the opening day and the last evening draw most entries.
                burst = rng.random()
                if burst < 0.3:
                    start = round_.opens_at + datetime.timedelta(minutes=rng.randrange(240))
                elif burst < 0.55:
                    start = round_.closes_at - datetime.timedelta(minutes=rng.randrange(30, 300))
                else:
                    start = round_.opens_at + datetime.timedelta(
                        minutes=rng.randrange(days * 24 * 60)
                    )
                drawn = scoring.draw(
                    bank, count=QUESTIONS_PER_ATTEMPT, quotas=round_.quotas, rng=rng
                )
                skill = rng.betavariate(6, 2)
                answers = {}
                for qid, _order in drawn:
                    if rng.random() < skill:
                        answers[str(qid)] = correct[qid]
                    else:
                        answers[str(qid)] = [(correct[qid][0] + 1) % 2]
                seconds = rng.randrange(240, 1200)
                score = scoring.score(drawn, answers, correct)
                scores.append((score, seconds))
                attempts.append(
                    Attempt(
                        participant=participant,
                        round=round_,
                        number=attempt_number,
                        token=_token(rng),
                        unit_path=path,
                        started_at=start,
                        deadline=start + datetime.timedelta(minutes=20),
                        questions=drawn,
                        answers=answers,
                        prediction=rng.randrange(1500, 6000),
                        status="submitted",
                        submitted_at=start + datetime.timedelta(seconds=seconds),
                        score=score,
                        seconds=seconds,
                        ip_address=participant.ip_address,
                    )
                )
                actual += 1
            best = max(range(len(scores)), key=lambda i: (scores[i][0], -scores[i][1]))
            attempts[len(attempts) - len(scores) + best].best = True
            tally = tallies[(round_.pk, path)]
            tally[0] += len(scores)
            tally[1] += 1
            unit_of_path[path] = participant.unit_id
    Attempt.objects.bulk_create(attempts, batch_size=BATCH)
    UnitTally.objects.bulk_create(
        [
            UnitTally(
                round_id=round_id,
                unit_id=unit_of_path[path],
                path=path,
                entries=entries,
                entrants=entrants,
            )
            for (round_id, path), (entries, entrants) in sorted(tallies.items())
        ],
        batch_size=BATCH,
    )
    if stdout is not None:
        stdout.write(
            f"  contests: {len(QUESTIONS)} questions, {len(participants):,} participants, "
            f"{len(attempts):,} entries, {time.perf_counter() - started:.1f} s\n"
        )
