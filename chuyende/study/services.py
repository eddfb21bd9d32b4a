"""Writes on study sessions and attendance. Each is atomic and writes its own audit row."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuyende.core.audit import audit_record, diff
from chuyende.core.models import AuditAction
from chuyende.core.reasons import clean_reason
from chuyende.core.scoping import require
from chuyende.core.storage import delete_after_commit
from chuyende.core.text import nfc
from chuyende.org.choices import MemberStatus
from chuyende.org.models import Member, Unit

from . import counts, selectors, uploads
from .choices import AttendanceSource, CheckinState, ExpectedMode
from .models import CODE_ALPHABET, CODE_LENGTH, Attendance, SessionPhoto, StudySession

SESSION_FIELDS = (
    "task",
    "title",
    "kind",
    "delivery",
    "date",
    "start_time",
    "place",
    "audiences",
    "expected_mode",
    "expected_number",
    "speakers",
    "materials",
    "checkin_opens_before",
)
MAX_REGISTER_ROWS = 2000


def new_code(rng=None) -> str:
    """A check-in code no other session has (6 characters from an unambiguous alphabet)."""
    choice = rng.choice if rng is not None else secrets.choice
    while True:
        code = "".join(choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not StudySession.objects.filter(code=code).exists():
            return code


def _lines(values) -> list[str]:
    return [nfc(str(v)).strip() for v in (values or []) if str(v).strip()]


def _prepare(session: StudySession, fields: dict, expected_units) -> list[Unit]:
    """Validate the session's fields and its audience; set the expected count."""
    unit = session.unit
    errors = {}
    task = fields.get("task")
    kept = session.pk is not None and task is not None and task.pk == session.task_id
    if (
        task is not None
        and not kept
        and not selectors.selectable_tasks(unit=unit).filter(pk=task.pk).exists()
    ):
        errors["task"] = _("This task was not handed to %(unit)s or a unit above it.") % {
            "unit": unit.name
        }
    fields["audiences"] = _lines(fields.get("audiences"))
    if not fields["audiences"] and task is not None:
        fields["audiences"] = list(task.audiences)
    for key in ("title", "place", "speakers", "materials"):
        if key in fields:
            fields[key] = nfc(fields[key] or "").strip()
    date = fields.get("date")
    if date and date > timezone.localdate() + datetime.timedelta(days=366):
        errors["date"] = _("The date is more than a year ahead; check the year.")
    elif date and date.year < 2000:
        errors["date"] = _("Check the year of the date.")
    units = list(expected_units or [])
    if fields.get("expected_mode") == ExpectedMode.MEMBERS:
        outside = [u.name for u in units if not u.path.startswith(unit.path)]
        if outside:
            errors["expected_units"] = _("These units are not part of %(unit)s: %(names)s") % {
                "unit": unit.name,
                "names": ", ".join(outside[:5]),
            }
        elif not units:
            errors["expected_units"] = _("Choose the units whose members are expected.")
        fields["expected_number"] = None
    else:
        units = []
        if not fields.get("expected_number"):
            errors["expected_number"] = _("Give the number of people expected.")
    if errors:
        raise ValidationError(errors)
    for key, value in fields.items():
        setattr(session, key, value)
    if session.expected_mode == ExpectedMode.MEMBERS:
        session.expected_count = selectors.count_expected(unit=unit, units=units)
    else:
        session.expected_count = session.expected_number
    return units


@transaction.atomic
def session_create(
    *, unit: Unit, acting_user, fields: dict, expected_units=(), minutes=None
) -> StudySession:
    require(acting_user, "change", unit)
    if not unit.active:
        raise ValidationError(_("This unit is closed."))
    session = StudySession(unit=unit, created_by=acting_user, code=new_code())
    fields = {key: fields[key] for key in SESSION_FIELDS if key in fields}
    units = _prepare(session, fields, expected_units)
    if minutes:
        uploads.check_minutes(minutes)
        session.minutes = minutes
    session.full_clean(exclude=["minutes"])
    session.save()
    session.expected_units.set(units)
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=session,
        unit=unit,
        changes={
            "title": session.title,
            "date": session.date.isoformat(),
            "task": session.task_id,
            "expected": session.expected_count,
        },
    )
    return session


@transaction.atomic
def session_update(
    *,
    session: StudySession,
    acting_user,
    fields: dict,
    expected_units=(),
    minutes=None,
    clear_minutes=False,
) -> StudySession:
    require(acting_user, "change", session.unit)
    fields = {key: fields[key] for key in SESSION_FIELDS if key in fields}
    old = {key: getattr(session, key) for key in fields}
    old_units = sorted(session.expected_units.values_list("pk", flat=True))
    old_expected = session.expected_count
    units = _prepare(session, fields, expected_units)
    old_minutes = session.minutes.name
    if minutes:
        uploads.check_minutes(minutes)
        session.minutes = minutes
    elif clear_minutes:
        session.minutes = ""
    session.full_clean(exclude=["minutes"])
    session.save()
    session.expected_units.set(units)
    if old_minutes and session.minutes.name != old_minutes:  # replaced or cleared
        delete_after_commit(session.minutes.storage, [old_minutes])
    changes = diff(old, {key: getattr(session, key) for key in fields})
    new_units = sorted(u.pk for u in units)
    if new_units != old_units:
        changes["expected_units"] = {"from": old_units, "to": new_units}
    if session.expected_count != old_expected:
        changes["expected"] = {"from": old_expected, "to": session.expected_count}
    if minutes or clear_minutes:
        changes["minutes"] = {"changed": True}
    if changes:
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=session,
            unit=session.unit,
            changes=changes,
        )
    return session


# Attendance -------------------------------------------------------------------------------


@transaction.atomic
def attendance_check_in(
    *, session: StudySession, member: Member, acting_user=None, now=None
) -> tuple[Attendance, bool]:
    """Check a member in by the session's code (QR link). Returns (attendance, created): a
    member already present — by an earlier check-in or ticked by an officer — is not added."""
    now = now or timezone.now()
    state = session.checkin_state(now)
    local = timezone.localtime(session.checkin_opens_at)
    if state == CheckinState.NOT_OPEN:
        raise ValidationError(
            _("Check-in for this session opens at %(time)s on %(date)s.")
            % {"time": local.strftime("%H:%M"), "date": local.strftime("%d/%m/%Y")},
            code="not_open",
        )
    if state == CheckinState.CLOSED:
        raise ValidationError(
            _("Check-in for this session closed at the end of %(date)s.")
            % {"date": session.last_checkin_day.strftime("%d/%m/%Y")},
            code="closed",
        )
    if member.status != MemberStatus.ACTIVE or not member.unit.path.startswith(session.unit.path):
        raise ValidationError(
            _("This session is for the members of %(unit)s; your union record is elsewhere.")
            % {"unit": session.unit.name},
            code="outside",
        )
    existing = selectors.attendance_of(session=session, member=member)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                session=session,
                member=member,
                source=AttendanceSource.QR,
                checked_in_at=now,
                recorded_by=acting_user if acting_user and acting_user.is_authenticated else None,
                **counts.snapshot(member.gender, member.ethnicity),
            )
    except IntegrityError:  # a second tap at the same moment
        return selectors.attendance_of(session=session, member=member), False
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=attendance,
        unit=session.unit,
        object_repr=f"{session.title} — {member.full_name}",
        changes={"source": AttendanceSource.QR.value, "session": session.pk},
    )
    return attendance, True


def _ids(values) -> set[int]:
    try:
        return {int(v) for v in values}
    except (TypeError, ValueError) as error:
        raise ValidationError(_("The list sent is not valid; reload the page.")) from error


@transaction.atomic
def attendance_register(
    *, session: StudySession, ticked, was_ticked=(), acting_user
) -> tuple[int, int]:
    """Save an officer's ticks on the name list in one go. Ticked names not yet present are
    added (one bulk insert); names that were ticked when the list was shown and are now
    unticked are removed. Someone who checked in by the code meanwhile is never removed."""
    require(acting_user, "change", session.unit)
    if not session.has_started:
        raise ValidationError(
            _("Attendance can be recorded from the day of the session (%(date)s).")
            % {"date": session.date.strftime("%d/%m/%Y")}
        )
    ticked, was_ticked = _ids(ticked), _ids(was_ticked)
    if len(ticked | was_ticked) > MAX_REGISTER_ROWS:
        raise ValidationError(_("Too many names at once; search to narrow the list."))
    present = set(
        Attendance.objects.filter(session=session, member_id__in=ticked | was_ticked).values_list(
            "member_id", flat=True
        )
    )
    to_add = ticked - present
    allowed = {}
    if to_add:
        allowed = {
            pk: counts.snapshot(gender, ethnicity)
            for pk, gender, ethnicity in Member.objects.filter(
                pk__in=to_add,
                status=MemberStatus.ACTIVE,
                unit__path__startswith=session.unit.path,
            ).values_list("pk", "gender", "ethnicity")
        }
        if to_add - set(allowed):
            raise ValidationError(
                _("Some of the people ticked are not active members of %(unit)s.")
                % {"unit": session.unit.name}
            )
    to_remove = (was_ticked - ticked) & present
    now = timezone.now()
    Attendance.objects.bulk_create(
        [
            Attendance(
                session=session,
                member_id=pk,
                source=AttendanceSource.REGISTER,
                checked_in_at=now,
                recorded_by=acting_user,
                **allowed[pk],
            )
            for pk in sorted(to_add)
        ],
        ignore_conflicts=True,
    )
    if to_remove:
        Attendance.objects.filter(session=session, member_id__in=to_remove).delete()
    if to_add or to_remove:
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=session,
            unit=session.unit,
            changes={"attendance_added": len(to_add), "attendance_removed": len(to_remove)},
        )
    return len(to_add), len(to_remove)


@transaction.atomic
def headcount_update(
    *, session: StudySession, acting_user, total: int, women: int, minority: int, members: int
) -> StudySession:
    """Head counts of the people on no list (guests, workers without a record), added on top
    of the listed members."""
    require(acting_user, "change", session.unit)
    if not session.has_started:
        raise ValidationError(
            _("Head counts can be entered from the day of the session (%(date)s).")
            % {"date": session.date.strftime("%d/%m/%Y")}
        )
    values = {"total": total, "women": women, "minority": minority, "members": members}
    errors = {}
    for key, value in values.items():
        if value is None or value < 0:
            errors[key] = _("Enter a number, 0 or more.")
    if not errors:
        for key in ("women", "minority", "members"):
            if values[key] > total:
                errors[key] = _("This cannot be more than the head count (%(total)s).") % {
                    "total": total
                }
    if errors:
        raise ValidationError(errors)
    old = {
        "headcount_total": session.headcount_total,
        "headcount_women": session.headcount_women,
        "headcount_minority": session.headcount_minority,
        "headcount_members": session.headcount_members,
    }
    new = {
        "headcount_total": total,
        "headcount_women": women,
        "headcount_minority": minority,
        "headcount_members": members,
    }
    for key, value in new.items():
        setattr(session, key, value)
    session.save(update_fields=[*new, "updated_at"])
    changes = diff(old, new)
    if changes:
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=session,
            unit=session.unit,
            changes=changes,
        )
    return session


# Photos and files ----------------------------------------------------------------------------


@transaction.atomic
def photo_add(*, session: StudySession, acting_user, image, caption: str = "") -> SessionPhoto:
    require(acting_user, "change", session.unit)
    if not image:
        raise ValidationError({"image": _("Choose a photo to upload.")})
    content_type = uploads.check_photo(image)
    photo = SessionPhoto(
        session=session,
        image=image,
        content_type=content_type,
        caption=nfc(caption or "").strip()[:255],
        added_by=acting_user,
    )
    photo.full_clean(exclude=["image"])
    photo.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=photo,
        unit=session.unit,
        object_repr=f"{session.title} — {photo}",
    )
    return photo


@transaction.atomic
def session_exported(
    *, session: StudySession, acting_user, what: str, fields=(), reason: str = ""
) -> None:
    """Attendance sheets, participant lists and minutes name people: each download is an
    export in the audit log; one with personal fields (`fields`) also says why (`reason`,
    required then: chuyende.core.reasons)."""
    changes = {"what": what}
    if fields:
        require(acting_user, "reveal", session.unit)
        changes.update(fields=list(fields), reason=clean_reason(reason))
    audit_record(
        actor=acting_user,
        action=AuditAction.EXPORT,
        obj=session,
        unit=session.unit,
        changes=changes,
    )
