"""The `--rebuild | --check` commands of the tallies share one base
(chuyende.org.management.tally_command): each says what it said before, word for word."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chuyende.org.models import MemberTally, UnitTally
from chuyende.pledges.models import PledgeTally
from chuyende.pledges.tests.helpers import make_pledge, make_template

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _failing(*args) -> tuple[str, str]:
    """(what the command printed, its error) for a check that finds differences."""
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(*args, stdout=out)
    return out.getvalue(), str(raised.value)


def test_org_tallies_says_what_it_said(world):
    assert re.fullmatch(
        r"Tallies match a live recount \(\d+\.\d s\)\.\n", _run("org_tallies", "--check")
    )
    row = MemberTally.objects.filter(unit=world.province).order_by("pk").first()
    MemberTally.objects.filter(pk=row.pk).update(n=99)
    out, error = _failing("org_tallies", "--check")
    key = (row.unit_id, row.status, row.gender, row.ethnicity, row.officer)
    assert out == f"members {key}: stored 99, live {row.n}\n"
    assert error == "1 tallies differ from a live recount; run `chuyende org_tallies --rebuild`."
    assert re.fullmatch(
        r"Tallies rebuilt in \d+\.\d s: "
        rf"{MemberTally.objects.count()} member rows, {UnitTally.objects.count()} unit rows\.\n",
        _run("org_tallies", "--rebuild"),
    )
    rebuilt = MemberTally.objects.get(
        unit=world.province,
        status=row.status,
        gender=row.gender,
        ethnicity=row.ethnicity,
        officer=row.officer,
    )
    assert rebuilt.n == row.n


def test_pledge_tallies_says_what_it_said(world):
    make_pledge(world.binh, make_template(world.province))
    assert re.fullmatch(
        r"Pledge tallies match a live recount \(\d+\.\d s\)\.\n", _run("pledge_tallies", "--check")
    )
    row = PledgeTally.objects.get(unit=world.province)
    PledgeTally.objects.filter(pk=row.pk).update(n=7)
    out, error = _failing("pledge_tallies", "--check", "--show", "5")
    key = (row.unit_id, row.year, row.status, row.active, row.gender, row.minority)
    assert out == f"{(*key, row.rating, row.title)}: stored 7, live 1\n"
    assert error == (
        "1 pledge tallies differ from a live recount; run `chuyende pledge_tallies --rebuild`."
    )
    rows = PledgeTally.objects.count()
    assert re.fullmatch(
        rf"Pledge tallies rebuilt in \d+\.\d s: {rows} rows\.\n",
        _run("pledge_tallies", "--rebuild"),
    )
    assert PledgeTally.objects.get(unit=world.province).n == 1


def test_check_shows_at_most_the_differences_asked_for(world):
    wrong = MemberTally.objects.filter(unit=world.a1).update(n=50)
    out, error = _failing("org_tallies", "--check", "--show", "1")
    assert wrong > 1 and len(out.splitlines()) == 1
    assert error.startswith(f"{wrong} tallies differ")
