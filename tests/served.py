"""The app served as in production: gunicorn's master and its workers (gunicorn.conf.py) in
processes of their own, on a port of loopback, against the database named. For the tests that
restart, reload or cut what is behind the app: no stand-in for any of it."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
#: The served app's and its commands' key: sessions made by one are good in the other.
SECRET_KEY = "served-in-tests-" + "0" * 40


#: For `manage.py shell -c`: `signed_in(user)` makes a session for them as if they had signed
#: in with both factors, and gives its key (the served app's cookie).
SIGNED_IN = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from opcc_calls.middleware import SECOND_FACTOR_SESSION_KEY
def signed_in(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "opcc_calls.permissions.CachedPermissionsBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SECOND_FACTOR_SESSION_KEY] = True
    session.create()
    return session.session_key
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    """gunicorn serving the app; `reload()` is a release's graceful reload (HUP)."""

    def __init__(
        self, database: dict, log: Path, *, workers: int = 2, environment: dict | None = None
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "opcc_calls.wsgi", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=os.environ
            | {"GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": str(workers)}
            | {"ALLOWED_HOSTS": "127.0.0.1", "SECRET_KEY": SECRET_KEY}
            | database
            | (environment or {}),
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.wait_until_listening()

    def wait_until_listening(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: {self.log.read_text()[-3000:]}")
            try:
                requests.get(self.url + "/health/", timeout=5)
                return
            except requests.ConnectionError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer: {self.log.read_text()[-3000:]}")

    def reload(self) -> None:
        """What a release does after `migrate`: new workers with the new code, old ones finish
        the requests they hold, and the listening socket never closes."""
        self.process.send_signal(signal.SIGHUP)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def database_of(connection) -> dict:
    """The environment that points a served app at this test's database."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        return {
            "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        }
    return {"DATABASE_URL": "", "SQLITE_PATH": db["NAME"]}


class PrivatePostgres:
    """A PostgreSQL server of the test's own (initdb in a folder of its own, on a free port of
    loopback), so that a test may restart it under a served app without touching the server
    the rest of the suite uses."""

    def __init__(self, *, replica_of: "PrivatePostgres | None" = None) -> None:
        """A new server with an empty `opcc_calls` database; or, `replica_of` a running one,
        its streaming replica (pg_basebackup, as a DBA makes one), read-only, following it."""
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not found:
            raise RuntimeError("PostgreSQL's server programs are not installed")
        self.bin = found[-1].parent
        self.folder = Path(tempfile.mkdtemp(prefix="opcc-calls-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/opcc_calls"
        if os.geteuid() == 0:  # PostgreSQL will not run as root: as its own user
            shutil.chown(self.folder, "postgres", "postgres")
        if replica_of:
            self._run(
                "pg_basebackup", "-h", "127.0.0.1", "-p", str(replica_of.port), "-U", "postgres",
                "-D", str(self.data), "-R", "-X", "stream", "-c", "fast",
            )  # fmt: skip
        else:
            self._run(
                "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
            )
        self._pg_ctl(
            "start", "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        )
        if not replica_of:
            self._run(
                "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "opcc_calls"
            )

    def _run(self, program: str, *arguments: str) -> None:
        command = [str(self.bin / program), *arguments]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def _pg_ctl(self, action: str, *options: str) -> None:
        """pg_ctl, waiting until it is done; the log is named each time, or a restarted server
        writes to (and holds open) our pipe."""
        log = str(self.folder / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, *options, "-w", action)

    def restart(self) -> None:
        """As an administrator restarts it (fast: open connections are ended)."""
        self._pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def manage(*arguments: str, database: dict, timeout: float = 300, cwd: Path = ROOT) -> str:
    """`manage.py` as an administrator runs it, against the database named (from another
    release's code, with `cwd`)."""
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=cwd,
        env={k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
        | {"DJANGO_DEBUG": "true", "SECRET_KEY": SECRET_KEY}
        | database,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(arguments)} failed: {done.stderr[-3000:]}")
    return done.stdout
