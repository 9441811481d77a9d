"""Searching the call log by what a call was about: a GIN trigram index on PostgreSQL, so
`about ILIKE '%words%'` stays fast over millions of calls. Nothing on SQLite."""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS call_about_trgm ON callers_call "
            "USING gin (about gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS call_about_trgm")


class Migration(migrations.Migration):
    dependencies = [("callers", "0002_name_trigram_search")]

    operations = [migrations.RunPython(create_index, drop_index)]
