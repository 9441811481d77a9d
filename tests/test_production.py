"""README's Production section followed from scratch on this machine (issue 26): a database of
its own, `.env.example` made the environment file, every command through `deploy/with-env`,
gunicorn as `gunicorn.conf.py` serves it, the repository's own nginx server block in front
with TLS, the background worker, and a scheduled command whose email arrives at a real SMTP
server on loopback, its link opening through the proxy.

Only the install itself (`pip install` into a new virtualenv) is not repeated: the suite's
virtualenv is the one README's step 1 makes. The client talks to nginx from 127.0.0.5, a
loopback address of its own, so the client's address and the proxy's (127.0.0.1) differ.
"""

import http.client
import os
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.served import SIGNED_IN, free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "calls.opcc.example"
CLIENT = "127.0.0.5"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed (.ci/run does)"),
]


def env_file_from_example(values: dict[str, str]) -> str:
    """.env.example with these values set, as IT edits it: each line `NAME=...` (or a
    commented-out `# NAME=...`) rewritten; every name must already be in the example."""
    text = (ROOT / ".env.example").read_text()
    for name, value in values.items():
        text, found = re.subn(
            rf"^(# )?{name}=.*$", f'{name}="{value}"', text, count=1, flags=re.MULTILINE
        )
        assert found, f"{name} is not in .env.example"
    return text


def server_block(port: int, ports: dict, folder: Path, static_root: Path) -> str:
    """deploy/nginx/opcc-calls.conf with this machine's ports and paths: each thing README
    says to replace is replaced once at least, and nothing else is changed."""
    text = (ROOT / "deploy" / "nginx" / "opcc-calls.conf").read_text()
    for old, new in [
        ("listen 80;", f"listen 127.0.0.1:{ports['http']};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{ports['https']} ssl http2;"),
        ("/etc/ssl/opcc-calls/", f"{folder}/tls/"),
        ("/srv/opcc-calls/static/", f"{static_root}/"),
        ("127.0.0.1:8000", f"127.0.0.1:{port}"),
        ("/var/log/nginx/", f"{folder}/"),
    ]:
        assert old in text, old
        text = text.replace(old, new)
    # No IPv6 on every test machine: the [::] listeners are the same server.
    return "\n".join(line for line in text.splitlines() if "listen [::]" not in line)


NGINX_MAIN = """
pid {folder}/nginx.pid;
worker_processes 1;
{user}
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {folder}/other.log;
    client_body_temp_path {folder}/temp/body;
    proxy_temp_path {folder}/temp/proxy;
    fastcgi_temp_path {folder}/temp/fastcgi;
    uwsgi_temp_path {folder}/temp/uwsgi;
    scgi_temp_path {folder}/temp/scgi;
    include {folder}/opcc-calls.conf;
}}
"""


class Office:
    """One office's server: the environment file, and commands run with it."""

    def __init__(self, folder: Path, env_file: Path) -> None:
        self.folder = folder
        self.environment = {
            "PATH": os.environ["PATH"],
            "HOME": str(folder),
            "LANG": "C.UTF-8",
            "OPCC_CALLS_ENV": str(env_file),
        }
        self.processes: list[subprocess.Popen] = []

    def run(self, *command: str, extra: dict | None = None, timeout: float = 300) -> str:
        done = subprocess.run(
            [str(ROOT / "deploy" / "with-env"), *command],
            cwd=ROOT,
            env=self.environment | (extra or {}),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, f"{command}: {done.stdout[-2000:]} {done.stderr[-3000:]}"
        return done.stdout + done.stderr

    def manage(self, *arguments: str, **options) -> str:
        return self.run(str(BIN / "python"), "manage.py", *arguments, **options)

    def start(self, *command: str, log: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [str(ROOT / "deploy" / "with-env"), *command],
            cwd=ROOT,
            env=self.environment,
            stdout=(self.folder / log).open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


class Visitor:
    """A browser on another address than the proxy's, over TLS checked against the office's
    certificate."""

    def __init__(self, ports: dict, certificate: Path) -> None:
        self.ports = ports
        self.context = ssl.create_default_context(cafile=str(certificate))
        self.cookies: dict[str, str] = {}

    def send(
        self,
        method: str,
        path: str,
        form: dict | None = None,
        *,
        tls: bool = True,
        headers: dict | None = None,
    ):
        if tls:
            connection_ = http.client.HTTPSConnection(
                "127.0.0.1",
                self.ports["https"],
                context=self.context,
                timeout=30,
                source_address=(CLIENT, 0),
            )
        else:
            connection_ = http.client.HTTPConnection(
                "127.0.0.1", self.ports["http"], timeout=30, source_address=(CLIENT, 0)
            )
        headers = {"Host": HOST, "Referer": f"https://{HOST}/", "Origin": f"https://{HOST}"} | (
            headers or {}
        )
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form | {"csrfmiddlewaretoken": self.csrf()})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection_.request(method, path, body=body, headers=headers)
        response = connection_.getresponse()
        content = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";")[0]
        connection_.close()
        return response, content

    def csrf(self) -> str:
        if "csrftoken" not in self.cookies:
            self.send("GET", "/sign-in/")
        return self.cookies["csrftoken"]


def wait_for(check, seconds: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def listening(port: int) -> bool:
    try:
        http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
    except OSError:
        return False
    return True


@pytest.fixture
def production_database():
    """A PostgreSQL database of its own, empty, on the suite's server."""
    if connection.vendor != "postgresql":
        pytest.skip("production runs on PostgreSQL")
    settings_dict = connection.settings_dict
    name = f"opcc_calls_production_{secrets.token_hex(4)}"
    server = psycopg.connect(
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    server.execute(f'CREATE DATABASE "{name}"')
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    url = (
        f"postgres://{settings_dict['USER']}{password}@{settings_dict['HOST']}:"
        f"{settings_dict['PORT'] or 5432}/{name}"
    )
    yield url
    server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    server.close()


def test_readmes_production_section_from_scratch(tmp_path, production_database, smtp_server):
    folder = tmp_path
    (folder / "temp").mkdir()
    (folder / "tls").mkdir()
    static_root = folder / "static"
    gunicorn_port = free_port()
    ports = {"http": free_port(), "https": free_port()}

    # The certificate (an office's own CA, or a public one, in real life).
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={HOST}",
            "-addext",
            f"subjectAltName=DNS:{HOST},IP:127.0.0.1",
            "-keyout",
            str(folder / "tls" / "privkey.pem"),
            "-out",
            str(folder / "tls" / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
    )

    # Step 2: the environment file from .env.example, mode 600.
    env_file = folder / "env"
    env_file.write_text(
        env_file_from_example(
            {
                "SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": HOST,
                "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
                "SITE_URL": f"https://{HOST}",
                "DATABASE_URL": production_database,
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(smtp_server.port),
                "DEFAULT_FROM_EMAIL": "opcc-calls@opcc.example",
                "TELEPHONY_WEBHOOK_SECRET": secrets.token_urlsafe(32),
                "COMPLAINTS_EMAIL": "complaints@opcc.example",
                "EXPORTS_ROOT": str(folder / "exports"),
                "BACKUP_DIR": str(folder / "backups"),
                "GUNICORN_BIND": f"127.0.0.1:{gunicorn_port}",
                "GUNICORN_ACCESS_LOG": str(folder / "gunicorn-access.log"),
                "STATIC_ROOT": str(static_root),
            }
        )
    )
    env_file.chmod(0o600)
    office = Office(folder, env_file)
    try:
        # Step 3: migrate, collectstatic, compilemessages, check --deploy.
        office.manage("migrate", "--noinput")
        office.manage("collectstatic", "--noinput")
        office.manage("compilemessages", "--ignore=.venv")
        report = office.manage("check", "--deploy", "--database", "default")
        # The first-run checklist: nothing can be logged as a request to speak to the
        # Commissioner until the staff directory has the Commissioner.
        assert "callers.W001" in report, report
        # Step 4: the first account.
        office.manage(
            "createsuperuser",
            "--noinput",
            "--username",
            "it-admin",
            "--email",
            "it-admin@opcc.example",
            extra={"DJANGO_SUPERUSER_PASSWORD": secrets.token_urlsafe(16)},
        )

        # Step 5: gunicorn, and nginx with the repository's server block in front.
        office.start(
            str(BIN / "gunicorn"), "opcc_calls.wsgi", "-c", "gunicorn.conf.py", log="gunicorn.log"
        )
        (folder / "opcc-calls.conf").write_text(
            server_block(gunicorn_port, ports, folder, static_root)
        )
        (folder / "nginx.conf").write_text(
            NGINX_MAIN.format(folder=folder, user="user root;" if os.geteuid() == 0 else "")
        )
        nginx = [
            "nginx",
            "-p",
            str(folder),
            "-c",
            str(folder / "nginx.conf"),
            "-e",
            str(folder / "error.log"),
        ]
        tested = subprocess.run([*nginx, "-t"], capture_output=True, text=True)
        assert tested.returncode == 0, tested.stderr
        office.processes.append(
            subprocess.Popen([*nginx, "-g", "daemon off;"], start_new_session=True)
        )
        # Step 6: the background worker.
        office.start(
            str(BIN / "python"),
            "manage.py",
            "db_worker",
            "--queue-name",
            "*",
            "--no-reload",
            log="worker.log",
        )
        wait_for(lambda: listening(gunicorn_port) and listening(ports["https"]), what="serving")

        visitor = Visitor(ports, folder / "tls" / "fullchain.pem")
        # Plain HTTP goes to HTTPS; the health check answers through the proxy.
        response, _ = visitor.send("GET", "/sign-in/", tls=False)
        assert response.status == 301
        assert response.getheader("Location") == f"https://{HOST}/sign-in/"
        response, _ = visitor.send("GET", "/health/")
        assert response.status == 200

        # The sign-in page over TLS: the app's own headers, nginx's version not given.
        response, page = visitor.send("GET", "/sign-in/")
        assert response.status == 200
        assert "max-age=31536000" in response.getheader("Strict-Transport-Security")
        assert "no-store" in response.getheader("Cache-Control")
        assert response.getheader("Server") == "nginx"
        # Static files from collectstatic's folder, by nginx: hashed names kept a year.
        stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page).group(1)
        response, _ = visitor.send("GET", stylesheet)
        assert response.status == 200
        assert response.getheader("Cache-Control") == "max-age=315360000"
        assert response.getheader("X-Content-Type-Options") == "nosniff"

        # Five wrong passwords lock the account, recorded under the client's address (the
        # header a client sends of its own is replaced at the edge).
        for _ in range(6):
            response, _ = visitor.send(
                "POST",
                "/sign-in/",
                {"login": "it-admin", "password": "wrong"},
                headers={"X-Forwarded-For": "198.51.100.1"},
            )
            assert response.status in {200, 429}
        assert response.status == 429
        with psycopg.connect(production_database) as database:
            addresses = database.execute(
                "SELECT host(ip_address) FROM axes_accessattempt"
            ).fetchall()
        assert addresses == [(CLIENT,)]
        # Both access logs: the person's address, and paths without their query strings.
        visitor.send("GET", "/sign-in/?next=/callers/log/")
        access_log = (folder / "gunicorn-access.log").read_text()
        assert f"{CLIENT} [" in access_log and "POST /sign-in/" in access_log
        assert "127.0.0.1 [" not in access_log
        proxy_log = (folder / "opcc-calls.access.log").read_text()
        assert f"{CLIENT} [" in proxy_log and "GET /sign-in/ " in proxy_log
        assert "next=" not in access_log + proxy_log

        # A scheduled command: the review digest, queued, sent by the worker, its link
        # opening for its recipient through the proxy.
        session = (
            office.manage(
                "shell",
                "--no-imports",
                "-c",
                SIGNED_IN + LOGGED_CALL,
            )
            .strip()
            .splitlines()[-1]
        )
        visitor.cookies = {"sessionid": session}
        queued = office.manage("send_review_digest")
        assert "queued for 1 reviewer" in queued
        wait_for(lambda: smtp_server.messages, seconds=60, what="the digest by email")
        digest = smtp_server.messages[0]
        assert digest["To"] == "it-admin@opcc.example"
        link = re.search(
            rf"https://{re.escape(HOST)}(/\S+)",
            digest.get_body(preferencelist=("plain",)).get_content(),
        ).group(1)
        response, page = visitor.send("GET", link)
        assert response.status == 200, page[:500]
    finally:
        office.stop()
        for log in ("error.log", "gunicorn.log", "worker.log"):
            if (folder / log).exists():
                print(f"--- {log}\n" + (folder / log).read_text()[-3000:])


#: A call waiting for review, and the administrator's session (as if signed in with both
#: factors): the call is the digest's subject, the session opens its link.
LOGGED_CALL = """
from django.contrib.auth import get_user_model
from tests.helpers import log_call
log_call()
print(signed_in(get_user_model().objects.get(username="it-admin")))
"""
