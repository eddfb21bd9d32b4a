"""Reads of contests with a fixed number of queries; the hot ones come from the cache.

- `round_bank`: the contest's questions as plain data, cached per bank version (a start and a
  submit read no question row).
- `start_round`: the round (with its contest) a start needs, cached for a short while.
- `prepared_attempt`: what a submit needs of an attempt (its questions, deadline, participant,
  round, bank version), cached at start; one small SELECT when the cache misses.
- `unit_board`: entries, entrants and participation rate of the children of a unit, from the
  tallies (prefix sums over the grassroots unions' rows) and the members per child (cached).
- `individual_board`: the best attempts in rank order, cached for a short while.
"""

import datetime
import json
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, IntegerField, Q, Sum, Value
from django.db.models.functions import Abs, Coalesce, Substr, TruncMinute
from django.utils import timezone

from chuyende.org.choices import MemberStatus
from chuyende.org.models import MemberTally, Unit

from .models import Attempt, AttemptStatus, Contest, Participant, Question, Round, UnitTally
from .scoring import NO_PREDICTION

BANK_TTL = 6 * 3600
BOARD_TTL = 30
MEMBERS_TTL = 600
STEP = Unit.steplen


def bank_key(contest_id: int, version: int) -> str:
    return f"contests:bank:{contest_id}:{version}"


def bank_for(contest_id: int, version: int) -> list[dict]:
    """The contest's questions in use, as dicts: id, kind, text, options, correct, category."""
    key = bank_key(contest_id, version)
    bank = cache.get(key)
    if bank is None:
        bank = list(
            Question.objects.filter(contest_id=contest_id, active=True)
            .order_by("id")
            .values("id", "kind", "text", "options", "correct", "category", "difficulty")
        )
        cache.set(key, bank, BANK_TTL)
    return bank


def round_bank(contest: Contest) -> list[dict]:
    return bank_for(contest.pk, contest.bank_version)


def bank_by_id(contest: Contest) -> dict[int, dict]:
    return {q["id"]: q for q in round_bank(contest)}


ROUND_TTL = 30


def round_key(round_id: int) -> str:
    return f"contests:round:{round_id}"


def start_round(contest_id: int, round_id: int) -> Round | None:
    """The published round a start needs (with its contest and unit), cached for ROUND_TTL
    seconds; the organisers' writes forget it (services.forget_rounds)."""
    key = round_key(round_id)
    round_ = cache.get(key)
    if round_ is None:
        round_ = Round.objects.select_related("contest__unit").filter(pk=round_id).first()
        if round_ is None:
            return None
        cache.set(key, round_, ROUND_TTL)
    if round_.contest_id != contest_id or not round_.contest.published:
        return None
    return round_


def forget_rounds(contest_id: int) -> None:
    ids = Round.objects.filter(contest_id=contest_id).values_list("pk", flat=True)
    cache.delete_many([round_key(pk) for pk in ids])


def prepared_key(token: str) -> str:
    return f"contests:attempt:{token}"


PREPARED_FIELDS = (
    "id",
    "participant_id",
    "round_id",
    "unit_path",
    "started_at",
    "deadline",
    "questions",
)


def prepare_attempt(attempt: Attempt, *, contest_id: int, bank_version: int, now=None) -> dict:
    """Cache what a submit needs of a live attempt, until a while after its deadline."""
    data = {name: getattr(attempt, name) for name in PREPARED_FIELDS}
    data.update(contest_id=contest_id, bank_version=bank_version)
    now = now or timezone.now()
    timeout = max(60, int((attempt.deadline - now).total_seconds()) + 600)
    cache.set(prepared_key(attempt.token), data, timeout)
    return data


def prepared_attempt(token: str) -> dict | None:
    """What a submit needs of the attempt reached by `token`: from the cache filled at start
    (no query), else one SELECT (then with its "status"). None when there is no such attempt."""
    data = cache.get(prepared_key(token))
    if data is not None:
        return data
    row = _prepared_row(token)
    if row is not None and row["status"] == AttemptStatus.LIVE:
        timeout = max(60, int((row["deadline"] - timezone.now()).total_seconds()) + 600)
        cache.set(prepared_key(token), {k: v for k, v in row.items() if k != "status"}, timeout)
    return row


PREPARED_SQL = """
SELECT a.id, a.participant_id, a.round_id, a.unit_path, a.started_at, a.deadline, a.questions,
    a.status, r.contest_id, c.bank_version
FROM contests_attempt a
JOIN contests_round r ON r.id = a.round_id
JOIN contests_contest c ON c.id = r.contest_id
WHERE a.token = $1
"""


def _prepared_row(token: str) -> dict | None:
    if connection.vendor == "postgresql":  # a prepared statement: no planning per request
        from . import sql

        found = sql.execute("contests_prepared", ["varchar"], PREPARED_SQL, [token])
        if found is None:
            return None
        names = (*PREPARED_FIELDS, "status", "contest_id", "bank_version")
        row = dict(zip(names, found, strict=True))
        if isinstance(row["questions"], str):
            row["questions"] = json.loads(row["questions"])
        return row
    return (
        Attempt.objects.filter(token=token)
        .values(
            *PREPARED_FIELDS,
            "status",
            contest_id=F("round__contest_id"),
            bank_version=F("round__contest__bank_version"),
        )
        .first()
    )


def attempt_by_token(token: str) -> Attempt | None:
    return (
        Attempt.objects.select_related("round__contest", "participant").filter(token=token).first()
    )


def attempt_questions(attempt: Attempt) -> list[dict]:
    """The attempt's questions in its own order, each option with its index in the bank."""
    bank = bank_by_id(attempt.round.contest)
    shown = []
    for position, (question_id, order) in enumerate(attempt.questions, start=1):
        question = bank.get(question_id)
        if question is None:
            continue
        chosen = attempt.answers.get(str(question_id)) or []
        shown.append(
            {
                "id": question_id,
                "position": position,
                "kind": question["kind"],
                "text": question["text"],
                "options": [
                    {
                        "index": i,
                        "label": "ABCDEFGH"[n] if question["kind"] != "true_false" else "",
                        "text": question["options"][i],
                        "checked": i in chosen,
                    }
                    for n, i in enumerate(order)
                    if i < len(question["options"])
                ],
                "correct": question["correct"],
            }
        )
    return shown


def round_entries(round_: Round) -> tuple[int, int]:
    """(entries, entrants) of the whole round, from the tallies."""
    totals = UnitTally.objects.filter(round=round_).aggregate(
        entries=Coalesce(Sum("entries"), 0), entrants=Coalesce(Sum("entrants"), 0)
    )
    return totals["entries"], totals["entrants"]


@dataclass
class UnitRow:
    unit: Unit
    entries: int
    entrants: int
    members: int

    @property
    def rate(self) -> float | None:
        return round(100 * self.entrants / self.members, 1) if self.members else None


def _members_by_prefix(parent: Unit, width: int) -> dict[str, int]:
    """Active members of each unit at depth width/4 under `parent`, from the member tallies
    (one query over a handful of rows per unit, whatever the number of members)."""
    key = f"contests:members:{parent.path}:{width}"
    counts = cache.get(key)
    if counts is None:
        if width == len(parent.path):
            units = Q(unit=parent)
        else:
            units = Q(unit__path__startswith=parent.path, unit__depth=width // STEP)
        counts = dict(
            MemberTally.objects.filter(units, status=MemberStatus.ACTIVE)
            .order_by()
            .values("unit__path")
            .annotate(n=Sum("n"))
            .values_list("unit__path", "n")
        )
        cache.set(key, counts, MEMBERS_TTL)
    return counts


def board_level(*, contest: Contest, unit_pk: str = "") -> tuple[Unit | None, list[Unit]]:
    """The unit whose children a public leaderboard ranks (the contest's unit, or one below it
    named by `unit_pk`; None when that is not in the contest's tree), and the trail above it.
    Public pages: the contest's tree is what anyone may see of it, whatever their login."""
    parent = contest.unit
    if unit_pk:
        if not str(unit_pk).isdigit():
            return None, []
        parent = Unit.objects.filter(path__startswith=contest.unit.path, pk=unit_pk).first()
        if parent is None:
            return None, []
    above = range(len(contest.unit.path), len(parent.path), Unit.steplen)
    trail = list(Unit.objects.filter(path__in=[parent.path[:i] for i in above]).order_by("depth"))
    return parent, trail


def unit_board(*, round_: Round, parent: Unit, order: str = "entries") -> list[UnitRow]:
    """The children of `parent` (or `parent` itself when it has none) with their figures, ranked
    by entries or by participation rate. Three queries; members per child come from the cache."""
    children = list(Unit.objects.filter(path__startswith=parent.path, depth=parent.depth + 1))
    width = len(parent.path) + STEP if children else len(parent.path)
    if not children:
        children = [parent]
    tallies = {
        row["prefix"]: row
        for row in UnitTally.objects.filter(round=round_, path__startswith=parent.path)
        .annotate(prefix=Substr("path", 1, width))
        .order_by()
        .values("prefix")
        .annotate(entries=Sum("entries"), entrants=Sum("entrants"))
    }
    members = _members_by_prefix(parent, width)
    rows = []
    for unit in children:
        figures = tallies.get(unit.path, {})
        rows.append(
            UnitRow(
                unit=unit,
                entries=figures.get("entries") or 0,
                entrants=figures.get("entrants") or 0,
                members=members.get(unit.path, 0),
            )
        )
    if order == "rate":
        rows.sort(key=lambda r: (-(r.rate or 0), -r.entrants, r.unit.sort_key))
    else:
        rows.sort(key=lambda r: (-r.entries, -r.entrants, r.unit.sort_key))
    return rows


def board_key(round_id: int) -> str:
    return f"contests:board:{round_id}"


def individual_board(*, round_: Round, limit: int = 50) -> dict:
    """{"actual": entries of the round, "rows": the best attempts in rank order} (cached)."""
    key = f"{board_key(round_.pk)}:{limit}"
    board = cache.get(key)
    if board is None:
        actual, _entrants = round_entries(round_)
        rows = list(
            Attempt.objects.filter(round=round_, best=True, status=AttemptStatus.SUBMITTED)
            .annotate(
                error=Abs(
                    Coalesce(F("prediction"), Value(NO_PREDICTION), output_field=IntegerField())
                    - Value(actual)
                )
            )
            .order_by("-score", "error", "seconds", "submitted_at", "pk")
            .values(
                "pk",
                "score",
                "prediction",
                "error",
                "seconds",
                "submitted_at",
                "participant__full_name",
                "participant__unit__name",
                "participant__unit__short_name",
            )[:limit]
        )
        for position, row in enumerate(rows, start=1):
            row["rank"] = position
            row["questions"] = round_.questions_per_attempt
        board = {"actual": actual, "rows": rows}
        cache.set(key, board, BOARD_TTL)
    return board


def forget_boards(round_id: int, limits=(10, 20, 50, 100)) -> None:
    cache.delete_many([f"{board_key(round_id)}:{n}" for n in limits])


def public_contests():
    return (
        Contest.objects.filter(published=True).select_related("unit").order_by("-created_at", "-id")
    )


def suspicious(*, contest: Contest, threshold: int = 10, window_minutes: int = 10) -> dict:
    """Many attempts started from one address, or many registrations from one phone prefix
    (first 7 digits), within `window_minutes`. Two grouped queries; windows are merged here."""

    def windows(rows):
        buckets: dict[tuple, int] = {}
        for key, minute, n in rows:
            if key is None or minute is None:
                continue
            start = minute - datetime.timedelta(
                minutes=minute.minute % window_minutes, seconds=minute.second
            )
            buckets[(key, start)] = buckets.get((key, start), 0) + n
        found = [
            {"key": key, "start": timezone.localtime(start), "count": n}
            for (key, start), n in buckets.items()
            if n >= threshold
        ]
        return sorted(found, key=lambda r: (-r["count"], r["start"]))

    by_address = (
        Attempt.objects.filter(round__contest=contest)
        .annotate(minute=TruncMinute("started_at"))
        .order_by()
        .values("ip_address", "minute")
        .annotate(n=Count("id"))
        .values_list("ip_address", "minute", "n")
    )
    by_prefix = (
        Participant.objects.filter(contest=contest)
        .annotate(prefix=Substr("phone", 1, 7), minute=TruncMinute("created_at"))
        .order_by()
        .values("prefix", "minute")
        .annotate(n=Count("id"))
        .values_list("prefix", "minute", "n")
    )
    return {"addresses": windows(by_address), "prefixes": windows(by_prefix)}


def contest_figures(contest: Contest) -> dict:
    """Per round: entries and entrants (tallies); participants and questions of the contest."""
    rounds = list(
        contest.rounds.annotate(
            entries=Coalesce(Sum("tallies__entries"), 0),
            entrants=Coalesce(Sum("tallies__entrants"), 0),
        ).order_by("number")
    )
    return {
        "rounds": rounds,
        "participants": Participant.objects.filter(contest=contest).count(),
        "questions": Question.objects.filter(contest=contest, active=True).count(),
    }


def prize_list(*, round_: Round, prizes) -> list[dict]:
    """The first ranked attempts with the prize each wins: `prizes` is [(name, how many), …]."""
    wanted = sum(n for _name, n in prizes)
    rows = individual_board(round_=round_, limit=100)["rows"][:wanted]
    names = [name for name, n in prizes for _ in range(n)]
    for row, name in zip(rows, names, strict=False):
        row["prize"] = name
    return rows
