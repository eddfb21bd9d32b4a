"""Writes of contests. Organisers' writes are scoped and audited; participants' writes (register,
start, autosave, submit) are public and kept to the fewest queries, the attempt itself recording
the address and the times."""

import datetime
import json
import random
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chuyende.core.audit import audit_record, diff
from chuyende.core.models import AuditAction
from chuyende.core.scoping import require
from chuyende.core.text import fold, nfc
from chuyende.org.models import MEMBER_UNIT_KINDS, Member, Unit

from . import scoring, selectors, sql
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


def _forget_rounds(contest_id: int) -> None:
    """The rounds cached for starts follow the organisers' changes (now and at commit)."""
    selectors.forget_rounds(contest_id)
    transaction.on_commit(lambda: selectors.forget_rounds(contest_id))


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
    _forget_rounds(contest.pk)
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
    _forget_rounds(round_.contest_id)
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
    _forget_rounds(contest.pk)
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
    _forget_rounds(contest.pk)
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

    The bank comes from the cache. On PostgreSQL a first start (no live attempt, attempts left)
    is one INSERT … SELECT that numbers the attempt and checks both rules itself; otherwise (and
    on other databases) the participant's attempts at the round are read and one row written.
    One live attempt at a time (a constraint), attempts allowed per round. The attempt's
    prepared data goes to the cache for its submit.
    """
    now = now or timezone.now()
    if not round_.is_open(now):
        raise ValidationError(_("This round is not open now."), code="closed")
    contest = round_.contest
    bank = selectors.round_bank(contest)
    if not bank:
        raise ValidationError(_("This round has no questions yet."), code="empty")
    rng = rng or random.Random(secrets.randbits(64))
    deadline = min(now + datetime.timedelta(minutes=round_.time_limit_minutes), round_.closes_at)

    def new_attempt(number):
        return Attempt(
            participant_id=participant_id,
            round=round_,
            number=number,
            unit_path=unit_path,
            started_at=now,
            deadline=deadline,
            questions=scoring.draw(
                bank, count=round_.questions_per_attempt, quotas=round_.quotas, rng=rng
            ),
            ip_address=ip_address,
        )

    if connection.vendor == "postgresql":
        attempt = new_attempt(1)
        if _insert_if_free(attempt, round_.attempts_allowed):
            _prepare(attempt, contest, now)
            return attempt, True
    attempt, created = _start_portable(round_, participant_id, now, new_attempt)
    if attempt.status == AttemptStatus.LIVE:
        _prepare(attempt, contest, now)
    return attempt, created


def _prepare(attempt: Attempt, contest: Contest, now) -> None:
    selectors.prepare_attempt(
        attempt, contest_id=contest.pk, bank_version=contest.bank_version, now=now
    )


def _insert_if_free(attempt: Attempt, allowed: int) -> bool:
    """PostgreSQL: insert `attempt`, numbered after the participant's other attempts at the
    round, only when none of them is live and fewer than `allowed` exist — one prepared
    statement (sql.start_statement). False (nothing written) when a rule or a unique
    constraint stands in the way."""
    fields = [f for f in Attempt._meta.concrete_fields if not f.primary_key and f.name != "number"]
    types, statement = sql.start_statement(fields)
    params = [f.get_db_prep_save(f.pre_save(attempt, True), connection) for f in fields]
    params += [attempt.participant_id, attempt.round_id, allowed]
    row = sql.execute("contests_start", types, statement, params)
    if row is None:
        return False
    attempt.pk, attempt.number = row
    attempt._state.adding = False
    attempt._state.db = connection.alias
    return True


def _start_portable(round_, participant_id, now, new_attempt) -> tuple[Attempt, bool]:
    existing = list(
        Attempt.objects.filter(participant_id=participant_id, round=round_).only(
            "pk",
            "number",
            "status",
            "deadline",
            "token",
            "answers",
            "started_at",
            "questions",
            "prediction",
            "participant_id",
            "round_id",
            "unit_path",
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
    attempt = new_attempt(len(existing) + 1)
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
    return _clean(attempt.questions, answers, kinds)


def _clean(questions: list, answers: dict, kinds: dict[int, str] | None = None) -> dict:
    own = {str(qid): len(order) for qid, order in questions}
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
    return _save_answers(attempt.pk, cleaned, prediction, now)


def _save_answers(pk: int, cleaned: dict, prediction, now) -> bool:
    fields = {"answers": cleaned}
    if prediction is not None:
        fields["prediction"] = prediction
    return bool(
        Attempt.objects.filter(pk=pk, status=AttemptStatus.LIVE, deadline__gte=now).update(**fields)
    )


def autosave_by_token(*, token: str, answers: dict, prediction=None, now=None) -> bool | None:
    """The autosave of the attempt page: the attempt's prepared data from the cache, then one
    UPDATE. None when there is no such attempt; False when it is no longer live."""
    now = now or timezone.now()
    prepared = selectors.prepared_attempt(token)
    if prepared is None:
        return None
    if prepared.get("status", AttemptStatus.LIVE) != AttemptStatus.LIVE:
        return False
    bank = selectors.bank_for(prepared["contest_id"], prepared["bank_version"])
    cleaned = _clean(prepared["questions"], answers, {q["id"]: q["kind"] for q in bank})
    _check_prediction(prediction)
    return _save_answers(prepared["id"], cleaned, prediction, now)


def _check_prediction(prediction) -> None:
    if prediction is not None and not 0 <= prediction <= 10**9:
        raise ValidationError(_("Give the predicted number as a whole number."))


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


def submit_by_token(
    *, token: str, answers: dict, prediction: int | None, key: str = "", now=None
) -> bool:
    """The submit of the attempt page — the hot path of the rush. False when there is no such
    attempt.

    The attempt's prepared data (questions, deadline, participant, round, bank version) comes
    from the cache filled at start (one SELECT when it misses), the bank from the cache; the
    answers are checked against the attempt's own questions and scored here. On PostgreSQL the
    write is then one statement (`_submit_statement`); elsewhere, and for a late submit (which
    needs the answers saved before the deadline), `attempt_submit` does it. Idempotent: an
    attempt already submitted keeps its first result and is counted once."""
    now = now or timezone.now()
    prepared = selectors.prepared_attempt(token)
    if prepared is None:
        return False
    if prepared.get("status", AttemptStatus.LIVE) != AttemptStatus.LIVE:
        return True  # submitted before: the first result stands
    if now > prepared["deadline"] + GRACE:
        attempt = selectors.attempt_by_token(token)
        attempt_submit(attempt=attempt, answers=answers, prediction=prediction, key=key, now=now)
        return True
    bank = selectors.bank_for(prepared["contest_id"], prepared["bank_version"])
    if connection.vendor != "postgresql":
        attempt = Attempt(
            status=AttemptStatus.LIVE,
            **{name: prepared[name] for name in selectors.PREPARED_FIELDS},
        )
        attempt_submit(
            attempt=attempt, answers=answers, prediction=prediction, key=key, now=now, bank=bank
        )
        return True
    cleaned = _clean(prepared["questions"], answers, {q["id"]: q["kind"] for q in bank})
    _check_prediction(prediction)
    submitted_at = min(now, prepared["deadline"])
    seconds = max(0, int((submitted_at - prepared["started_at"]).total_seconds()))
    result = scoring.score(prepared["questions"], cleaned, {q["id"]: q["correct"] for q in bank})
    _submit_statement(
        prepared,
        answers=cleaned,
        prediction=prediction,
        submitted_at=submitted_at,
        key=(key or "")[:64],
        score=result,
        seconds=seconds,
    )
    return True


def _submit_statement(prepared: dict, **values) -> bool:
    """PostgreSQL, one prepared statement (sql.SUBMIT): the attempt is submitted only if still
    live (a concurrent or retried submit finds it submitted and changes nothing); only then is
    the participant's previous best demoted if this one is better, and the unit's tally row
    bumped (+1 entry, +1 entrant for a first entry, created at its first entry). All parts
    see the rows as they were before the statement, so "other submitted attempts" are the
    earlier ones. False when the attempt was no longer live."""
    params = [
        json.dumps(values["answers"]),
        values["prediction"],
        values["submitted_at"],
        values["key"],
        values["score"],
        values["seconds"],
        prepared["id"],
        prepared["participant_id"],
        prepared["round_id"],
        prepared["unit_path"],
        prepared["id"] % UnitTally.SHARDS,
    ]
    return sql.execute("contests_submit", sql.SUBMIT_TYPES, sql.SUBMIT, params) is not None


@transaction.atomic
def attempt_submit(
    *,
    attempt: Attempt,
    answers: dict | None,
    prediction: int | None,
    key: str = "",
    now=None,
    bank: list[dict] | None = None,
) -> Attempt:
    """Submit once. A repeated or retried submit returns the attempt as first submitted and
    never counts twice. After the deadline (plus a short grace) only the answers saved before
    it count, and the time is cut at the deadline. The portable path (any database)."""
    now = now or timezone.now()
    if attempt.status == AttemptStatus.SUBMITTED:
        return attempt
    if bank is None:
        bank = selectors.round_bank(attempt.round.contest)
    late = now > attempt.deadline + GRACE
    if late or answers is None:
        cleaned = attempt.answers or {}
        prediction = attempt.prediction if prediction is None or late else prediction
    else:
        cleaned = _clean(attempt.questions, answers, {q["id"]: q["kind"] for q in bank})
    _check_prediction(prediction)
    submitted_at = min(now, attempt.deadline)
    seconds = max(0, int((submitted_at - attempt.started_at).total_seconds()))
    result = scoring.score(attempt.questions, cleaned, {q["id"]: q["correct"] for q in bank})
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
