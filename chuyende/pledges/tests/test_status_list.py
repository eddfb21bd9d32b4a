"""The pledge list filtered by a status starts from the units whose tallies hold such pledges
(chuyende.pledges.selectors.pledge_page): it shows exactly what the scoping function lets each
user see, in the members' name order, page after page."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chuyende.org.models import RoleAssignment
from chuyende.pledges import selectors
from chuyende.pledges.choices import PledgeStatus
from chuyende.pledges.models import Pledge
from conftest import make_member

from .helpers import make_pledge, make_template

pytestmark = pytest.mark.django_db
YEAR = 2024
STATUSES = [
    PledgeStatus.DRAFT,
    PledgeStatus.SUBMITTED,
    PledgeStatus.RETURNED,
    PledgeStatus.ACCEPTED,
]


@pytest.fixture
def spread(world):
    """Pledges of every status in every union, and an officer of B whose own (returned) pledge
    lies in A1, outside the subtree they manage."""
    template = make_template(world.province)
    units = [world.a1, world.a2, world.b1]
    for i in range(14):
        member = make_member(units[i % 3], f"Đoàn Viên Số {i:02d}")
        make_pledge(member, template, status=STATUSES[i % 4])
    make_pledge(world.binh, template, status=PledgeStatus.RETURNED)  # dave's own
    world.outsider = get_user_model().objects.create_user(username="outsider", password="pw")
    RoleAssignment.objects.create(user=world.outsider, unit=world.b, role="manager")
    own = make_member(world.a2, "Chính Mình", user=world.outsider)
    make_pledge(own, template, status=PledgeStatus.RETURNED)
    return world


def _expected(user, status, unit=None):
    rows = Pledge.objects.for_user(user).filter(year=YEAR, is_current=True, status=status)
    if unit is not None:
        rows = rows.filter(member__unit__path__startswith=unit.path)
    return list(rows.order_by("member__sort_key", "member_id").values_list("pk", flat=True))


def _listed(user, status, unit=None, size=4):
    seen, after = [], ""
    while True:
        page = selectors.pledge_page(
            user=user, year=YEAR, unit=unit, status=status, after=after, size=size
        )
        seen += [p.pk for p in page]
        if not page.next_after:
            return seen
        after = page.next_after


@pytest.mark.parametrize("status", STATUSES)
def test_every_user_sees_the_pledges_of_a_status_the_rule_gives(spread, status):
    w = spread
    for user in (w.admin, w.alice, w.bob, w.carol, w.dave, w.mallory, w.erin, w.outsider):
        assert _listed(user, status) == _expected(user, status), (user.username, status)
    for unit in (w.a, w.a2, w.b):
        assert _listed(w.alice, status, unit) == _expected(w.alice, status, unit)
    assert _listed(w.admin, status)  # every status is there


def test_own_pledges_outside_the_subtree_are_listed(spread):
    returned = _listed(spread.outsider, PledgeStatus.RETURNED)
    mine = Pledge.objects.get(member__user=spread.outsider)
    assert mine.pk in returned and len(returned) > 1  # and B1's
    assert _listed(spread.dave, PledgeStatus.RETURNED) == [
        Pledge.objects.get(member=spread.binh).pk
    ]


def test_the_list_of_a_status_starts_from_the_tallies(spread):
    """No query more than without a status: the units come into the page's own query, as a
    subquery of the tallies."""
    selectors.pledge_page(user=spread.alice, year=YEAR)  # the scope, cached on the user
    counts = []
    for status in ("", PledgeStatus.RETURNED):
        with CaptureQueriesContext(connection) as ctx:
            selectors.pledge_page(user=spread.alice, year=YEAR, status=status)
        counts.append(len(ctx.captured_queries))
        page_sql = next(q["sql"] for q in ctx.captured_queries if "ORDER BY" in q["sql"])
        assert ("pledges_pledgetally" in page_sql) == bool(status)
    assert counts[0] == counts[1] == 3  # the scope's units (few: named), the page, its pledges
