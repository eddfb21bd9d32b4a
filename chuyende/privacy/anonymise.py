"""Anonymisation of members who left the union more than the retention period ago.

A member whose status is "left" or "transferred" since before the cut-off (now minus
PRIVACY_RETENTION_DAYS) has their personal data replaced: the name becomes
"Đoàn viên đã ẩn danh #<id>", the date of birth, citizen ID, phone, e-mail, religion, union card
number and job title are cleared, their login account (when it serves nothing else) is closed
and stripped, and their name is replaced wherever the records about them repeat it (pledges,
evaluations, nominations and their steps, contest entries, the audit log's descriptions). Files
and stored rows that show or name them go too (chuyende.privacy.files): the photos and evidence
files of their nominations, their rows in stored paper-pledge imports, the finished member
import sheets and member-list exports that may list them; and every run deletes the working
files of imports and exports older than PRIVACY_WORK_FILE_DAYS.

What the figures count stays: unit, status, gender, ethnicity, union position, the date joined,
and every record (pledges, attendance, attempts, nominations, awards) with its numbers. No
column of the member tallies is written, so every tally and every report figure is the same
before and after (tested in tests/test_anonymise.py).

When did a member leave? The latest audit row that set their status to left or transferred
(the member form and the spreadsheet import both write one); for a record loaded without one,
its last change (`updated_at`, never earlier than the departure).

Batched: members are taken in id order, BATCH at a time, each batch in one transaction with a
fixed number of statements (no statement per member); a member done is listed in
AnonymisedMember and never processed again, so a run can stop and start over at any point.
"""

import re
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import CharField, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from chuyende.core.audit import audit_event, audit_record
from chuyende.core.models import AuditAction, AuditEvent
from chuyende.core.text import fold, nfc, sort_key
from chuyende.org.choices import MemberStatus, Role
from chuyende.org.models import Member, RoleAssignment, Unit

from . import files as stored
from .models import AnonymisationRun, AnonymisedMember, ConsentRecord, CorrectionRequest

PREFIX = "Đoàn viên đã ẩn danh #"
ACCOUNT_PREFIX = "an-danh-"
DEPARTED = (MemberStatus.LEFT.value, MemberStatus.TRANSFERRED.value)
BATCH = 500
# Member columns cleared. The columns of the tallies (unit, status, gender, ethnicity,
# union_position) and the date joined stay: the figures count them.
CLEARED = {
    "date_of_birth": None,
    "religion": "",
    "phone": "",
    "email": "",
    "id_number": "",
    "card_number": "",
    "job_title": "",
}
# Keys of a member's audit rows whose values are personal: kept as "changed" without values.
AUDIT_PERSONAL_KEYS = {"full_name", *CLEARED}


def pseudonym(member_id) -> str:
    return f"{PREFIX}{member_id}"


def retention_days() -> int:
    return int(settings.PRIVACY_RETENTION_DAYS)


def cutoff_for(now=None, days=None):
    now = now or timezone.now()
    return now - timezone.timedelta(days=retention_days() if days is None else days)


def _as_text(expression):
    return Cast(expression, output_field=CharField())


def _pseudonym_sql(id_column):
    return Concat(Value(PREFIX), _as_text(id_column), output_field=CharField())


def left_at_expression():
    """When the member left: the latest audit row setting their status to a departed one, or
    else their last change."""
    departures = (
        AuditEvent.objects.filter(
            object_type="org.member",
            object_id=_as_text(OuterRef("pk")),
            changes__status__to__in=list(DEPARTED),
        )
        .order_by("-at")
        .values("at")[:1]
    )
    return Coalesce(Subquery(departures), F("updated_at"))


def candidates(*, cutoff, after=0, limit=BATCH) -> list[tuple[int, object]]:
    """[(member id, left at)] of the next `limit` members due, after member id `after`."""
    return list(
        Member.objects.filter(status__in=DEPARTED, pk__gt=after)
        .exclude(pk__in=AnonymisedMember.objects.values("member_id"))
        .annotate(left_at=left_at_expression())
        .filter(left_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", "left_at")[:limit]
    )


def anonymise(*, trigger: str, actor=None, dry_run=False, now=None, days=None, batch=BATCH):
    """Anonymise every member due; return {"members", "batches", "cutoff", "dry_run", "run"}."""
    now = now or timezone.now()
    days = retention_days() if days is None else days
    cutoff = cutoff_for(now, days)
    result = {"members": 0, "batches": 0, "cutoff": cutoff, "dry_run": dry_run, "run": None}
    removed = {"files": 0, "pledge_imports": 0, "imports": 0, "exports": 0}
    run = None
    if not dry_run:
        run = AnonymisationRun.objects.create(
            started_at=now,
            trigger=trigger,
            actor=actor if actor is not None and actor.is_authenticated else None,
            retention_days=days,
            cutoff=cutoff,
        )
        result["run"] = run.pk
    after = 0
    while found := candidates(cutoff=cutoff, after=after, limit=batch):
        after = found[-1][0]
        if dry_run:
            result["members"] += len(found)
            result["batches"] += 1
            continue
        with transaction.atomic():
            done, gone = _batch(found, run=run, actor=actor, trigger=trigger, now=now)
            for key in removed:
                removed[key] += gone.get(key, 0)
            run.members += done
            run.batches += 1
            run.save(update_fields=["members", "batches"])
        result["members"] += done
        result["batches"] += 1
    # Working files of imports and exports past their days, whoever they name.
    work_days = stored.work_file_days()
    with transaction.atomic():
        old_work = stored.purge_old_work(now=now, days=work_days, dry_run=dry_run)
    result["removed"] = removed
    result["old_work"] = old_work
    if run is not None:
        with transaction.atomic():
            run.finished_at = timezone.now()
            run.save(update_fields=["finished_at"])
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=run,
                object_repr=f"anonymisation ({trigger}): {run.members}",
                changes={
                    "anonymised": run.members,
                    "batches": run.batches,
                    "trigger": trigger,
                    "retention_days": days,
                    "cutoff": cutoff.isoformat(),
                    "files_deleted": removed["files"],
                    "pledge_imports_cleaned": removed["pledge_imports"],
                    "import_sheets_deleted": removed["imports"],
                    "exports_deleted": removed["exports"],
                    "work_file_days": work_days,
                    "old_work_deleted": old_work,
                },
            )
    return result


# One batch ---------------------------------------------------------------------------------------


def _pattern(name: str):
    name = nfc(" ".join((name or "").split()))
    if len(name) < 3:
        return None
    return re.compile(re.escape(name).replace(r"\ ", r"\s+"), re.IGNORECASE)


def scrub(value, pattern, replacement):
    """The value (text, or lists and dicts of text) with the name replaced."""
    if pattern is None:
        return value
    if isinstance(value, str):
        return pattern.sub(replacement, nfc(value))
    if isinstance(value, list):
        return [scrub(v, pattern, replacement) for v in value]
    if isinstance(value, dict):
        return {k: scrub(v, pattern, replacement) for k, v in value.items()}
    return value


def _rewrite(model, rows, fields, patterns, replacements):
    """bulk_update the rows (pk, member id, *field values) whose text names the member."""
    changed = []
    for pk, member_id, *values in rows:
        pattern, replacement = patterns.get(member_id), replacements[member_id]
        new = [scrub(v, pattern, replacement) for v in values]
        if new != values:
            changed.append(model(pk=pk, **dict(zip(fields, new, strict=True))))
    if changed:
        model.objects.bulk_update(changed, fields, batch_size=BATCH)
    return changed


def _batch(found, *, run, actor, trigger, now) -> tuple[int, dict]:
    from chuyende.contests.models import Attempt, Participant
    from chuyende.honors.models import Nomination, NominationStep
    from chuyende.pledges.models import Evaluation, Pledge

    left = dict(found)
    rows = list(
        Member.objects.select_for_update()
        .filter(pk__in=list(left), status__in=DEPARTED)
        .exclude(pk__in=AnonymisedMember.objects.values("member_id"))
        .order_by("pk")
        .values_list("pk", "full_name", "user_id", "unit_id")
    )
    if not rows:
        return 0, {}
    ids = [pk for pk, *_ in rows]
    names = {pk: name for pk, name, *_ in rows}
    member_unit = {pk: unit_id for pk, _name, _user, unit_id in rows}
    patterns = {pk: _pattern(name) for pk, name in names.items()}
    replacements = {pk: pseudonym(pk) for pk in ids}
    units = {
        u.pk: u
        for u in Unit.objects.filter(pk__in={unit_id for *_, unit_id in rows}).only(
            "id", "name", "short_name", "path"
        )
    }

    # The member rows: no tally column is written (so no tally changes).
    Member.objects.filter(pk__in=ids).update(
        full_name=_pseudonym_sql("id"),
        search_name=Concat(Value(fold(PREFIX)), _as_text("id"), output_field=CharField()),
        user=None,
        updated_at=now,
        **CLEARED,
    )
    Member.objects.bulk_update(
        [Member(pk=pk, sort_key=sort_key(replacements[pk])) for pk in ids],
        ["sort_key"],
        batch_size=BATCH,
    )

    # Login accounts that served only this member: closed, names and e-mail removed.
    user_ids = {user_id for _pk, _name, user_id, _unit in rows if user_id}
    if user_ids:
        User = get_user_model()
        keep = (
            set(
                RoleAssignment.objects.filter(user_id__in=user_ids)
                .exclude(role=Role.MEMBER)
                .values_list("user_id", flat=True)
            )
            | set(User.objects.filter(pk__in=user_ids, is_staff=True).values_list("pk", flat=True))
            | set(
                User.objects.filter(pk__in=user_ids, is_superuser=True).values_list("pk", flat=True)
            )
        )
        closed = sorted(user_ids - keep)
        if closed:
            RoleAssignment.objects.filter(user_id__in=closed, role=Role.MEMBER).delete()
            User.objects.filter(pk__in=closed).update(
                username=Concat(Value(ACCOUNT_PREFIX), _as_text("id"), output_field=CharField()),
                first_name="",
                last_name="",
                email="",
                password=make_password(None),
                is_active=False,
            )
            AuditEvent.objects.filter(actor_id__in=closed).update(
                actor_name=Concat(
                    Value(ACCOUNT_PREFIX), _as_text("actor_id"), output_field=CharField()
                )
            )

    # Pledges and their evaluations.
    pledges = Pledge.objects.filter(member_id__in=ids)
    pledge_rows = list(
        pledges.values_list("pk", "member_id", "commitments", "actions", "return_comment")
    )
    pledge_owner = {pk: member_id for pk, member_id, *_ in pledge_rows}
    _rewrite(
        Pledge, pledge_rows, ["commitments", "actions", "return_comment"], patterns, replacements
    )
    pledges.update(full_name=_pseudonym_sql("member_id"), position="")
    _rewrite(
        Evaluation,
        list(
            Evaluation.objects.filter(pledge_id__in=list(pledge_owner)).values_list(
                "pk", "pledge__member_id", "results", "self_note", "rating_note"
            )
        ),
        ["results", "self_note", "rating_note"],
        patterns,
        replacements,
    )

    # Nominations of the person: off the public showcase, the name replaced in the story.
    nominations = []
    for pk, member_id, title, achievement, figures, occasion in Nomination.objects.filter(
        member_id__in=ids
    ).values_list("pk", "member_id", "title", "achievement", "figures", "occasion"):
        pattern, name = patterns[member_id], replacements[member_id]
        title, achievement, figures, occasion = scrub(
            [title, achievement, figures, occasion], pattern, name
        )
        home = units.get(member_unit[member_id])
        parts = [name, title, achievement[:2000]]
        if home is not None:
            parts += [home.name, home.short_name]
        nominations.append(
            Nomination(
                pk=pk,
                member_id=member_id,
                nominee_name=name,
                nominee_position="",
                showcase=False,
                title=title,
                achievement=achievement,
                figures=figures,
                occasion=occasion,
                search_text=fold(" ".join(p for p in parts if p)),
            )
        )
    if nominations:
        Nomination.objects.bulk_update(
            nominations,
            [
                "nominee_name",
                "nominee_position",
                "showcase",
                "title",
                "achievement",
                "figures",
                "occasion",
                "search_text",
            ],
            batch_size=BATCH,
        )
    nomination_owner = {n.pk: n.member_id for n in nominations}
    _rewrite(
        NominationStep,
        [
            (pk, nomination_owner[nid], comment)
            for pk, nid, comment in NominationStep.objects.filter(
                nomination_id__in=list(nomination_owner)
            ).values_list("pk", "nomination_id", "comment")
        ],
        ["comment"],
        patterns,
        replacements,
    )
    # Files and stored rows that show or name them: their nominations' photos and evidence,
    # their rows in paper-pledge imports, member import sheets and exports that may list them.
    gone = stored.for_members(
        ids=ids,
        unit_paths=sorted(
            {units[unit_id].path for unit_id in member_unit.values() if unit_id in units}
        ),
        patterns=patterns,
        replacements=replacements,
        scrub=scrub,
    )
    file_owners = gone.pop("owners")

    # Contest entries: the name and phone replaced (each entry keeps a distinct placeholder, as
    # a contest takes one entry per phone), addresses dropped; scores stay.
    participants = Participant.objects.filter(member_id__in=ids)
    participant_owner = dict(participants.values_list("pk", "member_id"))
    participants.update(
        full_name=_pseudonym_sql("member_id"),
        phone=Concat(Value("#"), _as_text("id"), output_field=CharField()),
        ip_address=None,
    )
    Attempt.objects.filter(participant_id__in=list(participant_owner)).update(ip_address=None)

    # This module's own records.
    CorrectionRequest.objects.filter(member_id__in=ids).update(
        current_value="", proposed_value="", note=""
    )
    ConsentRecord.objects.filter(member_id__in=ids).update(ip_address=None)

    # The audit log keeps who did what and when; the member's name and personal values go.
    member_events = AuditEvent.objects.filter(
        object_type="org.member", object_id__in=[str(pk) for pk in ids]
    )
    changed = []
    for pk, changes in member_events.values_list("pk", "changes"):
        if isinstance(changes, dict) and AUDIT_PERSONAL_KEYS & set(changes):
            changes = {
                k: ({"changed": True} if k in AUDIT_PERSONAL_KEYS else v)
                for k, v in changes.items()
            }
            changed.append(AuditEvent(pk=pk, changes=changes))
    if changed:
        AuditEvent.objects.bulk_update(changed, ["changes"], batch_size=BATCH)
    member_events.update(
        object_repr=Concat(Value(PREFIX), F("object_id"), output_field=CharField())
    )
    # The audit rows of their records: the name replaced in the description and the changes.
    record_events = Q(pk__in=[])
    owners = {}
    for object_type, owned in (
        ("pledges.pledge", pledge_owner),
        ("honors.nomination", nomination_owner),
        ("contests.participant", participant_owner),
    ):
        record_events |= Q(object_type=object_type, object_id__in=[str(k) for k in owned])
        owners.update({(object_type, str(k)): v for k, v in owned.items()})
    _rewrite(
        AuditEvent,
        [
            (pk, owners[(object_type, object_id)], text, changes)
            for pk, object_type, object_id, text, changes in AuditEvent.objects.filter(
                record_events
            ).values_list("pk", "object_type", "object_id", "object_repr", "changes")
        ],
        ["object_repr", "changes"],
        patterns,
        replacements,
    )
    # The audit rows of the deleted photos and evidence files: their description named the
    # person and the file (whose name may spell them without accents): the pseudonym instead.
    file_events = Q(pk__in=[])
    for object_type in ("honors.nominationphoto", "honors.nominationfile"):
        keys = [key for kind, key in file_owners if kind == object_type]
        file_events |= Q(object_type=object_type, object_id__in=keys)
    renamed = [
        AuditEvent(pk=pk, object_repr=replacements[file_owners[(object_type, object_id)]])
        for pk, object_type, object_id in AuditEvent.objects.filter(file_events).values_list(
            "pk", "object_type", "object_id"
        )
    ]
    if renamed:
        AuditEvent.objects.bulk_update(renamed, ["object_repr"], batch_size=BATCH)

    AnonymisedMember.objects.bulk_create(
        [AnonymisedMember(member_id=pk, run=run, left_at=left[pk], anonymised_at=now) for pk in ids]
    )
    by_unit = defaultdict(list)
    for pk, unit_id in member_unit.items():
        by_unit[unit_id].append(pk)
    AuditEvent.objects.bulk_create(
        [
            audit_event(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=run,
                unit=units.get(unit_id),
                object_repr=f"anonymisation ({trigger}): {len(members)}",
                changes={
                    "anonymised": len(members),
                    "members": members,
                    "trigger": trigger,
                    "cutoff": run.cutoff.isoformat(),
                    "retention_days": run.retention_days,
                },
            )
            for unit_id, members in sorted(by_unit.items())
        ]
    )
    return len(ids), gone
