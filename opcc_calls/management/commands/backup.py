"""`manage.py backup`: the database (pg_dump, custom format) and the exports folder, into
BACKUP_DIR or --folder, with a note of what the dump holds for the restore drill."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from opcc_calls.backups import backup


class Command(BaseCommand):
    help = "Back up the database and the exports folder (README: Backups)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--folder", type=Path, default=None, help="instead of BACKUP_DIR")

    def handle(self, *args, folder: Path | None, **options) -> None:
        try:
            dump = backup(folder or Path(settings.BACKUP_DIR))
        except (ValueError, OSError) as problem:
            raise CommandError(str(problem)) from problem
        self.stdout.write(f"Backed up to {dump}")
