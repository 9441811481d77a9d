"""Nothing personal in logs or addresses: exception messages withheld, the access log without
query strings, no caller search in the admin to put names in URLs (opcc_calls.logging,
gunicorn.conf.py)."""

import io
import logging
import os
import runpy
import smtplib
import socket
import subprocess
import sys
import time
import urllib.request

import psycopg
import pytest
from django.urls import reverse

from opcc_calls.logging import WithholdExceptionMessages
from tests.factories import UserFactory
from tests.helpers import ROOT, sign_in_fully

pytestmark = pytest.mark.django_db


class TestNothingPersonalInLogs:
    """The admin's caller search put names and numbers in URLs; exception messages copied
    record text into the error log; request tokens appeared in the access log."""

    def test_an_exception_s_message_is_withheld_and_its_place_kept(self):
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.addFilter(WithholdExceptionMessages())
        logger = logging.getLogger("tests.no-personal-data")
        logger.addHandler(handler)
        name, number = "Jane Doe", "07700 900123"  # record text, as a failing query quotes it
        try:
            try:
                raise KeyError(name)
            except KeyError as inner:
                raise ValueError(f"invalid literal for int(): {number!r}") from inner
        except ValueError:
            logger.exception("Internal Server Error: /callers/12/")
        finally:
            logger.removeHandler(handler)
        written = stream.getvalue()
        assert "Jane Doe" not in written and "07700" not in written
        assert "builtins.ValueError (message withheld" in written and "test_logging.py" in written

    def test_a_server_that_cannot_be_reached_is_named(self):
        """Operational errors (a database or mail server refusing) keep their message, so a
        wrong DATABASE_URL or EMAIL_HOST can be diagnosed; they carry no one's data."""
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.addFilter(WithholdExceptionMessages())
        logger = logging.getLogger("tests.operational")
        logger.addHandler(handler)
        with socket.socket() as probe:  # a port nothing listens on
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        try:
            for attempt in (
                lambda: psycopg.connect(f"postgresql://nobody@127.0.0.1:{port}/none"),
                lambda: smtplib.SMTP("127.0.0.1", port, timeout=5),
            ):
                try:
                    attempt()
                except Exception:
                    logger.exception("Internal Server Error: /callers/log/")
        finally:
            logger.removeHandler(handler)
        written = stream.getvalue()
        assert "psycopg.OperationalError: connection failed" in written, written
        assert "ConnectionRefusedError: [Errno 111] Connection refused" in written, written
        assert "message withheld" not in written

    def test_every_log_handler_withholds_them(self, settings):
        for name, handler in settings.LOGGING["handlers"].items():
            assert "no_personal_data" in handler.get("filters", []), name

    def test_the_admin_has_no_caller_search_to_put_names_in_urls(self, client):
        sign_in_fully(client, UserFactory(is_staff=True, is_superuser=True))
        html = client.get(reverse("admin:callers_caller_changelist")).content.decode()
        assert 'id="searchbar"' not in html

    def test_the_access_log_holds_paths_without_their_query(self, tmp_path):
        """gunicorn, started with the project's gunicorn.conf.py, as in production."""
        log = tmp_path / "access.log"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {
            k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "DATABASE_URL"}
        } | {
            "DJANGO_DEBUG": "true",
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_ACCESS_LOG": str(log),
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "opcc_calls.wsgi", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/sign-in/?next=/&t=SECRET-TOKEN&q=Jane+Doe",
                        timeout=5,
                    ) as response:
                        assert response.status == 200
                    break
                except OSError:
                    time.sleep(0.1)
            server.terminate()
            server.wait(timeout=10)
        finally:
            server.kill()
        written = log.read_text()
        assert "/sign-in/" in written
        assert "SECRET-TOKEN" not in written and "Jane" not in written and "?" not in written

    def test_only_the_named_proxy_is_believed(self):
        config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
        assert config["forwarded_allow_ips"] == ""  # unless FORWARDED_ALLOW_IPS names it
