from django.core.management.base import BaseCommand, CommandError

from chuyende.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the database (SQLite: online backup API; PostgreSQL: "
        "pg_dump) and of the uploaded files into one .tar.gz with a manifest of every table's "
        "row count and checksum and every file's SHA-256. Restore it with `chuyende restore`. "
        "The files are read through the file storage: from MEDIA_ROOT or, when S3_BUCKET is "
        "set, every object of the bucket under S3_PREFIX is downloaded into the archive, so the "
        "archive alone restores the site (into a folder or a bucket). The bucket's own "
        "versioning or replication, if any, is a second copy beside it, not a replacement."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", default=".", help="Folder the archive is written to (default: .)"
        )
        parser.add_argument("--database", default="default", help="Database alias to back up.")

    def handle(self, *args, output, database, **options):
        try:
            path, manifest = backup(output, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = manifest["tables"]
        rows = sum(t["rows"] for t in tables.values())
        files = manifest["files"]
        size = sum(f["size"] for f in files)
        self.stdout.write(
            f"Database ({manifest['database']['vendor']}): {len(tables)} tables, {rows:,} rows"
        )
        self.stdout.write(f"Files: {len(files):,} ({size:,} bytes)")
        self.stdout.write(self.style.SUCCESS(f"Backup written: {path}"))
