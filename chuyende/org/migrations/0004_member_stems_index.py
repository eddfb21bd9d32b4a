"""PostgreSQL: a GIN index of the beginnings of the words of each member's folded name and card
number (each word cut to its first three letters), for the member search by several words
(chuyende.org.search). SQLite has no such index; the same search is a LIKE there."""

from django.db import migrations

# chuyende.org.search.STEMS_SQL over org_member.search_name, exactly
STEMS = (
    "array_to_tsvector(array_remove(string_to_array("
    "regexp_replace(search_name::text, '(\\S{3})\\S+', '\\1', 'g'), ' '), ''))"
)


def create_stems_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS org_member_stems ON org_member USING gin ({STEMS})"
    )
    # the planner estimates a search from the statistics of the index expression (how common
    # each beginning is): gathered now rather than at the next autovacuum
    schema_editor.execute("ANALYZE org_member")


def drop_stems_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS org_member_stems")


class Migration(migrations.Migration):
    dependencies = [("org", "0003_national_scale")]

    operations = [migrations.RunPython(create_stems_index, drop_stems_index)]
