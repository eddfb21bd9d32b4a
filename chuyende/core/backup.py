"""Backup and restore of the whole installation: the database and the uploaded files.

`chuyende backup` writes one archive (.tar.gz):

    manifest.json        version, time, database vendor, every table's row count and content
                         checksum, every file's size and SHA-256
    database/db.sqlite3  SQLite: a copy made with SQLite's online backup API (WAL: writers go on)
    database/db.dump     PostgreSQL: pg_dump, custom format
    media/...            the uploaded files, without the import cache: from MEDIA_ROOT, or with
                         S3_BUCKET set every object of the bucket (under S3_PREFIX), read
                         through the storage API, so the archive alone restores the site

The snapshot is consistent: the table checksums are computed from the very snapshot that is
archived (the SQLite copy; on PostgreSQL a REPEATABLE READ transaction whose snapshot pg_dump
imports). Files are collected after the database: every file the snapshot names was already
written (an upload is stored before its row commits).

`chuyende restore ARCHIVE` brings an archive back into an empty database of the same vendor
(it refuses one holding data unless forced), restores the files (into MEDIA_ROOT, or the bucket:
whichever storage the site uses now, whatever the backup was taken from), then checks both
against the manifest: same row count and checksum for every table, same SHA-256 for every file.

A table's checksum does not depend on the order of its rows: the sum, modulo 2**64, of a hash of
each row's text. It is comparable only between two databases of the same vendor, which is all a
restore needs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import connections

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/db.sqlite3"
PG_MEMBER = "database/db.dump"
MEDIA_PREFIX = "media/"
# Regenerable intermediate results (chuyende.transfer.cache), signed with this installation's
# key: useless elsewhere and never part of a backup.
MEDIA_EXCLUDED = ("imports/cache/",)
# Tables a fresh `migrate` fills: a database holding rows only there counts as empty.
BOOKKEEPING = {"django_migrations", "django_content_type", "auth_permission"}
DEFAULT_CACHE_TABLE = "chuyende_cache"


def cache_tables() -> set[str]:
    """The database cache's tables: their rows (progress, rate-limit counters) are transient and
    never backed up; the tables themselves are."""
    tables = {DEFAULT_CACHE_TABLE}
    for cache in settings.CACHES.values():
        if cache.get("BACKEND") == "django.core.cache.backends.db.DatabaseCache":
            tables.add(cache["LOCATION"])
    return tables


# libpq settings a psycopg connection may take from Django's OPTIONS.
_LIBPQ_OPTIONS = {
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "sslpassword",
    "application_name",
    "connect_timeout",
    "options",
    "target_session_attrs",
    "passfile",
    "service",
}
_PG_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "dbname": "PGDATABASE",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "application_name": "PGAPPNAME",
}
# Text output of the PostgreSQL row checksums must not depend on the session's settings.
_PG_STABLE_SESSION = (
    "SET TimeZone = 'UTC'",
    "SET DateStyle = 'ISO, YMD'",
    "SET IntervalStyle = 'postgres'",
    "SET extra_float_digits = 1",
    "SET bytea_output = 'hex'",
)


class BackupError(Exception):
    """A backup or a restore that could not be done; the message says why."""


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    files: int = 0
    bytes: int = 0
    mismatches: list[str] = field(default_factory=list)
    pending_migrations: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


# Database access --------------------------------------------------------------------------------


def _vendor(db: dict) -> str:
    engine = db["ENGINE"]
    if "sqlite3" in engine:
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")


def pg_params(db: dict, *, dbname: str | None = None) -> dict:
    """libpq connection parameters of a Django PostgreSQL database settings dict."""
    params = {
        "dbname": dbname or db.get("NAME") or "postgres",
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": str(db["PORT"]) if db.get("PORT") else None,
    }
    for key, value in (db.get("OPTIONS") or {}).items():
        if key in _LIBPQ_OPTIONS and value not in (None, ""):
            params[key] = str(value)
    return {key: value for key, value in params.items() if value is not None}


def pg_env(params: dict) -> dict:
    """The environment for pg_dump/pg_restore/psql: the password never on a command line."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for key, value in params.items():
        if key in _PG_ENV:
            env[_PG_ENV[key]] = value
    return env


def pg_connect(params: dict, *, autocommit: bool = False):
    import psycopg

    return psycopg.connect(**params, autocommit=autocommit)


def _tool(name: str) -> str:
    found = os.environ.get(f"CHUYENDE_{name.upper()}") or shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (PostgreSQL client programs are needed).")
    return found


def _sqlite_path(db: dict) -> str:
    return str(db["NAME"])


def _sqlite_connect(name: str) -> sqlite3.Connection:
    return sqlite3.connect(name, uri=name.startswith("file:"))


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [name for name, sql in rows if not (sql or "").upper().startswith("CREATE VIRTUAL")]


def _quote_sqlite(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_checksums(conn: sqlite3.Connection, *, empty=frozenset()) -> dict[str, dict]:
    """{table: {"rows": n, "checksum": hex}} of every table of a SQLite database; tables in
    `empty` are counted as the backup holds them: without rows."""
    result = {}
    for table in _sqlite_tables(conn):
        if table in empty:
            result[table] = {"rows": 0, "checksum": "0"}
            continue
        total, count = 0, 0
        for row in conn.execute(f"SELECT * FROM {_quote_sqlite(table)}"):  # noqa: S608
            digest = hashlib.blake2b(repr(row).encode(), digest_size=8).digest()
            total = (total + int.from_bytes(digest, "big")) % 2**64
            count += 1
        result[table] = {"rows": count, "checksum": f"{total:016x}"}
    return result


def _pg_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    return [name for (name,) in cursor.fetchall()]


def pg_checksums(cursor, *, empty=frozenset()) -> dict[str, dict]:
    """{table: {"rows": n, "checksum": text} of the current schema, computed in the server: the
    sum of the first 64 bits of md5(row as text), as a number (no overflow, any row order).
    Tables in `empty` are counted as the backup holds them: without rows."""
    from psycopg import sql

    for statement in _PG_STABLE_SESSION:
        cursor.execute(statement)
    result = {}
    for table in _pg_tables(cursor):
        if table in empty:
            result[table] = {"rows": 0, "checksum": "0"}
            continue
        cursor.execute(
            sql.SQL(
                "SELECT count(*), coalesce(sum(('x' || substr(md5(t::text), 1, 16))::bit(64)"
                "::bigint), 0)::text FROM {} AS t"
            ).format(sql.Identifier(table))
        )
        count, checksum = cursor.fetchone()
        result[table] = {"rows": count, "checksum": checksum}
    return result


def _applied_migrations(rows) -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in rows:
        latest[app] = max(latest.get(app, ""), name)
    return latest


# Files ------------------------------------------------------------------------------------------


def _media_files(root: Path) -> list[tuple[str, Path]]:
    """(relative posix path, absolute path) of the uploaded files, sorted; hidden files (partial
    uploads) and the import cache are left out."""
    found = []
    if not root.is_dir():
        return found
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(folder) / name
            if not path.is_file() or path.is_symlink():
                continue
            relative = path.relative_to(root).as_posix()
            if relative.startswith(MEDIA_EXCLUDED):
                continue
            found.append((relative, path))
    return found


def _excluded(relative: str) -> bool:
    return relative.startswith(MEDIA_EXCLUDED) or any(
        part.startswith(".") for part in relative.split("/")
    )


def _media_target(media_root) -> tuple[Path | None, Storage | None]:
    """Where the uploaded files are: a folder (media_root when given, or the default storage's
    folder), or else the default storage itself (S3)."""
    if media_root:
        return Path(media_root), None
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        return Path(storage.location), None
    return None, storage


def _stored_files(storage: Storage) -> dict[str, int | None]:
    """{name: size} of the uploaded files in a storage that is not a folder, sorted by name; the
    import cache and hidden names left out. An S3 bucket is listed in pages of 1,000 objects
    with their sizes; another storage is walked with listdir (sizes unknown: None)."""
    found: dict[str, int | None] = {}
    bucket = getattr(storage, "bucket", None)
    if bucket is not None and hasattr(bucket, "objects"):
        prefix = (getattr(storage, "location", "") or "").strip("/")
        prefix = f"{prefix}/" if prefix else ""
        for item in bucket.objects.filter(Prefix=prefix):
            name = item.key[len(prefix) :]
            if name and not name.endswith("/"):
                found[name] = item.size
    else:
        folders = [""]
        while folders:
            folder = folders.pop()
            dirs, files = storage.listdir(folder)
            folders.extend(f"{folder}{d}/" for d in dirs)
            found.update((f"{folder}{f}", None) for f in files)
    return {name: found[name] for name in sorted(found) if not _excluded(name)}


def _put_stored(storage: Storage, name: str, path: Path) -> None:
    """The file at path saved in the storage under exactly this name (replacing what is there)."""
    if storage.exists(name):
        storage.delete(name)
    with open(path, "rb") as handle:
        saved = storage.save(name, File(handle, name=name))
    if saved != name:
        raise BackupError(f"The file storage kept {name} as {saved}; the restore is incomplete.")


class _HashingReader(io.RawIOBase):
    """Reads a file for the archive and hashes exactly what went in."""

    def __init__(self, handle):
        self.handle = handle
        self.sha = hashlib.sha256()

    def readable(self):
        return True

    def read(self, size=-1):
        data = self.handle.read(size)
        self.sha.update(data)
        return data


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(mtime)
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def _sha256_file(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


# Backup -----------------------------------------------------------------------------------------


def _app_version() -> str:
    from chuyende import __version__

    return __version__


def _snapshot_sqlite(using: str, folder: Path) -> tuple[Path, dict]:
    connection = connections[using]
    connection.ensure_connection()
    copy = folder / "db.sqlite3"
    target = sqlite3.connect(copy)
    try:
        # One step: the copy is one consistent state of the database, and with WAL the site's
        # writers are not held up meanwhile.
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        for table in cache_tables() & set(_sqlite_tables(target)):
            target.execute(f"DELETE FROM {_quote_sqlite(table)}")  # noqa: S608
        target.commit()
        tables = sqlite_checksums(target, empty=cache_tables())
        migrations = _applied_migrations(
            target.execute("SELECT app, name FROM django_migrations").fetchall()
            if "django_migrations" in tables
            else []
        )
        version = sqlite3.sqlite_version
    finally:
        target.close()
    return copy, {"tables": tables, "migrations": migrations, "server_version": version}


def _snapshot_postgresql(using: str, folder: Path) -> tuple[Path, dict]:
    db = connections[using].settings_dict
    params = pg_params(db)
    dump = folder / "db.dump"
    conn = pg_connect(params)
    try:
        with conn.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            # pg_dump reads the same snapshot as the checksums below, while this transaction
            # stays open.
            process = subprocess.Popen(
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={dump}",
                    *(f"--exclude-table-data={table}" for table in sorted(cache_tables())),
                ],
                env=pg_env(params),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            try:
                tables = pg_checksums(cursor, empty=cache_tables())
                migrations = {}
                if "django_migrations" in tables:
                    cursor.execute("SELECT app, name FROM django_migrations")
                    migrations = _applied_migrations(cursor.fetchall())
            finally:
                _out, err = process.communicate()
            if process.returncode != 0:
                raise BackupError("pg_dump failed: " + err.decode(errors="replace").strip()[-2000:])
    finally:
        conn.rollback()
        conn.close()
    return dump, {"tables": tables, "migrations": migrations, "server_version": server_version}


def _archive_folder(tar: tarfile.TarFile, media: Path) -> list[dict]:
    """Every uploaded file under the media folder into the archive; their manifest entries."""
    entries = []
    for relative, path in _media_files(media):
        try:
            handle = open(path, "rb")  # noqa: SIM115
        except FileNotFoundError:  # deleted since the listing: not in the snapshot
            continue
        with handle:
            size = os.fstat(handle.fileno()).st_size
            info = tar.gettarinfo(arcname=MEDIA_PREFIX + relative, fileobj=handle)
            info.size = size
            reader = _HashingReader(handle)
            tar.addfile(info, reader)
        entries.append({"path": relative, "size": size, "sha256": reader.sha.hexdigest()})
    return entries


def _archive_stored(tar: tarfile.TarFile, storage: Storage, mtime: float) -> list[dict]:
    """Every uploaded file of a storage that is not a folder (S3) into the archive, read
    through the storage API; their manifest entries. Objects are never rewritten in place
    (random names, no overwriting), so the size read when one is opened is the size of its
    bytes; one deleted since the listing was not in the snapshot and is left out."""
    entries = []
    for relative in _stored_files(storage):
        try:
            handle = storage.open(relative, "rb")
        except FileNotFoundError:
            continue
        with handle:
            info = tarfile.TarInfo(MEDIA_PREFIX + relative)
            info.size = handle.size
            info.mtime = int(mtime)
            info.mode = 0o644
            reader = _HashingReader(handle)
            tar.addfile(info, reader)
        entries.append({"path": relative, "size": info.size, "sha256": reader.sha.hexdigest()})
    return entries


def backup(output_dir, *, using: str = "default", media_root=None) -> tuple[Path, dict]:
    """Write the archive into output_dir; (its path, its manifest). The files come from
    media_root when given, otherwise from the default storage (MEDIA_ROOT or the S3 bucket)."""
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    media, storage = _media_target(media_root)
    db = connections[using].settings_dict
    vendor = _vendor(db)
    now = dt.datetime.now(dt.UTC)
    name = f"chuyende-backup-{now.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}.tar.gz"
    final = output / name
    partial = output / f".{name}.part"
    with tempfile.TemporaryDirectory(prefix="chuyende-backup-", dir=output) as work:
        if vendor == "sqlite":
            db_file, snapshot = _snapshot_sqlite(using, Path(work))
            member = SQLITE_MEMBER
        else:
            db_file, snapshot = _snapshot_postgresql(using, Path(work))
            member = PG_MEMBER
        manifest = {
            "format": FORMAT,
            "application": "chuyende",
            "version": _app_version(),
            "created_at": now.isoformat(),
            "database": {
                "vendor": vendor,
                "server_version": snapshot["server_version"],
                "file": member,
                "size": db_file.stat().st_size,
                "sha256": _sha256_file(db_file),
                "checksum_method": "sqlite-blake2b64-sum"
                if vendor == "sqlite"
                else "postgresql-md5-64-sum",
                "migrations": snapshot["migrations"],
            },
            "tables": snapshot["tables"],
            # where the files were read from (informative: a restore puts them in whichever
            # storage the site uses then)
            "storage": "filesystem" if storage is None else type(storage).__name__,
            "files": [],
        }
        try:
            with tarfile.open(partial, "w:gz", compresslevel=3) as tar:
                tar.add(db_file, arcname=member)
                manifest["files"] = (
                    _archive_folder(tar, media)
                    if storage is None
                    else _archive_stored(tar, storage, now.timestamp())
                )
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                _add_bytes(tar, MANIFEST, data, now.timestamp())
            with open(partial, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, final)
        finally:
            if partial.exists():
                partial.unlink()
    return final, manifest


# Restore ----------------------------------------------------------------------------------------


def _safe_member(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"The archive holds an unsafe path: {name!r}.")
    return path


def read_manifest(archive) -> dict:
    with tarfile.open(archive, "r:*") as tar:
        return _manifest(tar)


def _manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
    except KeyError:
        raise BackupError("This file is not a chuyende backup: it has no manifest.") from None
    manifest = json.loads(tar.extractfile(member).read())
    if manifest.get("application") != "chuyende" or manifest.get("format") != FORMAT:
        raise BackupError("This file is not a chuyende backup of a known format.")
    return manifest


def database_contents(db: dict) -> dict[str, int]:
    """{table: rows} of the tables of the target database that hold rows, Django's bookkeeping
    left out; {} for an empty (or missing, or freshly migrated) database."""
    vendor = _vendor(db)
    if vendor == "sqlite":
        name = _sqlite_path(db)
        if not name.startswith("file:") and not Path(name).exists():
            return {}
        conn = _sqlite_connect(name)
        try:
            found = {}
            for table in _sqlite_tables(conn):
                if table in BOOKKEEPING or table in cache_tables():
                    continue
                (count,) = conn.execute(f"SELECT count(*) FROM {_quote_sqlite(table)}").fetchone()  # noqa: S608
                if count:
                    found[table] = count
            return found
        finally:
            conn.close()
    import psycopg
    from psycopg import sql

    try:
        conn = pg_connect(pg_params(db), autocommit=True)
    except psycopg.OperationalError as error:
        if "does not exist" in str(error):
            return {}  # created by the restore
        raise BackupError(f"Cannot connect to the database: {error}") from error
    with conn, conn.cursor() as cursor:
        found = {}
        for table in _pg_tables(cursor):
            if table in BOOKKEEPING or table in cache_tables():
                continue
            cursor.execute(
                sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(table))
            )
            if cursor.fetchone()[0]:
                cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
                found[table] = cursor.fetchone()[0]
        return found


def database_checksums(db: dict) -> dict[str, dict]:
    if _vendor(db) == "sqlite":
        conn = _sqlite_connect(_sqlite_path(db))
        try:
            return sqlite_checksums(conn, empty=cache_tables())
        finally:
            conn.close()
    with pg_connect(pg_params(db)) as conn, conn.cursor() as cursor:
        try:
            return pg_checksums(cursor, empty=cache_tables())
        finally:
            conn.rollback()


def _restore_sqlite(dump: Path, db: dict) -> None:
    name = _sqlite_path(db)
    if not name.startswith("file:"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(dump)
    target = _sqlite_connect(name)
    try:
        # Page by page into the target, in one write transaction: replaced whole, or not at all.
        source.backup(target)
        if not name.startswith("file:"):
            target.execute("PRAGMA journal_mode=WAL")
    finally:
        target.close()
        source.close()


def _ensure_pg_database(db: dict) -> None:
    """Create the target database when it does not exist (as the configured user)."""
    import psycopg
    from psycopg import sql

    params = pg_params(db)
    try:
        pg_connect(params, autocommit=True).close()
        return
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            raise BackupError(f"Cannot connect to the database: {error}") from error
    with pg_connect(pg_params(db, dbname="postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(params["dbname"])))


def _restore_postgresql(dump: Path, db: dict) -> None:
    """The dump replaces the current schema, in one transaction: all of it or nothing."""
    _ensure_pg_database(db)
    params = pg_params(db)
    env = pg_env(params)
    with pg_connect(params, autocommit=True) as conn:
        schema = conn.execute("SELECT current_schema()").fetchone()[0] or "public"
    quoted = '"' + schema.replace('"', '""') + '"'
    restore = subprocess.Popen(
        [_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(dump)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    psql = subprocess.run(
        [
            _tool("psql"),
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            f"--command=DROP SCHEMA IF EXISTS {quoted} CASCADE",
            f"--command=CREATE SCHEMA {quoted}",
            "--file=-",
        ],
        env=env,
        stdin=restore.stdout,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    restore.stdout.close()
    restore_err = restore.stderr.read()
    restore.wait()
    if restore.returncode != 0 or psql.returncode != 0:
        detail = (restore_err + psql.stderr).decode(errors="replace").strip()[-2000:]
        raise BackupError(f"The database could not be restored; it was left as it was. {detail}")


def _pending_migrations() -> list[str]:
    try:
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connections["default"])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        return [f"{m.app_label}.{m.name}" for m, _backwards in plan]
    except Exception:  # the report is a hint; the restore itself is done
        return []


def _staging(media: Path | None, archive) -> Path:
    """Where the archive's files wait for the database to be restored: beside the files (a
    rename then puts them in place) or, for a bucket, beside the archive (the backups' disk has
    room for what an archive holds), else in the temporary folder."""
    if media is not None:
        return Path(tempfile.mkdtemp(prefix=".restore-", dir=media))
    try:
        return Path(tempfile.mkdtemp(prefix=".restore-", dir=Path(archive).resolve().parent))
    except OSError:  # a read-only folder of archives
        return Path(tempfile.mkdtemp(prefix="chuyende-restore-"))


def restore(archive, *, database: dict | None = None, media_root=None, force: bool = False):
    """Restore the archive into the database (a Django settings dict; the default database when
    None) and media_root (the default storage when None: MEDIA_ROOT or the S3 bucket); a
    RestoreReport of the check against the manifest."""
    db = database or connections["default"].settings_dict
    media, storage = _media_target(media_root)
    vendor = _vendor(db)
    with tarfile.open(archive, "r:*") as tar:
        manifest = _manifest(tar)
        if manifest["database"]["vendor"] != vendor:
            raise BackupError(
                f"This backup is of a {manifest['database']['vendor']} database; the target is "
                f"{vendor}. Restore it into a database of the same kind."
            )
        contents = database_contents(db)
        if contents and not force:
            rows = sum(contents.values())
            raise BackupError(
                f"The target database is not empty: {len(contents)} tables hold {rows} rows "
                f"(e.g. {', '.join(sorted(contents)[:5])}). A restore replaces everything in "
                "it; run again with --yes to do so."
            )
        expected_files = {f["path"]: f for f in manifest["files"]}
        if storage is None:
            conflicts = [
                path
                for path, entry in expected_files.items()
                if (media / path).is_file() and (media / path).stat().st_size != entry["size"]
            ]
            where = str(media)
        else:
            present = _stored_files(storage)
            conflicts = [
                path
                for path, entry in expected_files.items()
                if path in present
                and (present[path] if present[path] is not None else storage.size(path))
                != entry["size"]
            ]
            where = "the file storage"
        if conflicts and not force:
            raise BackupError(
                f"{len(conflicts)} files of the backup exist in {where} with other contents "
                f"(e.g. {conflicts[0]}); run again with --yes to replace them."
            )
        if storage is None:
            media.mkdir(parents=True, exist_ok=True)
        staging = _staging(media, archive)
        try:
            dump = None
            staged = []
            for member in tar:
                if not member.isfile():
                    continue
                path = _safe_member(member.name)
                source = tar.extractfile(member)
                if member.name == manifest["database"]["file"]:
                    dump = staging / "database"
                    target = dump
                elif member.name.startswith(MEDIA_PREFIX):
                    relative = str(path.relative_to(MEDIA_PREFIX.rstrip("/")))
                    if relative not in expected_files:
                        raise BackupError(
                            f"The archive holds a file its manifest lacks: {relative}"
                        )
                    target = staging / "media" / relative
                    staged.append(relative)
                else:
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                sha = hashlib.sha256()
                with open(target, "wb") as out:
                    for chunk in iter(lambda source=source: source.read(1 << 20), b""):
                        sha.update(chunk)
                        out.write(chunk)
                expected = (
                    manifest["database"]["sha256"]
                    if target == dump
                    else expected_files[relative]["sha256"]
                )
                if sha.hexdigest() != expected:
                    raise BackupError(f"The archive is damaged: {member.name} does not match.")
            if dump is None:
                raise BackupError("The archive holds no database.")
            missing = set(expected_files) - set(staged)
            if missing:
                raise BackupError(
                    f"The archive lacks {len(missing)} files of its manifest, e.g. {min(missing)}."
                )
            connections.close_all()
            if vendor == "sqlite":
                _restore_sqlite(dump, db)
            else:
                _restore_postgresql(dump, db)
            for relative in staged:
                if storage is not None:
                    _put_stored(storage, relative, staging / "media" / relative)
                    continue
                final = media / relative
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / "media" / relative, final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return verify(manifest, db, media, storage=storage)


def _sha256_stored(storage: Storage, name: str) -> tuple[int, str] | None:
    """(size, SHA-256) of a file in a storage, read through it; None when it is missing."""
    try:
        handle = storage.open(name, "rb")
    except FileNotFoundError:
        return None
    sha, size = hashlib.sha256(), 0
    with handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
            size += len(chunk)
    return size, sha.hexdigest()


def verify(manifest: dict, db: dict, media: Path | None, *, storage=None) -> RestoreReport:
    """Compare the database and the files (in media, or in storage when given) with the
    manifest."""
    report = RestoreReport()
    found = database_checksums(db)
    for table, expected in manifest["tables"].items():
        got = found.get(table)
        if got is None:
            report.mismatches.append(f"table {table}: missing")
        elif got != expected:
            report.mismatches.append(
                f"table {table}: {got['rows']} rows (checksum {got['checksum']}), expected "
                f"{expected['rows']} (checksum {expected['checksum']})"
            )
    for table in sorted(set(found) - set(manifest["tables"])):
        report.mismatches.append(f"table {table}: not in the backup")
    report.tables = len(manifest["tables"])
    report.rows = sum(t["rows"] for t in manifest["tables"].values())
    for entry in manifest["files"]:
        if storage is not None:
            stored = _sha256_stored(storage, entry["path"])
            if stored is None:
                report.mismatches.append(f"file {entry['path']}: missing")
            elif stored != (entry["size"], entry["sha256"]):
                report.mismatches.append(f"file {entry['path']}: different contents")
            else:
                report.files += 1
                report.bytes += entry["size"]
            continue
        path = media / entry["path"]
        if not path.is_file():
            report.mismatches.append(f"file {entry['path']}: missing")
        elif path.stat().st_size != entry["size"] or _sha256_file(path) != entry["sha256"]:
            report.mismatches.append(f"file {entry['path']}: different contents")
        else:
            report.files += 1
            report.bytes += entry["size"]
    if db is connections["default"].settings_dict:
        report.pending_migrations = _pending_migrations()
    return report
