"""The demo's 2024 sessions: the province's conference, the upper levels', most grassroots
unions' meetings, some not held; attendance only of members of the organiser's subtree."""

import datetime

import pytest
from django.db.models import F

from chuyende.demo.builder import build_demo
from chuyende.org.models import Unit
from chuyende.study import selectors
from chuyende.study.models import Attendance, StudySession

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    build_demo(scale=0.02)
    return Unit.objects.get(code="DLK")


def test_the_province_holds_its_conference_for_ii1_in_the_first_quarter(demo):
    own = StudySession.objects.get(unit=demo)
    assert own.task.ref == "II.1" and own.kind == "conference"
    assert datetime.date(2024, 1, 1) <= own.date <= datetime.date(2024, 3, 31)
    assert own.audiences == own.task.audiences and own.headcount_total > 0
    assert own.attendances.exists()


def test_every_upper_level_union_holds_a_conference_and_most_grassroots_a_meeting(demo):
    uppers = Unit.objects.filter(kind="upper")
    assert set(
        StudySession.objects.filter(unit__kind="upper", task__ref="II.1").values_list(
            "unit", flat=True
        )
    ) == set(uppers.values_list("pk", flat=True))
    grassroots = Unit.objects.filter(kind="grassroots").count()
    meetings = StudySession.objects.filter(unit__kind="grassroots", task__ref="II.3")
    assert 0.6 * grassroots <= meetings.count() < grassroots
    assert meetings.filter(headcount_total__gt=0, attendances__isnull=True).exists()
    assert all(s.date.year == 2024 for s in StudySession.objects.all())


def test_the_not_held_list_has_names_and_the_figures_add_up(demo):
    tinh = demo.role_assignments.get(role="manager").user
    ii3 = StudySession.objects.filter(task__ref="II.3").first().task
    result = selectors.rollup(user=tinh, unit=demo, task=ii3)
    assert result.not_held_basis == "assigned" and result.not_held
    listed = Attendance.objects.filter(session__task=ii3).count()
    assert result.total.listed == listed and 0 < result.total.rate < 100


def test_attendance_is_only_of_members_of_the_organisers_subtree_and_never_twice(demo):
    assert not Attendance.objects.exclude(
        member__unit__path__startswith=F("session__unit__path")
    ).exists()
    for session in StudySession.objects.filter(unit__kind="grassroots").select_related("unit"):
        unit = session.unit
        assert session.expected_count == selectors.count_expected(unit=unit, units=[unit])
        assert list(session.expected_units.all()) == [unit]
