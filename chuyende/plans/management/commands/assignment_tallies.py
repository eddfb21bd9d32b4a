"""`chuyende assignment_tallies --rebuild | --check`: the open-assignment tallies of every unit."""

from chuyende.org.management.tally_command import TallyCommand
from chuyende.plans import tallies


class Command(TallyCommand):
    help = (
        "Recount the open-assignment tallies (the reports dashboard's overdue tasks) from the "
        "assignment rows (--rebuild, after a bulk load), or compare them with a live recount "
        "(--check; exits 1 on any difference)."
    )
    tallies = tallies
    label = "Assignment tallies"
    rows = "{assignment_tally_rows} rows"
