from django.core.management.base import BaseCommand, CommandError

from chuyende.demo.builder import accounts_table, build_demo


class Command(BaseCommand):
    help = (
        "Load the Đắk Lắk demo: the provincial union tree as it stood in 2024, about 80,000 "
        "members and six accounts with password 'demo'. Does nothing to a database that has it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo (members, units, demo accounts and their roles) and rebuild it.",
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply the number of grassroots unions and members (e.g. 0.02 for tests).",
        )

    def handle(self, *args, scale, reset, **options):
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
