import tarfile

from django.core.management.base import BaseCommand, CommandError

from chuyende.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup written by `chuyende backup` into an empty database of the same kind "
        "and the uploaded files into the file storage the site uses (MEDIA_ROOT, or the S3 "
        "bucket when S3_BUCKET is set), then check both against the backup's manifest. "
        "A database that already holds data is refused unless --yes is given (it is replaced)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz written by `chuyende backup`.")
        parser.add_argument(
            "--yes",
            "--force",
            action="store_true",
            dest="force",
            help="Replace a database that holds data, and files with other contents.",
        )

    def handle(self, *args, archive, force, **options):
        try:
            report = restore(archive, force=force)
        except (BackupError, OSError, tarfile.TarError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Database: {report.tables} tables, {report.rows:,} rows restored")
        self.stdout.write(f"Files: {report.files:,} ({report.bytes:,} bytes) restored")
        if report.pending_migrations:
            self.stdout.write(
                f"{len(report.pending_migrations)} migrations of this version are not applied "
                "to the backup yet: run `chuyende migrate`."
            )
        if not report.ok:
            for line in report.mismatches[:50]:
                self.stderr.write(line)
            raise CommandError(
                f"The restored data differ from the backup's manifest ({len(report.mismatches)} "
                "differences, listed above)."
            )
        self.stdout.write(
            self.style.SUCCESS("Checked against the manifest: every table and file matches.")
        )
