"""Backups that are known to restore: `manage.py backup` and the restore drill, on a small
database, as CI runs them (PostgreSQL's own pg_dump and pg_restore, a new database, the app
started on it)."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.helpers import log_call

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="backups are of PostgreSQL"),
]


def test_the_latest_backup_restores_into_a_new_database_and_the_app_serves_it(
    handler_user, tmp_path, capsys
):
    calls = [log_call(handler_user, about=f"Call {n} before the backup") for n in range(3)]
    call_command("backup", folder=tmp_path)
    log_call(handler_user, about="Logged after the backup")  # not in it, and not expected

    dump = next(tmp_path.glob("*.dump"))
    note = json.loads(dump.with_suffix(".json").read_text())
    assert note["calls"] == 3 and note["DMTS entries"] == 3
    assert note["newest call"] == calls[-1].dmts_entry.reference
    assert dump.with_suffix(".exports.tar.gz").exists()

    call_command("restore_drill", folder=tmp_path)
    out = capsys.readouterr().out
    assert "Restored and served: 3 callers, 3 calls, 3 DMTS entries" in out
    assert calls[-1].dmts_entry.reference in out


def test_a_backup_that_does_not_hold_what_it_says_fails_the_drill(handler_user, tmp_path):
    log_call(handler_user)
    call_command("backup", folder=tmp_path)
    note_file = next(tmp_path.glob("*.json"))
    note = json.loads(note_file.read_text())
    note_file.write_text(json.dumps(note | {"calls": note["calls"] + 1}))
    with pytest.raises(CommandError, match="calls: 2 in the backup, 1 restored"):
        call_command("restore_drill", folder=tmp_path)


def test_no_backup_yet_is_said_plainly(tmp_path, db):
    with pytest.raises(CommandError, match="No backup in"):
        call_command("restore_drill", folder=tmp_path)
