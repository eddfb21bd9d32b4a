"""`chuyende org_tallies --rebuild | --check`: the member and unit tallies of every unit."""

import time

from django.core.management.base import BaseCommand, CommandError

from chuyende.org import tallies


class Command(BaseCommand):
    help = (
        "Recount the member and unit tallies from the member and unit rows (--rebuild, after a "
        "bulk load), or compare them with a live recount (--check; exits 1 on any difference)."
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
                f"Tallies rebuilt in {time.monotonic() - started:.1f} s: "
                f"{rows['member_tally_rows']} member rows, {rows['unit_tally_rows']} unit rows."
            )
            return
        found = tallies.differences()
        elapsed = time.monotonic() - started
        if not found:
            self.stdout.write(f"Tallies match a live recount ({elapsed:.1f} s).")
            return
        for table, key, stored, live in found[: options["show"]]:
            self.stdout.write(f"{table} {key}: stored {stored}, live {live}")
        raise CommandError(
            f"{len(found)} tallies differ from a live recount; "
            "run `chuyende org_tallies --rebuild`."
        )
