"""System checks for an installation (`manage.py check`; every command that changes the
database runs them first): what an office's IT would otherwise find out too late."""

from django.conf import settings
from django.core.checks import Error, register


@register("database")
def database_named(app_configs, **kwargs) -> list[Error]:
    """With DEBUG off, the database must be named: SQLite is the embedded default only for
    `make run`, and a server started without DATABASE_URL would otherwise migrate, and keep
    its calls in, a file beside the code."""
    if settings.DEBUG or settings.DATABASE_NAMED:
        return []
    return [
        Error(
            "DATABASE_URL is not set, so this would use an SQLite file beside the code.",
            hint="Set DATABASE_URL=postgres://... (README: Production), or SQLITE_PATH to use "
            "SQLite on purpose.",
            id="opcc_calls.E001",
        )
    ]
