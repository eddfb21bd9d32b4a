"""Ticking names, head counts and the figures: nobody is counted twice."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chuyende.core.models import AuditEvent
from chuyende.study import selectors, services
from chuyende.study.choices import AttendanceSource, ExpectedMode
from chuyende.study.models import Attendance
from conftest import make_member

from .helpers import attend, foreign_session, make_session

pytestmark = pytest.mark.django_db

SESSION_DAY = datetime.date(2024, 3, 15)
ON_THE_DAY = datetime.datetime(2024, 3, 15, 3, 0, tzinfo=datetime.UTC)  # 10:00 in Viet Nam


def _members_session(world, unit=None, **extra):
    unit = unit or world.a1
    session = make_session(
        unit, date=SESSION_DAY, expected_mode=ExpectedMode.MEMBERS, expected_count=2, **extra
    )
    session.expected_units.set([unit])
    return session


# Ticking names ----------------------------------------------------------------------------


@time_machine.travel(ON_THE_DAY)
def test_one_post_saves_every_tick_in_one_bulk_insert(client, world):
    session = _members_session(world)
    extra = [make_member(world.a1, f"Đoàn Văn Số {i}") for i in range(40)]
    client.force_login(world.carol)
    ticked = [world.an.pk, world.binh.pk, *(m.pk for m in extra)]
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            reverse("study:session_register", args=[session.pk]), {"member": ticked}
        )
    assert response.status_code == 302
    inserts = [
        q
        for q in ctx.captured_queries
        if q["sql"].startswith("INSERT") and '"study_attendance"' in q["sql"][:40]
    ]
    assert len(inserts) == 1 and len(ctx.captured_queries) < 15
    assert Attendance.objects.filter(session=session).count() == 42
    assert set(Attendance.objects.values_list("source", flat=True)) == {"register"}
    event = AuditEvent.objects.get(action="update", object_type="study.studysession")
    assert event.changes == {"attendance_added": 42, "attendance_removed": 0}


@time_machine.travel(ON_THE_DAY)
def test_ticking_someone_already_checked_in_does_not_count_them_twice(world):
    session = _members_session(world)
    attend(session, world.binh, source=AttendanceSource.QR)
    added, removed = services.attendance_register(
        session=session, ticked=[world.an.pk, world.binh.pk], acting_user=world.carol
    )
    assert (added, removed) == (1, 0)
    assert Attendance.objects.filter(session=session).count() == 2
    assert Attendance.objects.get(member=world.binh).source == "qr"  # kept as it was


@time_machine.travel(ON_THE_DAY)
def test_unticking_a_name_shown_ticked_removes_it(world):
    session = _members_session(world)
    attend(session, world.an, world.binh)
    services.attendance_register(
        session=session,
        ticked=[world.an.pk],
        was_ticked=[world.an.pk, world.binh.pk],
        acting_user=world.carol,
    )
    assert list(Attendance.objects.values_list("member", flat=True)) == [world.an.pk]


@time_machine.travel(ON_THE_DAY)
def test_a_check_in_made_while_the_list_was_open_is_never_removed(world):
    session = _members_session(world)
    # The officer opened the list with nobody ticked; binh then checked in by the code.
    attend(session, world.binh, source=AttendanceSource.QR)
    services.attendance_register(
        session=session, ticked=[world.an.pk], was_ticked=[], acting_user=world.carol
    )
    assert set(Attendance.objects.values_list("member", flat=True)) == {world.an.pk, world.binh.pk}


@time_machine.travel(ON_THE_DAY)
def test_a_member_of_another_subtree_cannot_be_ticked_and_nothing_is_saved(world):
    session = _members_session(world)
    with pytest.raises(ValidationError):
        services.attendance_register(
            session=session, ticked=[world.an.pk, world.foreign.pk], acting_user=world.carol
        )
    assert not Attendance.objects.exists()


@time_machine.travel(ON_THE_DAY)
def test_garbage_in_the_list_is_refused(client, world):
    session = _members_session(world)
    client.force_login(world.carol)
    response = client.post(
        reverse("study:session_register", args=[session.pk]), {"member": ["1; DROP"]}
    )
    assert response.status_code == 200
    assert not Attendance.objects.exists()
    assert list(response.context["messages"])


@time_machine.travel(datetime.datetime(2024, 3, 14, 3, 0, tzinfo=datetime.UTC))
def test_names_cannot_be_ticked_before_the_session_day(world):
    session = _members_session(world)
    with pytest.raises(ValidationError):
        services.attendance_register(session=session, ticked=[world.an.pk], acting_user=world.carol)


def test_a_viewer_cannot_tick_names(world):
    session = _members_session(world)
    with pytest.raises(PermissionDenied):
        services.attendance_register(session=session, ticked=[world.an.pk], acting_user=world.erin)


def test_bob_gets_404_on_the_register_of_the_sibling_subtree(client, world):
    session = foreign_session(world)
    client.force_login(world.bob)
    url = reverse("study:session_register", args=[session.pk])
    assert client.post(url, {"member": [world.an.pk]}).status_code == 404
    assert not Attendance.objects.filter(session=session, member=world.an).exists()


def test_the_list_shows_the_expected_members_and_whoever_is_already_present(client, world):
    session = _members_session(world, unit=world.a)
    session.expected_units.set([world.a1])
    make_member(world.a2, "Người Ở Bệnh Viện")
    attend(session, world.hnga)  # a2 is not in the expected units, but she came
    client.force_login(world.bob)
    response = client.get(reverse("study:session_register", args=[session.pk]))
    rows = {m.full_name: m.present for m in response.context["rows"]}
    assert rows == {"Nguyễn Văn An": False, "Trần Thị Bình": False, "H'Nga Byă": True}
    body = response.content.decode()
    assert f'name="was_ticked" value="{world.hnga.pk}"' in body
    assert 'id="register-filter"' in body and 'id="tick-shown"' in body


def test_the_list_can_be_searched_on_the_server_without_accents(client, world):
    session = _members_session(world)
    client.force_login(world.carol)
    response = client.get(reverse("study:session_register", args=[session.pk]) + "?q=binh")
    assert [m.full_name for m in response.context["rows"]] == ["Trần Thị Bình"]


def test_the_register_search_follows_the_member_search_rules(world):
    """Several words are a phrase at word starts (chuyende.org.search), as in the member list:
    "nh hoa" is inside "thinh hoang" but begins no word, so it finds nobody."""
    session = _members_session(world)
    thinh = make_member(world.a1, "Lê Văn Thịnh Hoàng")
    session.expected_units.set([world.a1])
    assert [m.pk for m in selectors.register_rows(session=session, query="thịnh hoa")[0]] == [
        thinh.pk
    ]
    assert selectors.register_rows(session=session, query="nh hoa") == ([], 0)


def test_a_long_list_is_cut_and_says_how_many_are_hidden(world, monkeypatch):
    session = _members_session(world)
    rows, total = selectors.register_rows(session=session, limit=1)
    assert len(rows) == 1 and total == 2


# Head counts and figures --------------------------------------------------------------------


@time_machine.travel(ON_THE_DAY)
def test_head_counts_are_added_on_top_of_the_listed_members(client, world):
    session = _members_session(world)
    attend(session, world.an, world.hnga)  # a man (Kinh) and an Ê Đê woman
    client.force_login(world.carol)
    response = client.post(
        reverse("study:session_headcount", args=[session.pk]),
        {"total": 5, "women": 3, "minority": 2, "members": 1},
    )
    assert response.status_code == 302
    figures = selectors.session_figures(session=type(session).objects.get(pk=session.pk))
    assert (figures.listed, figures.headcount, figures.participants) == (2, 5, 7)
    assert (figures.women, figures.minority) == (4, 3)
    assert figures.rate == pytest.approx(350.0)


@time_machine.travel(ON_THE_DAY)
def test_head_count_parts_cannot_exceed_the_total(client, world):
    session = _members_session(world)
    client.force_login(world.carol)
    response = client.post(
        reverse("study:session_headcount", args=[session.pk]),
        {"total": 5, "women": 6, "minority": 0, "members": 0},
    )
    assert response.status_code == 200
    assert "women" in response.context["form"].errors
    session.refresh_from_db()
    assert session.headcount_total == 0


@time_machine.travel(ON_THE_DAY)
def test_negative_head_counts_are_refused(client, world):
    session = _members_session(world)
    client.force_login(world.carol)
    response = client.post(
        reverse("study:session_headcount", args=[session.pk]),
        {"total": -1, "women": 0, "minority": 0, "members": 0},
    )
    assert "total" in response.context["form"].errors


@time_machine.travel(ON_THE_DAY)
def test_the_session_page_shows_participants_and_the_rate(client, world):
    session = _members_session(world)
    attend(session, world.an)
    client.force_login(world.carol)
    body = client.get(reverse("study:session_detail", args=[session.pk])).content.decode()
    assert 'data-figure="participants">1<' in body
    assert 'data-figure="rate">50,0 %<' in body  # Vietnamese decimal comma
    assert "Nguyễn Văn An" in body
    assert "<svg" in body and session.code in body


def test_a_rate_is_not_shown_when_nothing_is_expected(world):
    session = make_session(world.a1, expected_count=0, expected_number=None)
    assert selectors.session_figures(session=session).rate is None
