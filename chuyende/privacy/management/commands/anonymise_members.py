from django.core.management.base import BaseCommand, CommandError

from chuyende.privacy.anonymise import anonymise, retention_days
from chuyende.privacy.files import work_file_days


class Command(BaseCommand):
    help = (
        "Anonymise members who left (or transferred out) more than PRIVACY_RETENTION_DAYS ago: "
        "their personal data is replaced, the files naming them deleted, the figures stay the "
        "same; and delete the working files of imports and exports older than "
        "PRIVACY_WORK_FILE_DAYS."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="count the members due, change nothing"
        )
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="only make sure the nightly task is queued for the task worker, then exit",
        )
        parser.add_argument("--batch", type=int, default=500, help="members per transaction")

    def handle(self, *args, **options):
        if options["schedule"]:
            from chuyende.privacy.tasks import ensure_scheduled

            queued = ensure_scheduled()
            self.stdout.write(
                f"nightly anonymisation queued ({queued})" if queued else "already queued"
            )
            return
        if options["batch"] < 1:
            raise CommandError("--batch must be 1 or more")
        result = anonymise(trigger="command", dry_run=options["dry_run"], batch=options["batch"])
        verb = "due (dry run, nothing changed)" if result["dry_run"] else "anonymised"
        self.stdout.write(
            f"{result['members']} members {verb}; left before {result['cutoff']:%Y-%m-%d} "
            f"(retention {retention_days()} days), {result['batches']} batches"
        )
        removed, old = result["removed"], result["old_work"]
        if not result["dry_run"]:
            self.stdout.write(
                f"files and stored rows naming them: {removed['files']} photos and evidence "
                f"files, {removed['imports']} import sheets, {removed['exports']} exports, "
                f"{removed['pledge_imports']} pledge imports"
            )
        gone = "due" if result["dry_run"] else "deleted"
        self.stdout.write(
            f"working files older than {work_file_days()} days {gone}: {old['imports']} import "
            f"sheets, {old['exports']} exports, {old['pledge_imports']} pledge imports"
        )
