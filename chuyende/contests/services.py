"""Writes of contests. Organisers' writes are scoped and audited; participants' writes (register,
start, autosave, submit) are public and kept to the fewest queries, the attempt itself recording
the address and the times."""

import datetime
import random
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chuyende.core.audit import audit_record, diff
from chuyende.core.models import AuditAction
from chuyende.core.scoping import require
from chuyende.core.text import fold, nfc
from chuyende.org.models import MEMBER_UNIT_KINDS, Member, Unit

from . import scoring, selectors
from .models import Attempt, AttemptStatus, Contest, Participant, Question, Round, UnitTally

CONTEST_FIELDS = ("plan", "title", "rules", "members_eligible", "workers_eligible", "published")
ROUND_FIELDS = (
    "number",
    "opens_at",
    "closes_at",
    "attempts_allowed",
    "questions_per_attempt",
    "time_limit_minutes",
    "quotas",
    "tie_break",
)
# A submit that arrives this long after the deadline still counts in full (network, a tap at
# the last second); later ones keep only the answers saved before the deadline.
GRACE = datetime.timedelta(seconds=30)


# Organisers: contests, rounds, questions ------------------------------------------------------


def _clean_text(fields, *keys):
    for key in keys:
        if key in fields:
            fields[key] = nfc(fields[key] or "").strip()


@transaction.atomic
def contest_create(*, unit: Unit, acting_user, fields: dict) -> Contest:
    require(acting_user, "change", unit)
    fields = {k: fields[k] for k in CONTEST_FIELDS if k in fields}
    _clean_text(fields, "title", "rules")
    contest = Contest(unit=unit, created_by=acting_user, **fields)
    _check_contest(contest)
    contest.full_clean()
    contest.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=contest,
        unit=unit,
        changes={"title": contest.title},
    )
    return contest


def _check_contest(contest):
    if not contest.members_eligible and not contest.workers_eligible:
        raise ValidationError(
            {"workers_eligible": _("Let members, registered workers or both take part.")}
        )


@transaction.atomic
def contest_update(*, contest: Contest, acting_user, fields: dict) -> Contest:
    require(acting_user, "change", contest.unit)
    fields = {k: fields[k] for k in CONTEST_FIELDS if k in fields}
    _clean_text(fields, "title", "rules")
    old = {k: getattr(contest, k) for k in fields}
    for key, value in fields.items():
        setattr(contest, key, value)
    _check_contest(contest)
    contest.full_clean()
    contest.save()
    changes = diff(old, fields)
    if changes:
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=contest,
            unit=contest.unit,
            changes=changes,
        )
    return contest


def _check_round(round_: Round):
    errors = {}
    quotas = {}
    for category, wanted in (round_.quotas or {}).items():
        try:
            wanted = int(wanted)
        except (TypeError, ValueError):
            wanted = -1
        if wanted < 0:
            errors["quotas"] = _("Give a whole number of questions for each category.")
            break
        quotas[nfc(str(category)).strip()] = wanted
    round_.quotas = quotas
    if sum(quotas.values()) > round_.questions_per_attempt:
        errors["quotas"] = _("The categories ask for more questions than an attempt has.")
    if not round_.attempts_allowed:
        errors["attempts_allowed"] = _("Allow at least one attempt.")
    if not round_.questions_per_attempt:
        errors["questions_per_attempt"] = _("An attempt has at least one question.")
    if not round_.time_limit_minutes:
        errors["time_limit_minutes"] = _("Give the time limit in minutes.")
    if round_.opens_at and round_.closes_at and round_.closes_at <= round_.opens_at:
        errors["closes_at"] = _("A round must close after it opens.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def round_create(*, contest: Contest, acting_user, fields: dict) -> Round:
    require(acting_user, "change", contest.unit)
    fields = {k: fields[k] for k in ROUND_FIELDS if k in fields}
    round_ = Round(contest=contest, **fields)
    _check_round(round_)
    round_.full_clean()
    round_.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=round_,
        unit=contest.unit,
        changes={"number": round_.number},
    )
    return round_


@transaction.atomic
def round_update(*, round_: Round, acting_user, fields: dict) -> Round:
    require(acting_user, "change", round_.contest.unit)
    fields = {k: fields[k] for k in ROUND_FIELDS if k in fields}
    old = {k: getattr(round_, k) for k in fields}
    for key, value in fields.items():
        setattr(round_, key, value)
    _check_round(round_)
    round_.full_clean()
    round_.save()
    changes = diff(old, {k: getattr(round_, k) for k in fields})
    if changes:
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=round_,
            unit=round_.contest.unit,
            changes=changes,
        )
    return round_


@transaction.atomic
def questions_add(*, contest: Contest, acting_user, questions: list[dict], source="") -> int:
    """Add parsed questions (see imports.py) to the bank; the cached bank moves on."""
    require(acting_user, "change", contest.unit)
    rows = []
    for data in questions:
        question = Question(contest=contest, **data)
        question.full_clean(exclude=["contest"])
        rows.append(question)
    Question.objects.bulk_create(rows, batch_size=500)
    Contest.objects.filter(pk=contest.pk).update(bank_version=F("bank_version") + 1)
    contest.refresh_from_db(fields=["bank_version"])
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=contest,
        unit=contest.unit,
        changes={"questions_added": len(rows), "source": source},
    )
    return len(rows)


@transaction.atomic
def question_toggle(*, question: Question, acting_user) -> Question:
    contest = question.contest
    require(acting_user, "change", contest.unit)
    question.active = not question.active
    question.save(update_fields=["active"])
    Contest.objects.filter(pk=contest.pk).update(bank_version=F("bank_version") + 1)
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=question,
        unit=contest.unit,
        changes={"active": question.active},
    )
    return question


@transaction.atomic
def certificate_issued(*, contest: Contest, attempt: Attempt, acting_user) -> None:
    require(acting_user, "view", contest.unit)
    audit_record(
        actor=acting_user,
        action=AuditAction.EXPORT,
        obj=attempt,
        unit=contest.unit,
        changes={"what": "certificate"},
    )


# Participants -------------------------------------------------------------------------------


def _eligible_unit(contest: Contest, unit: Unit | None) -> None:
    if unit is None or not unit.path.startswith(contest.unit.path) or not unit.active:
        raise ValidationError({"unit": _("Choose your union from the list.")})
    if unit.kind not in MEMBER_UNIT_KINDS:
        raise ValidationError({"unit": _("Choose your grassroots union, not an upper level.")})


def normalise_phone(phone: str) -> str:
    digits = "".join(ch for ch in (phone or "") if ch.isdigit() or ch == "+")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


@transaction.atomic
def participant_register(
    *, contest: Contest, full_name: str, phone: str, unit: Unit, ip_address=None, now=None
) -> Participant:
    """A worker registers with name, phone and union. The same name and phone again give back
    the same participant (another device); another name with a used phone is refused."""
    if not contest.workers_eligible or not contest.published:
        raise ValidationError(_("This contest is not open to registration."))
    full_name = " ".join(nfc(full_name).split())
    phone = normalise_phone(phone)
    _eligible_unit(contest, unit)
    existing = Participant.objects.filter(contest=contest, phone=phone).first()
    if existing is not None:
        if fold(existing.full_name) == fold(full_name):
            return existing
        raise ValidationError(
            {"phone": _("Someone already registered for this contest with this phone number.")}
        )
    participant = Participant(
        contest=contest,
        full_name=full_name,
        phone=phone,
        unit=unit,
        ip_address=ip_address,
        created_at=now or timezone.now(),
    )
    participant.full_clean()
    participant.save()
    return participant


@transaction.atomic
def participant_for_member(*, contest: Contest, member: Member, ip_address=None) -> Participant:
    """A logged-in member takes part as themselves (once per contest)."""
    if not contest.members_eligible or not contest.published:
        raise ValidationError(_("This contest is not open to members taking part as themselves."))
    if not member.unit.path.startswith(contest.unit.path):
        raise ValidationError(_("Your union is not part of this contest."))
    existing = Participant.objects.filter(contest=contest, member=member).first()
    if existing is not None:
        return existing
    phone = normalise_phone(member.phone) or f"m{member.pk}"
    participant = Participant(
        contest=contest,
        member=member,
        full_name=member.full_name,
        phone=phone,
        unit=member.unit,
        ip_address=ip_address,
    )
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError:  # the phone is already registered by a worker form
        participant.phone = f"m{member.pk}"
        participant.save()
    return participant


def attempt_start(
    *, round_: Round, participant_id: int, unit_path: str, ip_address=None, now=None, rng=None
) -> tuple[Attempt, bool]:
    """Start (or resume) the participant's attempt at the round: (attempt, created).

    Reads one row set (the participant's attempts at the round) and writes one row; the bank
    comes from the cache. One live attempt at a time (a constraint), attempts allowed per round.
    """
    now = now or timezone.now()
    if not round_.is_open(now):
        raise ValidationError(_("This round is not open now."), code="closed")
    existing = list(
        Attempt.objects.filter(participant_id=participant_id, round=round_).only(
            "pk", "number", "status", "deadline", "token", "answers", "started_at", "questions"
        )
    )
    live = next((a for a in existing if a.status == AttemptStatus.LIVE), None)
    if live is not None:
        if now <= live.deadline:
            return live, False
        live.round = round_
        attempt_submit(attempt=live, answers=None, prediction=None, now=now)
        live.status = AttemptStatus.SUBMITTED
    if len(existing) >= round_.attempts_allowed:
        raise ValidationError(
            _(
                "You have used all %(count)s attempt(s) allowed in this round. "
                "Your best result counts."
            )
            % {"count": round_.attempts_allowed},
            code="no_attempts_left",
        )
    bank = selectors.round_bank(round_.contest)
    if not bank:
        raise ValidationError(_("This round has no questions yet."), code="empty")
    rng = rng or random.Random(secrets.randbits(64))
    deadline = min(now + datetime.timedelta(minutes=round_.time_limit_minutes), round_.closes_at)
    attempt = Attempt(
        participant_id=participant_id,
        round=round_,
        number=len(existing) + 1,
        unit_path=unit_path,
        started_at=now,
        deadline=deadline,
        questions=scoring.draw(
            bank, count=round_.questions_per_attempt, quotas=round_.quotas, rng=rng
        ),
        ip_address=ip_address,
    )
    try:
        with transaction.atomic():
            attempt.save(force_insert=True)
    except IntegrityError:  # a second start at the same moment: give back the live one
        live = Attempt.objects.filter(
            participant_id=participant_id, round=round_, status=AttemptStatus.LIVE
        ).first()
        if live is None:
            raise ValidationError(_("Please try again."), code="retry") from None
        return live, False
    return attempt, True


def clean_answers(attempt: Attempt, answers: dict, kinds: dict[int, str] | None = None) -> dict:
    """The answers as {"question id": [option index, …]}, only for the attempt's own questions
    and options; anything else is refused."""
    own = {str(qid): len(order) for qid, order in attempt.questions}
    cleaned = {}
    for key, chosen in (answers or {}).items():
        key = str(key)
        if key not in own:
            raise ValidationError(_("An answer is for a question not in this attempt."))
        if not isinstance(chosen, list):
            chosen = [chosen]
        indices = []
        for value in chosen:
            try:
                index = int(value)
            except (TypeError, ValueError):
                raise ValidationError(_("An answer is not one of the options.")) from None
            if not 0 <= index < own[key]:
                raise ValidationError(_("An answer is not one of the options."))
            if index not in indices:
                indices.append(index)
        if kinds and kinds.get(int(key)) != "multiple" and len(indices) > 1:
            raise ValidationError(_("Choose only one answer for this question."))
        if indices:
            cleaned[key] = sorted(indices)
    return cleaned


def _kinds(bank: dict[int, dict]) -> dict[int, str]:
    return {qid: q["kind"] for qid, q in bank.items()}


def attempt_autosave(*, attempt: Attempt, answers: dict, prediction=None, now=None) -> bool:
    """Keep the answers so far on the server (one UPDATE); refused after the deadline."""
    now = now or timezone.now()
    bank = selectors.bank_by_id(attempt.round.contest)
    cleaned = clean_answers(attempt, answers, _kinds(bank))
    fields = {"answers": cleaned}
    if prediction is not None:
        fields["prediction"] = prediction
    return bool(
        Attempt.objects.filter(pk=attempt.pk, status=AttemptStatus.LIVE, deadline__gte=now).update(
            **fields
        )
    )


def _bump_tally(round_id: int, path: str, entrant: bool, shard: int = 0) -> None:
    """+1 entry (and +1 entrant for a first entry) on one of the unit's own tally rows."""
    updated = UnitTally.objects.filter(round_id=round_id, path=path, shard=shard).update(
        entries=F("entries") + 1, entrants=F("entrants") + int(entrant)
    )
    if updated:
        return
    unit_id = Unit.objects.filter(path=path).values_list("pk", flat=True).first()
    try:
        with transaction.atomic():
            UnitTally.objects.create(
                round_id=round_id,
                unit_id=unit_id,
                path=path,
                shard=shard,
                entries=1,
                entrants=int(entrant),
            )
    except IntegrityError:  # created by a submit at the same moment
        UnitTally.objects.filter(round_id=round_id, path=path, shard=shard).update(
            entries=F("entries") + 1, entrants=F("entrants") + int(entrant)
        )


@transaction.atomic
def attempt_submit(
    *, attempt: Attempt, answers: dict | None, prediction: int | None, key: str = "", now=None
) -> Attempt:
    """Submit once. A repeated or retried submit returns the attempt as first submitted and
    never counts twice. After the deadline (plus a short grace) only the answers saved before
    it count, and the time is cut at the deadline."""
    now = now or timezone.now()
    if attempt.status == AttemptStatus.SUBMITTED:
        return attempt
    bank = selectors.bank_by_id(attempt.round.contest)
    late = now > attempt.deadline + GRACE
    if late or answers is None:
        cleaned = attempt.answers or {}
        prediction = attempt.prediction if prediction is None or late else prediction
    else:
        cleaned = clean_answers(attempt, answers, _kinds(bank))
    if prediction is not None and not 0 <= prediction <= 10**9:
        raise ValidationError(_("Give the predicted number as a whole number."))
    submitted_at = min(now, attempt.deadline)
    seconds = max(0, int((submitted_at - attempt.started_at).total_seconds()))
    result = scoring.score(
        attempt.questions, cleaned, {qid: q["correct"] for qid, q in bank.items()}
    )
    others = list(
        Attempt.objects.filter(
            participant_id=attempt.participant_id,
            round_id=attempt.round_id,
            status=AttemptStatus.SUBMITTED,
        ).values_list("pk", "score", "seconds", "best")
    )
    previous_best = next((o for o in others if o[3]), None)
    best = previous_best is None or scoring.better((result, seconds), previous_best[1:3])
    updated = Attempt.objects.filter(pk=attempt.pk, status=AttemptStatus.LIVE).update(
        status=AttemptStatus.SUBMITTED,
        answers=cleaned,
        prediction=prediction,
        submitted_at=submitted_at,
        submit_key=(key or "")[:64],
        score=result,
        seconds=seconds,
        late=late,
        best=best,
    )
    if not updated:  # submitted by a concurrent request: the first one's result stands
        attempt.refresh_from_db()
        return attempt
    if best and previous_best is not None:
        Attempt.objects.filter(pk=previous_best[0]).update(best=False)
    _bump_tally(
        attempt.round_id, attempt.unit_path, entrant=not others, shard=attempt.pk % UnitTally.SHARDS
    )
    attempt.status = AttemptStatus.SUBMITTED
    attempt.answers, attempt.prediction = cleaned, prediction
    attempt.submitted_at, attempt.submit_key = submitted_at, (key or "")[:64]
    attempt.score, attempt.seconds, attempt.late, attempt.best = result, seconds, late, best
    return attempt
