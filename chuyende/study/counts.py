"""The listed-member counts of each study session, kept on the session row.

Each attendance row notes whether its member was a woman and of an ethnic minority when listed
(`Attendance.woman`, `Attendance.minority`: `note()`, from the member unless given); each
session holds how many members are listed at it and how many of them are women and of an ethnic
minority (`StudySession.listed_count`, `listed_women`, `listed_minority`). Every write to
attendance through the ORM (`save()`, `delete()`, the queryset's `bulk_create()`, `update()`,
`delete()`) notes the new rows and recounts the sessions written to, in the same transaction
(`recount()`: one UPDATE, a session lists at most a few hundred people); a member deleted takes
their rows away first (the member tallies' follower hook, `members_deleting`). Bulk loads with
raw SQL (the national data set) call `recount_all()`.

The roll-ups and the report figures then add up session rows instead of counting attendance
rows joined to members: the nation's study roll-up read 5.6 million attendance rows and their
members (8.3 s) for numbers that 150,000 session rows hold.
"""

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from chuyende.org.choices import MAJORITY_ETHNICITY, Gender
from chuyende.org.models import Member

from .models import Attendance, StudySession


def snapshot(gender: str, ethnicity: str) -> dict:
    """The attendance columns noting the member as listed."""
    return {"woman": gender == Gender.FEMALE, "minority": ethnicity != MAJORITY_ETHNICITY}


def note(rows) -> None:
    """Note the members of attendance rows not yet noted (woman / minority None), one query."""
    wanted = {row.member_id for row in rows if row.woman is None or row.minority is None}
    if not wanted:
        return
    found = {
        pk: snapshot(gender, ethnicity)
        for pk, gender, ethnicity in Member.objects.filter(pk__in=wanted).values_list(
            "pk", "gender", "ethnicity"
        )
    }
    for row in rows:
        if row.member_id in found and (row.woman is None or row.minority is None):
            row.woman = found[row.member_id]["woman"]
            row.minority = found[row.member_id]["minority"]


def _count(condition: Q | None = None):
    rows = Attendance.objects.filter(session=OuterRef("pk"))
    if condition is not None:
        rows = rows.filter(condition)
    return Coalesce(
        Subquery(
            rows.order_by().values("session").annotate(n=Count("id")).values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _update(sessions) -> int:
    return sessions.update(
        listed_count=_count(),
        listed_women=_count(Q(woman=True)),
        listed_minority=_count(Q(minority=True)),
    )


def recount(session_ids) -> None:
    """Recount these sessions' listed members from their attendance rows. The session rows are
    locked first (in id order), in a statement of their own: two check-ins at the same session
    then count one after the other, the second seeing the first's row once it is committed (an
    UPDATE counting in the snapshot it started with would miss a row committed while it
    waited for the lock, and lose a check-in)."""
    ids = sorted({pk for pk in session_ids if pk is not None})
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        list(
            StudySession.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        _update(StudySession.objects.filter(pk__in=chunk))


def recount_all() -> int:
    """After a bulk load with raw SQL: note the attendance rows the load did not note from their
    members as they are now, then recount every session. Returns the number of sessions."""
    member = Member.objects.filter(pk=OuterRef("member_id"))
    unnoted = Attendance.objects.filter(Q(woman__isnull=True) | Q(minority__isnull=True))
    # Django's own update: every session is recounted below anyway
    QuerySet.update(
        unnoted,
        woman=Exists(member.filter(gender=Gender.FEMALE)),
        minority=Exists(member.exclude(ethnicity=MAJORITY_ETHNICITY)),
    )
    return _update(StudySession.objects.all())


def stale() -> list[int]:
    """The sessions whose stored counts differ from a recount of their attendance rows."""
    return list(
        StudySession.objects.annotate(
            n=_count(), w=_count(Q(woman=True)), m=_count(Q(minority=True))
        )
        .exclude(listed_count=F("n"), listed_women=F("w"), listed_minority=F("m"))
        .values_list("pk", flat=True)
    )


# The member tallies' followers (chuyende.org.tallies.FOLLOWERS) -----------------------------------


def members_deleting(members) -> None:
    """Before these members are deleted: their attendance rows go with them (cascade), so their
    sessions are recounted without them."""
    Attendance.objects.filter(member__in=members.order_by().values("pk")).delete()


def members_changed(changes) -> None:
    """A member's record changed: the sessions keep them as they were when listed."""


def members_moved(source, target) -> None:
    """Members moved between units: sessions count people, wherever they belong now."""


def unit_moved(pk, old_parent, new_parent) -> None:
    """Sessions follow their unit's path; nothing is stored per ancestor."""
