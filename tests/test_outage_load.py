"""Measured: four handlers logging calls for 60 seconds through the real form, served by
gunicorn, while PostgreSQL restarts at 20 s and gunicorn reloads (a release) at 40 s. Each
handler's page behaves as log-call.js does: a call not answered (refused, 502/503/504, a
timeout) is sent again with the same token, waiting 1, 2, 4, 8 then 15 s. Every call typed
must be logged exactly once, with DMTS references in an unbroken run, and no handler shown an
error page. README's "Through an outage" has the figures of a run."""

import json
import statistics
import threading
import time

import psycopg
import pytest
import requests
from django.db import connection

from tests.helpers import log_call_data
from tests.served import SIGNED_IN, PrivatePostgres, Served, manage

HANDLERS = 4
SECONDS = 60
RESTART_AT, RELOAD_AT = 20, 40
WAITS = [1, 2, 4, 8, 15]  # log-call.js's
CSRF = "c" * 32

MAKE_HANDLERS = (
    SIGNED_IN
    + f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from opcc_calls.roles import Role, sync_role_groups
sync_role_groups()
keys = []
for i in range({HANDLERS}):
    user = get_user_model().objects.create_user(f"handler-{{i}}")
    user.groups.add(Group.objects.get(name=Role.CALL_HANDLER.value))
    keys.append(signed_in(user))
print(",".join(keys))
"""
)


class Handler(threading.Thread):
    """One handler at their desk: a call typed, "Log call" pressed, the page sending it until
    the server has it; then the next call."""

    def __init__(self, number: int, session_key: str, url: str, stop_at: float) -> None:
        super().__init__()
        self.number, self.url, self.stop_at = number, url, stop_at
        self.http = requests.Session()
        self.http.cookies.set("sessionid", session_key)
        self.http.cookies.set("csrftoken", CSRF)
        self.typed: list[str] = []
        self.waits: list[float] = []
        self.answers: list = []  # every answer that was not "logged": what the page handled
        self.shown: list = []  # an answer the page would have had to show: an error page

    def run(self) -> None:
        while time.monotonic() < self.stop_at:
            marker = f"handler {self.number} call {len(self.typed) + 1}"
            data = log_call_data(
                full_name=f"Caller {self.number}-{len(self.typed) + 1}",
                about=marker,
                csrfmiddlewaretoken=CSRF,
            )
            self.typed.append(marker)
            pressed = time.monotonic()
            for attempt in range(1, 1000):
                try:
                    answer = self.http.post(
                        self.url + "/callers/log/",
                        data=data,
                        headers={"Accept": "application/json"},
                        timeout=15,
                    )
                except requests.RequestException as failure:
                    self.answers.append(type(failure).__name__)
                else:
                    if answer.ok and answer.headers["Content-Type"] == "application/json":
                        break
                    self.answers.append(answer.status_code)
                    if answer.status_code not in (502, 503, 504):
                        self.shown.append((answer.status_code, answer.text[:500]))
                        break
                time.sleep(WAITS[min(attempt - 1, len(WAITS) - 1)])
            self.waits.append(time.monotonic() - pressed)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="measured once, in the PostgreSQL run"
)
def test_four_handlers_through_a_postgresql_restart_and_a_reload_lose_no_call(tmp_path):
    postgres = PrivatePostgres()
    served = None
    try:
        database = {"DATABASE_URL": postgres.url}
        manage("migrate", "--noinput", "-v0", database=database)
        made = manage("shell", "--no-imports", "-c", MAKE_HANDLERS, database=database)
        keys = made.strip().splitlines()[-1].split(",")
        served = Served(database, tmp_path / "gunicorn.log")

        started = time.monotonic()
        handlers = [Handler(i, key, served.url, started + SECONDS) for i, key in enumerate(keys)]
        for handler in handlers:
            handler.start()
        time.sleep(RESTART_AT - (time.monotonic() - started))
        restart_began = time.monotonic()
        postgres.restart()
        restart_took = time.monotonic() - restart_began
        time.sleep(RELOAD_AT - (time.monotonic() - started))
        served.reload()
        for handler in handlers:
            handler.join(timeout=SECONDS + 120)
        elapsed = time.monotonic() - started

        typed = [marker for handler in handlers for marker in handler.typed]
        with psycopg.connect(postgres.url) as db:
            logged = [row[0] for row in db.execute("SELECT about FROM callers_call")]
            references = sorted(
                int(row[0].rsplit("-", 1)[1])
                for row in db.execute("SELECT reference FROM dmts_dmtsentry")
            )
        waits = sorted(wait for handler in handlers for wait in handler.waits)
        answers = [answer for handler in handlers for answer in handler.answers]
        figures = {
            "calls typed": len(typed),
            "calls logged": len(logged),
            "calls a second": round(len(logged) / elapsed, 1),
            "answers the pages handled (sent again)": {
                str(kind): answers.count(kind) for kind in sorted(set(answers), key=str)
            },
            "error pages shown": sum(len(handler.shown) for handler in handlers),
            "PostgreSQL restart took s": round(restart_took, 2),
            "wait p50 ms": round(statistics.median(waits) * 1000, 1),
            "wait p99 ms": round(waits[int(len(waits) * 0.99)] * 1000, 1),
            "longest wait s": round(waits[-1], 2),
        }
        print("\n" + json.dumps(figures, indent=2))

        assert not [shown for handler in handlers for shown in handler.shown]
        assert sorted(logged) == sorted(typed)  # every call typed, each exactly once
        assert references == list(range(1, len(typed) + 1))  # no gap, none twice
        assert answers, "nothing failed: the restart did not happen under load"
    finally:
        if served is not None:
            served.stop()
        postgres.stop()
