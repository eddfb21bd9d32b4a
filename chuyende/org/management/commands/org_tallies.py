"""`chuyende org_tallies --rebuild | --check`: the member and unit tallies of every unit."""

from chuyende.org import tallies
from chuyende.org.management.tally_command import TallyCommand


class Command(TallyCommand):
    help = (
        "Recount the member and unit tallies from the member and unit rows (--rebuild, after a "
        "bulk load), or compare them with a live recount (--check; exits 1 on any difference)."
    )
    tallies = tallies
    label = "Tallies"
    rows = "{member_tally_rows} member rows, {unit_tally_rows} unit rows"
