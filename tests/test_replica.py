"""Past one machine: the reads that may lag a second go to a real PostgreSQL streaming replica
(a second local cluster made with pg_basebackup, as a DBA makes one), and every write and every
other read stays on the primary. With the replica's replay paused, a caller who has just
become a candidate is on their own page (the primary) and not yet on the candidates page (the
replica) until replay resumes; the quarterly report the worker works out reads the replica and
is stored on the primary."""

import time

import psycopg
import pytest
import requests
from django.db import connection, transaction

from callers.models import Call
from opcc_calls import replica
from opcc_calls.replica import REPLICA, ReplicaRouter, replica_reads
from tests.served import SIGNED_IN, PrivatePostgres, Served, manage

MAKE_MANAGER = (
    SIGNED_IN
    + """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from opcc_calls.roles import Role, sync_role_groups
sync_role_groups()
user = get_user_model().objects.create_user("manager", first_name="Maya")
for role in (Role.CALL_HANDLER, Role.BUSINESS_AND_COMPLIANCE_MANAGER):
    user.groups.add(Group.objects.get(name=role.value))
print(signed_in(user))
"""
)

NEW_CANDIDATE = """
import uuid
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from callers.services.calls import call_log
by = get_user_model().objects.get(username="manager")
caller = None
for minutes in (50, 40, 30):
    call = call_log(
        by=by, submission_token=uuid.uuid4(), caller=caller, new_caller_name="Rhona Replica",
        call_type="enquiry", about="About the replica",
        received_at=timezone.now() - timedelta(minutes=minutes),
    ).call
    caller = call.caller
print(caller.pk)
"""

REPORT = """
from django.utils import timezone
from callers.services.reports import report_compute
from callers.selectors.reports import report_stored
today = timezone.localdate()
report_compute.call(today.isoformat(), today.isoformat())
print(report_stored(today, today).value("All calls"))
"""


def _replay(replica: PrivatePostgres, action: str) -> None:
    with psycopg.connect(replica.url, autocommit=True) as db:
        db.execute(f"SELECT pg_wal_replay_{action}()")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a PostgreSQL replica: the PostgreSQL run"
)
def test_lagging_reads_come_from_the_replica_and_everything_else_from_the_primary(tmp_path):
    primary = PrivatePostgres()
    replica = served = None
    try:
        on_primary = {"DATABASE_URL": primary.url}
        manage("migrate", "--noinput", "-v0", database=on_primary)
        key = manage("shell", "--no-imports", "-c", MAKE_MANAGER, database=on_primary).split()[-1]
        replica = PrivatePostgres(replica_of=primary)
        both = on_primary | {"DATABASE_REPLICA_URL": replica.url}
        _replay(replica, "pause")  # the replica now lags: what the primary gains, it lacks
        caller = manage("shell", "--no-imports", "-c", NEW_CANDIDATE, database=on_primary)
        caller = int(caller.split()[-1])

        served = Served(both, tmp_path / "gunicorn.log")
        http = requests.Session()
        http.cookies.set("sessionid", key)
        page = http.get(f"{served.url}/callers/{caller}/", timeout=10)
        assert page.status_code == 200 and "Rhona Replica" in page.text  # the primary
        candidates = http.get(f"{served.url}/callers/candidates/", timeout=10)
        assert candidates.status_code == 200 and "Rhona Replica" not in candidates.text
        # The worker's report reads the replica (no calls yet) and is stored on the primary.
        assert manage("shell", "--no-imports", "-c", REPORT, database=both).split()[-1] == "0"
        assert manage("shell", "--no-imports", "-c", REPORT, database=on_primary).split()[-1] == "3"

        _replay(replica, "resume")
        deadline = time.monotonic() + 20
        while "Rhona Replica" not in http.get(f"{served.url}/callers/candidates/", timeout=10).text:
            assert time.monotonic() < deadline, "the replica never caught up"
            time.sleep(0.2)
        assert manage("shell", "--no-imports", "-c", REPORT, database=both).split()[-1] == "3"
    finally:
        if served:
            served.stop()
        if replica:
            replica.stop()
        primary.stop()


def test_without_a_replica_lagging_reads_read_the_primary():
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Call) is None  # no replica set: the primary, as always
    assert router.db_for_write(Call) == "default"


@pytest.mark.django_db
def test_with_a_replica_only_marked_reads_outside_a_write_go_there(monkeypatch):
    monkeypatch.setattr(replica, "has_replica", lambda: True)
    router = ReplicaRouter()
    assert router.db_for_read(Call) is None  # not marked: the primary
    with replica_reads(), transaction.atomic():  # a write's transaction reads its own writes
        assert router.db_for_read(Call) is None
    assert router.allow_migrate(REPLICA, "callers") is False
    assert router.allow_migrate("default", "callers") is True
