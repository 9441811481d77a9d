"""Fuzzy name search: pg_trgm and GIN trigram indexes on PostgreSQL; nothing on SQLite."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "caller_full_name_trgm": "full_name",
    "caller_other_names_trgm": "other_names",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON callers_caller "
            f"USING gin ({column} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("callers", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
