import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chuyende.reports.reminders import DAYS_BEFORE, run_day


class Command(BaseCommand):
    help = "Create the day's report reminders and escalations, and send the e-mail digests."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to run for, YYYY-MM-DD (default: today)")
        parser.add_argument("--days-before", type=int, default=DAYS_BEFORE)
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="queue tomorrow's run for the task worker (it then re-queues itself daily), "
            "unless one is waiting; sends nothing now",
        )

    def handle(self, *args, **options):
        try:
            day = (
                datetime.date.fromisoformat(options["date"])
                if options["date"]
                else timezone.localdate()
            )
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD: {options['date']}") from exc
        if options["days_before"] < 0:
            raise CommandError("--days-before must be 0 or more")
        if options["schedule"]:
            from chuyende.reports.tasks import ensure_scheduled

            queued = ensure_scheduled(days_before=options["days_before"])
            self.stdout.write(
                f"daily reminders queued: {queued}"
                if queued
                else "daily reminders already queued (or the task backend cannot defer)"
            )
            return
        result = run_day(day=day, days_before=options["days_before"])
        self.stdout.write(
            f"{day.isoformat()}: {result['notifications']} notifications, "
            f"{result['emails']} e-mails"
        )
