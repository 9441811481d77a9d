"""Backups that are known to restore (README: Backups). A backup is PostgreSQL's own
`pg_dump` in custom format, with a note of what it holds (how many callers, calls and DMTS
entries, and the newest call) taken in the very snapshot the dump is made from, and the
exports folder beside it. The drill restores the latest into a new database and checks that
the app serves it and holds exactly that."""

import json
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

#: What the drill compares: the same in the backup and in the restored database.
COUNTS = {
    "callers": "SELECT count(*) FROM callers_caller",
    "calls": "SELECT count(*) FROM callers_call",
    "DMTS entries": "SELECT count(*) FROM dmts_dmtsentry",
}
NEWEST_CALL = (
    "SELECT e.reference FROM callers_call c JOIN dmts_dmtsentry e ON e.call_id = c.id "
    "ORDER BY c.id DESC LIMIT 1"
)


def database_url(settings_dict: dict) -> str:
    """libpq's address for a database Django is configured with (pg_dump and pg_restore)."""
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgresql://{settings_dict['USER']}{password}@{host}{port}/{settings_dict['NAME']}"


def holds() -> dict:
    """What the database holds now, as the drill compares it."""
    with connection.cursor() as cursor:
        found = {}
        for name, query in COUNTS.items():
            cursor.execute(query)
            found[name] = cursor.fetchone()[0]
        cursor.execute(NEWEST_CALL)
        newest = cursor.fetchone()
        found["newest call"] = newest[0] if newest else None
    return found


def backup(folder: Path) -> Path:
    """Dump the database (and the exports folder) into `folder`; returns the dump's path."""
    if connection.vendor != "postgresql":
        raise ValueError("Backups are of PostgreSQL (DATABASE_URL); SQLite is for a first look.")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    dump = folder / f"opcc-calls-{stamp}.dump"
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One snapshot for the note and the dump: what the note says is what the dump holds.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        note = holds() | {"taken at": timezone.now().isoformat()}
        subprocess.run(
            ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"]
            + [database_url(connection.settings_dict)],
            check=True,
            capture_output=True,
        )
    dump.with_suffix(".json").write_text(json.dumps(note, indent=2))
    exports = Path(settings.EXPORTS_ROOT)
    with tarfile.open(dump.with_suffix(".exports.tar.gz"), "w:gz") as archive:
        if exports.exists():
            archive.add(exports, arcname="exports")
    for written in (dump, dump.with_suffix(".json"), dump.with_suffix(".exports.tar.gz")):
        written.chmod(0o600)  # people's records: the app's user alone reads them
    return dump


def latest(folder: Path) -> Path:
    dumps = sorted(folder.glob("opcc-calls-*.dump"))
    if not dumps:
        raise FileNotFoundError(f"No backup in {folder}: run manage.py backup first.")
    return dumps[-1]


def restore(dump: Path, into: dict) -> None:
    """Restore a dump into a new database named by `into` (a Django settings dict)."""
    maintenance = database_url(into | {"NAME": "postgres"})
    subprocess.run(
        ["psql", maintenance, "-qc", f'DROP DATABASE IF EXISTS "{into["NAME"]}" WITH (FORCE)'],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["psql", maintenance, "-qc", f'CREATE DATABASE "{into["NAME"]}"'],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={database_url(into)}", dump],
        check=True,
        capture_output=True,
    )


def drop(database: dict) -> None:
    subprocess.run(
        ["psql", database_url(database | {"NAME": "postgres"}), "-qc"]
        + [f'DROP DATABASE IF EXISTS "{database["NAME"]}" WITH (FORCE)'],
        check=True,
        capture_output=True,
    )
