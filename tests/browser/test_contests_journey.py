"""Issue 9 journey, on a phone (360×740), without logging in: a worker registers with her name,
phone and union (found by typing part of its name), takes a round, reloads in the middle (her
answers survive), submits and sees her score; a second attempt beyond the one allowed is
refused with a clear message; the unit leaderboard moves."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from chuyende.contests.models import Attempt, Contest, Participant, Round
from chuyende.demo.builder import CITY_CODE, GRASSROOTS_CODE, build_demo
from chuyende.org.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def test_a_worker_registers_takes_a_round_and_the_unit_leaderboard_moves(page, live_server):
    build_demo(scale=0.02, plan=True)
    contest = Contest.objects.get()
    now = timezone.now()
    round_ = Round.objects.create(
        contest=contest,
        number=3,
        opens_at=now - datetime.timedelta(minutes=5),
        closes_at=now + datetime.timedelta(days=1),
        attempts_allowed=1,
        questions_per_attempt=5,
        time_limit_minutes=20,
    )
    school = Unit.objects.get(code=GRASSROOTS_CODE)
    city = Unit.objects.get(code=CITY_CODE)
    base = live_server.url
    page.set_viewport_size(PHONE)
    board_url = f"{base}/thi/{contest.pk}/rounds/{round_.pk}/leaderboard/?unit={city.pk}"
    school_row = page.locator(f'#unit-table tr[data-unit="{school.pk}"]')

    page.goto(board_url)
    expect(school_row).to_have_attribute("data-entries", "0")

    # Register: name, phone, the union found by typing part of its name, the sum check.
    page.goto(f"{base}/thi/{contest.pk}/")
    expect(page.locator("#ranking-rule li")).to_have_count(4)
    page.locator("#register-link").click()
    page.locator("#id_full_name").fill("H'Luyến Niê")
    page.locator("#id_phone").fill("0905123456")
    page.locator("#id_unit_search").fill("phan chu trinh")
    expect(page.locator(f'#id_unit option[value="{school.pk}"]')).to_have_count(1)
    page.locator("#id_unit").select_option(str(school.pk))
    label = page.locator('label[for="id_challenge"]').inner_text()
    a, b = map(int, re.search(r"(\d+)\s*\+\s*(\d+)", label).groups())
    page.locator("#id_challenge").fill(str(a + b))
    page.locator("#register").click()
    expect(page.locator("#participant")).to_be_visible()
    assert Participant.objects.get(phone="0905123456").unit == school

    # A second tab kept open on the contest page, with its Start button.
    other = page.context.new_page()
    other.set_viewport_size(PHONE)
    other.goto(f"{base}/thi/{contest.pk}/")
    expect(other.locator("#start-3")).to_be_visible()

    # Take the round: answer two questions, reload, the answers are still there.
    page.locator("#start-3").click()
    expect(page.locator("#attempt-form")).to_be_visible()
    fieldsets = page.locator("#attempt-form fieldset")
    expect(fieldsets).to_have_count(5)
    first_choices = []
    for index in range(2):
        choice = fieldsets.nth(index).locator("input").first
        choice.check()
        first_choices.append(choice.get_attribute("id"))
    page.locator("#prediction").fill("1500")
    page.reload()
    for choice_id in first_choices:
        expect(page.locator(f"#{choice_id}")).to_be_checked()
    expect(page.locator("#prediction")).to_have_value("1500")
    for index in range(2, 5):
        fieldsets.nth(index).locator("input").first.check()
    page.locator("#submit-attempt").click()

    # The score.
    expect(page.locator("#score")).to_be_visible()
    attempt = Attempt.objects.get(participant__phone="0905123456")
    assert attempt.status == "submitted" and len(attempt.answers) == 5
    assert attempt.prediction == 1500
    expect(page.locator("#score")).to_have_attribute("data-score", str(attempt.score))
    expect(page.locator("#start-again")).to_have_count(0)

    # A second attempt from the other tab is refused, clearly.
    other.locator("#start-3").click()
    expect(other.locator(".alert-danger")).to_contain_text("1")
    expect(other.locator("#no-attempts-3")).to_be_visible()
    assert Attempt.objects.filter(participant__phone="0905123456").count() == 1

    # The unit leaderboard moved.
    page.goto(board_url)
    expect(school_row).to_have_attribute("data-entries", "1")
    # (the individual list is served from a cache refreshed every half minute)
