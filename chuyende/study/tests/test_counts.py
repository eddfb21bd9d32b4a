"""The sessions' listed counts (chuyende.study.counts): kept by every write to attendance, the
members noted as they were when listed, equal to a recount."""

import threading

import pytest
from django.db import connection, transaction

from chuyende.org.models import Member
from chuyende.study import counts, selectors
from chuyende.study.models import Attendance, StudySession
from conftest import make_member

from .helpers import attend, make_session

pytestmark = pytest.mark.django_db


def listed(session):
    session.refresh_from_db()
    return session.listed_count, session.listed_women, session.listed_minority


def test_every_orm_write_keeps_the_session_counts(world):
    session = make_session(world.a1)
    other = make_session(world.a2)
    attend(session, world.an, world.binh, world.hnga)  # a man, a woman, an Ê Đê woman
    assert listed(session) == (3, 2, 1)
    Attendance.objects.filter(session=session, member=world.binh).delete()
    assert listed(session) == (2, 1, 1)
    Attendance.objects.filter(session=session, member=world.hnga).update(session=other)
    assert listed(session) == (1, 0, 0) and listed(other) == (1, 1, 1)
    row = Attendance.objects.get(session=session)
    row.delete()
    assert listed(session) == (0, 0, 0)
    Attendance(session=session, member=world.binh, source="qr").save()
    assert listed(session) == (1, 1, 0)
    assert counts.stale() == []


def test_a_member_is_counted_as_they_were_when_listed(world):
    session = make_session(world.a1)
    attend(session, world.hnga)
    Member.objects.filter(pk=world.hnga.pk).update(gender="male", ethnicity="Kinh")
    assert listed(session) == (1, 1, 1)
    counts.recount_all()  # rows already noted keep their note
    assert listed(session) == (1, 1, 1)
    figures = selectors.session_figures(session=StudySession.objects.get(pk=session.pk))
    assert (figures.listed, figures.listed_women, figures.listed_minority) == (1, 1, 1)


def test_a_deleted_member_leaves_the_counts(world):
    session = make_session(world.a1)
    gone = make_member(world.a1, "Lê Thị Gone")
    attend(session, world.an, gone)
    assert listed(session) == (2, 1, 0)
    Member.objects.filter(pk=gone.pk).delete()
    assert listed(session) == (1, 0, 0)
    assert counts.stale() == []


def test_a_raw_load_is_noted_and_counted_by_recount_all(world):
    session = make_session(world.a1)
    attend(session, world.an, world.hnga)
    # rows written by raw SQL: no note, no count
    StudySession.objects.filter(pk=session.pk).update(listed_count=0, listed_women=0)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Attendance._meta.db_table} SET woman = NULL, minority = NULL")
    assert counts.stale() == [session.pk]
    assert counts.recount_all() >= 1
    assert listed(session) == (2, 1, 1) and counts.stale() == []


def test_the_rollup_reads_the_session_counts_not_the_attendance_rows(
    world, django_assert_max_num_queries
):
    session = make_session(world.a1, headcount_total=5, headcount_women=2)
    attend(session, world.an, world.binh, world.hnga)
    with django_assert_max_num_queries(6) as captured:
        result = selectors.rollup(user=world.bob, unit=world.a)
    assert not any("study_attendance" in q["sql"] for q in captured.captured_queries)
    row = next(r for r in result.rows if r.unit == world.a1)
    assert (row.listed, row.headcount, row.women, row.minority) == (3, 5, 4, 1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one writer at a time anyway"
)
def test_two_check_ins_at_the_same_moment_both_count(world):
    """The first check-in holds its transaction open while the second writes and recounts: the
    second waits for the session's lock and counts the first's row once it is committed."""
    session = make_session(world.a1)
    first_wrote = threading.Event()
    errors = []

    def check_in(member, hold):
        try:
            with transaction.atomic():
                Attendance.objects.create(session=session, member=member, source="qr")
                if hold:
                    first_wrote.set()
                    threading.Event().wait(0.5)  # keep the lock a moment
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    def second():
        first_wrote.wait(10)
        check_in(world.binh, hold=False)

    threads = [
        threading.Thread(target=check_in, args=(world.an, True)),
        threading.Thread(target=second),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not errors
    assert listed(session) == (2, 1, 0)
    assert counts.stale() == []
