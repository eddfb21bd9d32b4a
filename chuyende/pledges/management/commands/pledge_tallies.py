"""`chuyende pledge_tallies --rebuild | --check`: the pledge tallies of every unit."""

import time

from django.core.management.base import BaseCommand, CommandError

from chuyende.pledges import tallies


class Command(BaseCommand):
    help = (
        "Recount the pledge tallies from the pledge, evaluation and member rows (--rebuild, "
        "after a bulk load), or compare them with a live recount (--check; exits 1 on any "
        "difference)."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--rebuild", action="store_true", help="recount every tally")
        action.add_argument(
            "--check", action="store_true", help="compare with a live recount, change nothing"
        )
        parser.add_argument(
            "--show", type=int, default=20, help="differences to print with --check (default 20)"
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        if options["rebuild"]:
            rows = tallies.rebuild()
            self.stdout.write(
                f"Pledge tallies rebuilt in {time.monotonic() - started:.1f} s: "
                f"{rows['pledge_tally_rows']} rows."
            )
            return
        found = tallies.differences()
        elapsed = time.monotonic() - started
        if not found:
            self.stdout.write(f"Pledge tallies match a live recount ({elapsed:.1f} s).")
            return
        for key, stored, live in found[: options["show"]]:
            self.stdout.write(f"{key}: stored {stored}, live {live}")
        raise CommandError(
            f"{len(found)} pledge tallies differ from a live recount; "
            "run `chuyende pledge_tallies --rebuild`."
        )
