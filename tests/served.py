"""The app served as in production: gunicorn's master and its workers (gunicorn.conf.py) in
processes of their own, on a port of loopback, against the database named. For the tests that
restart, reload or cut what is behind the app: no stand-in for any of it."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    """gunicorn serving the app; `reload()` is a release's graceful reload (HUP)."""

    def __init__(self, database: dict, log: Path, *, workers: int = 2) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "opcc_calls.wsgi", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=os.environ
            | {"GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": str(workers)}
            | {"ALLOWED_HOSTS": "127.0.0.1", "SECRET_KEY": "served-in-tests-" + "0" * 40}
            | database,
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
