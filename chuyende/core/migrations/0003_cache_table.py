"""The database cache's table (settings.CACHES without REDIS_URL): created here, so `make run`,
`make test` and a fresh clone need no `createcachetable` step. Every DatabaseCache of the
settings gets its table, and "chuyende_cache" always does (the settings' default, in case a
deployment moves from Redis to the database cache after migrating)."""

from django.conf import settings
from django.db import migrations

DEFAULT_TABLE = "chuyende_cache"


def _tables():
    tables = {DEFAULT_TABLE}
    for cache in settings.CACHES.values():
        if cache.get("BACKEND") == "django.core.cache.backends.db.DatabaseCache":
            tables.add(cache["LOCATION"])
    return sorted(tables)


def create_cache_tables(apps, schema_editor):
    from django.core.management.commands.createcachetable import Command

    command = Command()
    command.verbosity = 0
    for table in _tables():
        command.create_table(schema_editor.connection.alias, table, dry_run=False)


def drop_cache_tables(apps, schema_editor):
    existing = set(schema_editor.connection.introspection.table_names())
    for table in _tables():
        if table in existing:
            schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_alter_auditevent_action"),
    ]

    operations = [migrations.RunPython(create_cache_tables, drop_cache_tables)]
