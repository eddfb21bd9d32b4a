"""The public check-in pages: by the QR link or the typed code, logged in or by card number and
date of birth; the window; the limit on failed tries; never counted twice."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from chuyende.core.models import AuditEvent
from chuyende.study.choices import AttendanceSource
from chuyende.study.models import Attendance
from chuyende.study.throttle import MAX_FAILURES

from .helpers import attend, foreign_session, make_session

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 3, 15)
MORNING = datetime.datetime(2024, 3, 15, 1, 30, tzinfo=datetime.UTC)  # 08:30 in Viet Nam


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def session(world):
    world.an.card_number = "DL24000001"
    world.an.save()
    return make_session(world.a1, date=DAY, title="Sinh hoạt chuyên đề Lê Lợi")


def _url(session):
    return reverse("study:checkin", args=[session.code])


def _card(client, session, card="DL24000001", born="02/03/1985", **extra):
    return client.post(
        _url(session), {"card_number": card, "date_of_birth": born, **extra}, **_ip(extra)
    )


def _ip(extra):
    return {"REMOTE_ADDR": extra.pop("ip", "10.0.0.1")}


@time_machine.travel(MORNING)
def test_the_check_in_page_opens_without_logging_in(client, session):
    response = client.get(_url(session))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sinh hoạt chuyên đề Lê Lợi" in body and 'name="card_number"' in body


@time_machine.travel(MORNING)
def test_a_member_checks_in_with_card_number_and_date_of_birth(client, world, session):
    response = _card(client, session)
    assert response.context["result"] == "checked_in"
    attendance = Attendance.objects.get()
    assert (attendance.member, attendance.source) == (world.an, "qr")
    event = AuditEvent.objects.get(object_type="study.attendance")
    assert event.actor is None and event.unit == world.a1
    assert "1985" not in str(event.changes)  # no personal data in the audit row


@time_machine.travel(MORNING)
def test_the_card_number_is_read_without_spaces_and_case(client, world, session):
    assert _card(client, session, card=" dl24 000001 ").context["result"] == "checked_in"


@time_machine.travel(MORNING)
def test_checking_in_twice_counts_once_and_says_already(client, world, session):
    _card(client, session)
    response = _card(client, session)
    assert response.context["result"] == "already"
    assert Attendance.objects.count() == 1


@time_machine.travel(MORNING)
def test_a_member_already_ticked_by_an_officer_is_told_so_and_not_added(client, world, session):
    attend(session, world.an, source=AttendanceSource.REGISTER)
    assert _card(client, session).context["result"] == "already"
    assert Attendance.objects.get().source == "register"


@time_machine.travel(MORNING)
def test_a_wrong_date_of_birth_and_an_unknown_card_get_the_same_message(client, world, session):
    wrong_birth = _card(client, session, born="03/03/1985")
    unknown = _card(client, session, card="DL24999999")
    assert wrong_birth.context["result"] == unknown.context["result"] == "not_found"
    assert wrong_birth.context["message"] == unknown.context["message"]
    assert not Attendance.objects.exists()


@time_machine.travel(MORNING)
def test_a_member_of_another_subtree_gets_the_same_message_as_an_unknown_card(
    client, world, session
):
    world.foreign.card_number = "DL24000099"
    world.foreign.save()
    response = _card(client, session, card="DL24000099")
    assert response.context["result"] == "not_found"
    assert not Attendance.objects.exists()


@time_machine.travel(MORNING)
def test_failed_tries_are_limited_per_address_and_session(client, world, session):
    for _ in range(MAX_FAILURES):
        _card(client, session, card="DL24999999")
    blocked = _card(client, session)  # even the right card is refused now
    assert blocked.context["result"] == "throttled"
    assert not Attendance.objects.exists()
    other_address = _card(client, session, ip="10.0.0.2")
    assert other_address.context["result"] == "checked_in"


@time_machine.travel(MORNING)
def test_the_limit_lifts_after_fifteen_minutes(client, world, session):
    for _ in range(MAX_FAILURES):
        _card(client, session, card="DL24999999")
    with time_machine.travel(MORNING + datetime.timedelta(minutes=16)):
        cache_is_time_based = _card(client, session).context["result"]
    # locmem honours expiry by the clock
    assert cache_is_time_based == "checked_in"


@time_machine.travel(MORNING)
def test_a_logged_in_member_checks_in_with_one_tap(client, world, session):
    client.force_login(world.dave)  # linked to binh
    page = client.get(_url(session))
    assert 'id="checkin-me"' in page.content.decode()
    response = client.post(_url(session), {"as_member": "1"})
    assert response.context["result"] == "checked_in"
    assert Attendance.objects.get().member == world.binh
    again = client.get(_url(session))
    assert again.context["result"] == "already"
    client.post(_url(session), {"as_member": "1"})
    assert Attendance.objects.count() == 1


@time_machine.travel(MORNING)
def test_a_logged_in_member_of_another_subtree_is_told_the_session_is_not_theirs(client, world):
    session = foreign_session(world)
    session.date = DAY
    session.save()
    client.force_login(world.dave)
    response = client.post(_url(session), {"as_member": "1"})
    assert response.context["result"] == "outside"
    assert not Attendance.objects.filter(member=world.binh).exists()


@time_machine.travel(datetime.datetime(2024, 3, 14, 10, 0, tzinfo=datetime.UTC))
def test_check_in_is_not_open_before_the_session_day(client, world, session):
    page = client.get(_url(session))
    assert 'data-result="not_open"' in page.content.decode()
    assert _card(client, session).context["result"] == "not_open"
    assert not Attendance.objects.exists()


def test_check_in_opens_the_chosen_time_before_the_day(client, world, session):
    session.checkin_opens_before = 3
    session.save()
    with time_machine.travel(datetime.datetime(2024, 3, 14, 13, 59, tzinfo=datetime.UTC)):
        assert session.checkin_state() == "not_open"  # 20:59 the day before
    with time_machine.travel(datetime.datetime(2024, 3, 14, 14, 0, tzinfo=datetime.UTC)):
        assert _card(client, session).context["result"] == "checked_in"  # 21:00


def test_check_in_stays_open_the_day_after_and_then_expires(client, world, session):
    with time_machine.travel(datetime.datetime(2024, 3, 16, 16, 59, tzinfo=datetime.UTC)):
        assert session.checkin_state() == "open"  # 23:59 the day after
    with time_machine.travel(datetime.datetime(2024, 3, 16, 17, 0, tzinfo=datetime.UTC)):
        page = client.get(_url(session))
        assert 'data-result="closed"' in page.content.decode()
        assert _card(client, session).context["result"] == "closed"
    assert not Attendance.objects.exists()


def test_an_unknown_code_says_so(client, world):
    response = client.get(reverse("study:checkin", args=["ZZZZZZ"]))
    assert response.status_code == 404
    assert 'data-result="unknown_code"' in response.content.decode()


@time_machine.travel(MORNING)
def test_typing_the_code_opens_its_check_in_page(client, session):
    typed = session.code[:3].lower() + "-" + session.code[3:]
    response = client.get(reverse("study:checkin_start") + f"?code={typed}")
    assert response.status_code == 302 and response["Location"] == _url(session)


def test_a_wrong_typed_code_says_so_and_counts_towards_the_limit(client, world):
    for _ in range(MAX_FAILURES):
        response = client.get(reverse("study:checkin_start") + "?code=ZZZZZZ")
        assert response.context["form"].errors["code"]
    session = make_session(world.a1)
    blocked = client.get(reverse("study:checkin_start") + f"?code={session.code}")
    assert blocked.status_code == 200 and blocked.context["blocked"]


def test_a_code_of_the_wrong_length_gets_a_clear_message(client):
    response = client.get(reverse("study:checkin_start") + "?code=ABC")
    assert response.context["form"].errors["code"]
