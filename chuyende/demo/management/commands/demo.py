import argparse

from django.core.management.base import BaseCommand, CommandError

from chuyende.demo.builder import accounts_table, build_demo


def scale_value(text: str):
    """--scale: a number (1 = the province as it is), `province` (= 1) or `national`."""
    word = text.strip().lower()
    if word == "province":
        return 1.0
    if word == "national":
        return word
    try:
        return float(word)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number, 'province' or 'national'"
        ) from None


class Command(BaseCommand):
    help = (
        "Load the Đắk Lắk demo: the provincial union tree as it stood in 2024, about 80,000 "
        "members and six accounts with password 'demo'. Does nothing to a database that has it. "
        "With --scale national (PostgreSQL only), also the rest of the country: 62 more "
        "provinces and 20 national sector unions, 130,000 grassroots unions, 11 million members "
        "and a year of records, written with COPY."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo (members, units, demo accounts and their roles) and rebuild it; "
            "with --scale national, delete and rebuild the national data set (the province "
            "demo is kept).",
        )
        parser.add_argument(
            "--scale",
            type=scale_value,
            default=1.0,
            help="Multiply the number of grassroots unions and members (e.g. 0.02 for tests); "
            "'province' is 1; 'national' builds the whole country (PostgreSQL only).",
        )
        parser.add_argument(
            "--fraction",
            type=float,
            default=1.0,
            help="With --scale national: build this fraction of the country's grassroots unions "
            "and members (e.g. 0.05), every province and upper-level union kept.",
        )

    def handle(self, *args, scale, reset, fraction, **options):
        if scale == "national":
            self.national(fraction=fraction, reset=reset)
            return
        try:
            result = build_demo(scale=scale, reset=reset, stdout=self.stdout)
        except ValueError as error:
            raise CommandError(str(error)) from error
        units = ", ".join(f"{kind} {count:,}" for kind, count in result["units"].items())
        self.stdout.write(f"Units: {units}")
        self.stdout.write(f"Members: {result['members']:,}")
        self.stdout.write(f"Time: {result['seconds']:.1f} s")
        self.stdout.write("")
        self.stdout.write(accounts_table(result["accounts"]))

    def national(self, *, fraction: float, reset: bool) -> None:
        from chuyende.demo.national import build_national

        try:
            result = build_national(fraction=fraction, reset=reset, stdout=self.stdout)
        except ValueError as error:
            raise CommandError(str(error)) from error
        units = ", ".join(f"{kind} {count:,}" for kind, count in result["units"].items())
        self.stdout.write("")
        self.stdout.write(f"Units: {units}")
        self.stdout.write(f"Members: {result['members']:,}")
        self.stdout.write("Rows per table:")
        width = max(len(table) for table in result["tables"])
        for table, rows in result["tables"].items():
            self.stdout.write(f"  {table.ljust(width)}  {rows:>12,}")
        for step, seconds in result["timings"].items():
            self.stdout.write(f"  time {step}: {seconds:.1f} s")
        size = result["database_size"]
        self.stdout.write(f"Database size: {size / 2**30:.2f} GiB ({size:,} bytes)")
        self.stdout.write(f"Time: {result['seconds']:.1f} s")
