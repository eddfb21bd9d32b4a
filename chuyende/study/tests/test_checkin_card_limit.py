"""A card number tried with wrong dates of birth is locked whatever the address: spreading the
guesses over many addresses does not get round the per-address limit."""

import pytest
import time_machine

from chuyende.study.models import Attendance
from chuyende.study.throttle import MAX_CARD_FAILURES

from .test_checkin import MORNING, _card, session  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@time_machine.travel(MORNING)
def test_a_card_number_is_locked_after_wrong_dates_from_many_addresses(client, world, session):  # noqa: F811
    for n in range(MAX_CARD_FAILURES):
        response = _card(client, session, born="01/01/1990", ip=f"10.0.1.{n}")
        assert response.context["result"] == "not_found"
    # the right date of birth, from a fresh address: the card is locked for now
    locked = _card(client, session, ip="10.0.2.1")
    assert locked.context["result"] == "throttled"
    assert not Attendance.objects.exists()
    # another member's card from the same address is not affected
    world.binh.card_number = "DL24000002"
    world.binh.save()
    other = _card(client, session, card="DL24000002", ip="10.0.2.1")
    assert other.context["result"] == "checked_in"


@time_machine.travel(MORNING, tick=False)
def test_the_card_lock_lifts_after_fifteen_minutes(client, world, session):  # noqa: F811
    import datetime

    for n in range(MAX_CARD_FAILURES):
        _card(client, session, born="01/01/1990", ip=f"10.0.1.{n}")
    assert _card(client, session, ip="10.0.3.1").context["result"] == "throttled"
    with time_machine.travel(MORNING + datetime.timedelta(minutes=16), tick=False):
        assert _card(client, session, ip="10.0.3.2").context["result"] == "checked_in"
