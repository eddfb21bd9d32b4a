"""`chuyende pledge_tallies --rebuild | --check`: the pledge tallies of every unit."""

from chuyende.org.management.tally_command import TallyCommand
from chuyende.pledges import tallies


class Command(TallyCommand):
    help = (
        "Recount the pledge tallies from the pledge, evaluation and member rows (--rebuild, "
        "after a bulk load), or compare them with a live recount (--check; exits 1 on any "
        "difference)."
    )
    tallies = tallies
    label = "Pledge tallies"
    rows = "{pledge_tally_rows} rows"
