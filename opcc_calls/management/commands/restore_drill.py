"""`manage.py restore_drill`: restore the latest backup into a new database, check that the app
serves it (its health check, in a process of its own pointed at that database) and that it
holds what the backup's note says (callers, calls and DMTS entries counted, the newest call
present), then drop it. Exits non-zero, saying what differs, when the backup would not do."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from opcc_calls import backups

#: Run in the process pointed at the restored database: what it holds, and what the app
#: answers there.
CHECK_SERVED = """
import json
from django.test import Client
from django.test.utils import setup_test_environment
from opcc_calls.backups import holds
setup_test_environment()
health = Client().get("/health/", headers={"Accept": "application/json"})
print(json.dumps(holds() | {"health": health.status_code}, default=str))
"""


class Command(BaseCommand):
    help = "Restore the latest backup into a new database and check it (README: Backups)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--folder", type=Path, default=None, help="instead of BACKUP_DIR")
        parser.add_argument("--keep", action="store_true", help="keep the restored database")

    def handle(self, *args, folder: Path | None, keep: bool, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The drill restores PostgreSQL backups: set DATABASE_URL.")
        try:
            dump = backups.latest(folder or Path(settings.BACKUP_DIR))
        except FileNotFoundError as problem:
            raise CommandError(str(problem)) from problem
        expected = json.loads(dump.with_suffix(".json").read_text())
        drill = connection.settings_dict | {"NAME": f"{connection.settings_dict['NAME']}_drill"}
        self.stdout.write(f"Restoring {dump.name} into {drill['NAME']}")
        try:
            backups.restore(dump, drill)
            served = subprocess.run(
                [sys.executable, "manage.py", "shell", "--no-imports", "-c", CHECK_SERVED],
                cwd=settings.BASE_DIR,
                env=os.environ | {"DATABASE_URL": backups.database_url(drill)},
                capture_output=True,
                text=True,
                timeout=300,
            )
            if served.returncode:
                raise CommandError(
                    f"The app did not start on the restored database:\n{served.stderr}"
                )
            found = json.loads(served.stdout.strip().splitlines()[-1])
        except subprocess.CalledProcessError as problem:
            raise CommandError(f"Restoring failed: {problem.stderr.decode()}") from problem
        finally:
            if not keep:
                backups.drop(drill)
        differ = [
            f"{name}: {expected[name]} in the backup, {found[name]} restored"
            for name in [*backups.COUNTS, "newest call"]
            if expected[name] != found[name]
        ]
        if found["health"] != 200:
            differ.append(f"the app's health check answered {found['health']}")
        if differ:
            raise CommandError("The backup does not restore as taken: " + "; ".join(differ))
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored and served: {found['callers']} callers, {found['calls']} calls, "
                f"{found['DMTS entries']} DMTS entries, newest call {found['newest call']} "
                f"(backup taken {expected['taken at']})."
            )
        )
