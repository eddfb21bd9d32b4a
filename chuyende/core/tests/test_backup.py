"""Backup and restore: a demo database with uploads, backed up, restored into an empty database
of the same vendor, compared table by table (every row, in any order) and file by file."""

import hashlib
import io
import json
import sqlite3
import tarfile
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from chuyende.core import backup
from chuyende.demo.builder import build_demo

pytestmark = pytest.mark.django_db(transaction=True)

RESTORE_DB = "faults_restore"  # PostgreSQL: a database of this test's own, created and dropped


def _pg():
    return connection.vendor == "postgresql"


def _freeze(value):
    """A hashable form of a row's value (PostgreSQL JSON columns come back as lists, dicts)."""
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def _tables_and_rows_of(db: dict):
    """{table: Counter(rows)} of a database, read with the driver alone (no Django converters),
    so the source and the restored copy are read alike."""
    skip = backup.cache_tables()
    if not _pg():
        name = str(db["NAME"])
        conn = sqlite3.connect(name, uri=name.startswith("file:"))
        try:
            tables = [
                name
                for (name,) in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            ]
            return {
                t: Counter(conn.execute(f'SELECT * FROM "{t}"').fetchall())  # noqa: S608
                for t in tables
                if t not in skip
            }
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(**backup.pg_params(db)) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        tables = [t for (t,) in cursor.fetchall() if t not in skip]
        found = {}
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            found[table] = Counter(map(_freeze, cursor.fetchall()))
        return found


def _files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


@pytest.fixture
def uploads(world, settings, tmp_path):
    """The personas' records with uploaded files under this test's MEDIA_ROOT."""
    from django.core.files.base import ContentFile

    from chuyende.plans.models import Evidence

    settings.MEDIA_ROOT = str(tmp_path / "media")
    world.foreign_plan.source_file.save("ke-hoach.txt", ContentFile("KẾ HOẠCH".encode()), save=True)
    for index in range(5):
        evidence = Evidence(assignment=world.foreign_assignment, note=f"Ảnh {index}")
        evidence.file.save(f"anh-{index}.jpg", ContentFile(bytes([index]) * 4000), save=True)
    return world


@pytest.fixture
def demo(uploads):
    """The demo province at a small scale besides."""
    build_demo(scale=0.005)
    return uploads


@pytest.fixture
def target(tmp_path):
    """An empty database of the test's vendor to restore into (a settings dict)."""
    if not _pg():
        yield {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "restored.sqlite3")}
        return
    import psycopg

    db = dict(connection.settings_dict, NAME=RESTORE_DB)
    admin = backup.pg_params(db, dbname="postgres")
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{RESTORE_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{RESTORE_DB}"')
    try:
        yield db
    finally:
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{RESTORE_DB}" WITH (FORCE)')


def test_a_backup_restores_every_table_and_file_exactly(demo, target, tmp_path, settings):
    source_rows = _tables_and_rows_of(connection.settings_dict)
    source_files = _files(Path(settings.MEDIA_ROOT))
    assert sum(sum(rows.values()) for rows in source_rows.values()) > 400  # a real database
    assert len(source_files) >= 5 and "imports/cache" not in " ".join(source_files)

    archive, manifest = backup.backup(tmp_path / "out")

    assert archive.exists() and archive.name.endswith(".tar.gz")
    assert not list((tmp_path / "out").glob(".*"))  # no partial archive left beside it
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["version"] and manifest["created_at"]
    assert {f["path"] for f in manifest["files"]} == set(source_files)
    for entry in manifest["files"]:
        assert entry["sha256"] == source_files[entry["path"]]
    for table, rows in source_rows.items():
        assert manifest["tables"][table]["rows"] == sum(rows.values()), table

    restored_media = tmp_path / "restored-media"
    report = backup.restore(archive, database=target, media_root=restored_media)

    assert report.ok, report.mismatches
    assert report.tables == len(manifest["tables"]) and report.files == len(source_files)
    restored_rows = _tables_and_rows_of(target)
    assert set(restored_rows) == set(source_rows)
    for table, rows in source_rows.items():
        assert restored_rows[table] == rows, f"{table}: rows differ after the restore"
    assert _files(restored_media) == source_files


def test_a_database_holding_data_is_refused_unless_forced(uploads, target, tmp_path):
    archive, manifest = backup.backup(tmp_path / "out")
    backup.restore(archive, database=target, media_root=tmp_path / "m1")

    with pytest.raises(backup.BackupError, match="not empty.*--yes"):
        backup.restore(archive, database=target, media_root=tmp_path / "m2")

    report = backup.restore(archive, database=target, media_root=tmp_path / "m2", force=True)
    assert report.ok, report.mismatches
    assert _files(tmp_path / "m2") == _files(tmp_path / "m1")


def test_a_damaged_archive_is_refused_and_the_target_left_empty(uploads, target, tmp_path):
    archive, manifest = backup.backup(tmp_path / "out")
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as out:
        for member in source:
            data = source.extractfile(member).read() if member.isfile() else None
            if member.name.startswith(backup.MEDIA_PREFIX) and data:
                data = b"X" + data[1:]
            out.addfile(member, io.BytesIO(data) if data is not None else None)
    with pytest.raises(backup.BackupError, match="damaged"):
        backup.restore(damaged, database=target, media_root=tmp_path / "m")
    assert backup.database_contents(target) == {}
    assert not (tmp_path / "m").exists() or not _files(tmp_path / "m")


def test_the_manifest_refuses_another_vendor(uploads, tmp_path):
    archive, manifest = backup.backup(tmp_path / "out")
    other = (
        {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "x.sqlite3")}
        if _pg()
        else {"ENGINE": "django.db.backends.postgresql", "NAME": "nowhere"}
    )
    with pytest.raises(backup.BackupError, match="same kind"):
        backup.restore(archive, database=other, media_root=tmp_path / "m")


def test_the_commands_write_a_backup_and_refuse_a_database_in_use(uploads, tmp_path, capsys):
    call_command("backup", output=str(tmp_path / "out"))
    out = capsys.readouterr().out
    assert "Backup written:" in out
    (archive,) = (tmp_path / "out").glob("*.tar.gz")
    manifest = json.loads(tarfile.open(archive).extractfile("manifest.json").read())
    assert manifest["application"] == "chuyende"
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))
