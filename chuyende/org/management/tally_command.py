"""The `--rebuild | --check` command of a module of tallies kept on every write
(`chuyende org_tallies`, `chuyende pledge_tallies`, `chuyende assignment_tallies`).

The module gives `rebuild()` (a full recount, returning row counts) and `differences()` (each
difference from a live recount as a tuple ending with the stored and the live count). A command
names its module, its label and how to describe the rows a rebuild wrote (a format string over
rebuild()'s counts)."""

import time

from django.core.management.base import BaseCommand, CommandError


class TallyCommand(BaseCommand):
    tallies = None  # the module: rebuild(), differences()
    label = "Tallies"  # "<label> rebuilt in …", "<label> match a live recount …"
    rows = "{rows} rows"  # what a rebuild wrote, formatted with rebuild()'s counts
    help = "Recount the tallies (--rebuild) or compare them with a live recount (--check)."

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
            counted = self.tallies.rebuild()
            self.stdout.write(
                f"{self.label} rebuilt in {time.monotonic() - started:.1f} s: "
                f"{self.rows.format(**counted)}."
            )
            return
        found = self.tallies.differences()
        elapsed = time.monotonic() - started
        if not found:
            self.stdout.write(f"{self.label} match a live recount ({elapsed:.1f} s).")
            return
        for *where, stored, live in found[: options["show"]]:
            self.stdout.write(
                f"{' '.join(str(part) for part in where)}: stored {stored}, live {live}"
            )
        command = type(self).__module__.rsplit(".", 1)[-1]
        raise CommandError(
            f"{len(found)} {self.label.lower()} differ from a live recount; "
            f"run `chuyende {command} --rebuild`."
        )
