"""A release without an error page: `migrate` runs while the previous release's code is still
serving, then gunicorn reloads. So a migration only adds (tables, nullable columns or columns
with a database default, indexes, data); what the code stops using is removed in the following
release. Checked two ways: each migration since the previous release is read for what it
does to the database, and the previous release's own code serves its main pages and logs a
call on this release's schema."""

import json
import os
import subprocess
import tarfile
import tempfile
import tomllib
from io import BytesIO
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.db.migrations import operations
from django.db.migrations.loader import MigrationLoader

from tests.served import ROOT, database_of, manage

PREVIOUS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["opcc-calls"]["release"][
    "previous"
]

#: What would break the previous release's code while it still serves.
CONTRACTING = (
    operations.RemoveField,
    operations.DeleteModel,
    operations.RenameField,
    operations.RenameModel,
    operations.AlterModelTable,
    operations.RemoveIndex,  # a query the old code makes may need it: remove it later
)


def git(*arguments: str) -> bytes:
    done = subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, timeout=60)
    if done.returncode:
        pytest.fail(
            f"git {' '.join(arguments)}: {done.stderr.decode()}. The previous release "
            f"({PREVIOUS[:12]}, pyproject.toml) must be in this clone's history."
        )
    return done.stdout


def migrations_since_previous_release() -> list[tuple[str, str]]:
    changed = git(
        "diff", "--name-only", "--diff-filter=A", PREVIOUS, "HEAD", "--", "*/migrations/*.py"
    )
    names = []
    for path in changed.decode().split():
        app, _, file = Path(path).parts[-3:]
        if file != "__init__.py":
            names.append((app, Path(file).stem))
    return names


def breaks_the_previous_code(operation) -> str | None:
    if isinstance(operation, operations.SeparateDatabaseAndState):  # what the database sees
        found = map(breaks_the_previous_code, operation.database_operations)
        return next((problem for problem in found if problem), None)
    if isinstance(operation, CONTRACTING):
        return f"{type(operation).__name__} {operation.describe()}"
    if isinstance(operation, operations.AddField):
        field = operation.field
        if not (field.null or field.many_to_many or field.has_db_default()):
            return f"AddField {operation.name}: NOT NULL with no database default"
    if isinstance(operation, operations.AlterField) and not operation.field.null:
        return f"AlterField {operation.name}: not nullable (say so by a contract migration)"
    return None


def test_migrations_since_the_previous_release_only_add():
    """A migration that must remove or tighten something says `contract = True`: it is for
    the release after the code stopped using it, which the next test proves."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    found = []
    for app, name in migrations_since_previous_release():
        migration = graph.nodes[(app, name)]
        if getattr(migration, "contract", False):
            continue
        for operation in migration.operations:
            if problem := breaks_the_previous_code(operation):
                found.append(f"{app}.{name}: {problem}")
    assert not found, found


def test_what_would_break_the_previous_code_is_found():
    from django.db import models

    assert breaks_the_previous_code(operations.RemoveField("call", "about"))
    assert breaks_the_previous_code(operations.RenameField("call", "about", "subject"))
    assert breaks_the_previous_code(
        operations.AddField("call", "language", models.CharField(max_length=2))
    )
    assert breaks_the_previous_code(
        operations.SeparateDatabaseAndState(
            database_operations=[operations.DeleteModel("Letterhead")]
        )
    )
    for adds in (
        operations.AddField("call", "language", models.CharField(max_length=2, null=True)),
        operations.AddField("call", "language", models.CharField(max_length=2, db_default="en")),
        operations.CreateModel("Language", [("id", models.BigAutoField(primary_key=True))]),
    ):
        assert breaks_the_previous_code(adds) is None


PREVIOUS_CODE_SERVES = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import setup_test_environment
from django.urls import reverse
from django.utils import timezone
from callers.models import Call, Caller
from dmts.models import DmtsEntry
from opcc_calls.middleware import SECOND_FACTOR_SESSION_KEY

setup_test_environment()  # the test client's host allowed; emails kept in memory

def signed_in(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    session = client.session
    session[SECOND_FACTOR_SESSION_KEY] = True
    session.save()
    return client

caller = Caller.objects.order_by("-pk").first()
call = Call.objects.order_by("-pk").first()
entry = DmtsEntry.objects.order_by("-pk").first()
pages = {
    "handler": [
        reverse("home"), reverse("callers:log"), reverse("callers:search") + "?q=a",
        reverse("callers:detail", args=[caller.pk]), reverse("callers:card", args=[caller.pk]),
    ],
    "compliance": [
        reverse("home"), reverse("dmts:log"), reverse("dmts:log") + "?q=noise",
        reverse("dmts:queue"), reverse("dmts:entry", args=[entry.pk]),
    ],
    "manager": [
        reverse("home"), reverse("callers:candidates"), reverse("callers:meetings"),
        reverse("callers:follow_ups"), reverse("callers:dashboard"),
        reverse("callers:frequent_log"), reverse("callers:letter_templates"),
        reverse("callers:rules"), reverse("callers:report"),
    ],
}
answers = {}
for username, urls in pages.items():
    client = signed_in(username)
    for url in urls:
        answers[username + " " + url] = client.get(url).status_code
logged = signed_in("handler").post(reverse("callers:log"), {
    "submission_token": "0b8bd7d0-8d3c-4a51-9a39-5f0f7e0e4d11", "phone": "01234 567890",
    "full_name": "Rhian Jenkins", "call_type": "enquiry",
    "about": "Logged by the previous release.", "outcome": "Answered.",
    "identity_check": "not_needed", "action": "save",
    "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
})
answers["handler logs a call"] = logged.status_code
print(json.dumps(answers))
"""


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="releases are to PostgreSQL: the PostgreSQL run"
)
def test_the_previous_release_serves_its_main_pages_on_this_schema():
    name = f"opcc_calls_release_{os.getpid()}"
    server = database_of(connection)["DATABASE_URL"].rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        database = {"DATABASE_URL": f"{server}/{name}"}
        manage("migrate", "--noinput", "-v0", database=database)  # this release's schema
        manage("seed_demo", database=database)  # and this release's data
        with tempfile.TemporaryDirectory() as previous:
            with tarfile.open(fileobj=BytesIO(git("archive", "--format=tar", PREVIOUS))) as tree:
                tree.extractall(previous, filter="data")
            answers = manage(
                "shell",
                "--no-imports",
                "-c",
                PREVIOUS_CODE_SERVES,
                database=database,
                cwd=Path(previous),
            )
        answers = json.loads(answers.strip().splitlines()[-1])
        assert answers.pop("handler logs a call") == 302
        assert answers and all(status == 200 for status in answers.values()), answers
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
