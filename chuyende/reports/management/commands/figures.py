from django.core.management.base import BaseCommand, CommandError

from chuyende.reports.figures import refresh, refresh_all
from chuyende.reports.models import ReportingPeriod


class Command(BaseCommand):
    help = (
        "Recompute the stored report figures (every period, or one with --period CODE). "
        "The task worker does this by itself when pages find them older than FIGURES_MAX_AGE."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help="Only this period's code (e.g. 2024S1).")

    def handle(self, *args, period=None, **options):
        if period is None:
            refresh_all(stdout=self.stdout)
            return
        found = ReportingPeriod.objects.filter(code=period).first()
        if found is None:
            raise CommandError(f"No reporting period with the code {period!r}.")
        figure_set = refresh(period=found)
        self.stdout.write(f"{found.code}: {figure_set.rows:,} figures in {figure_set.took_ms} ms")
