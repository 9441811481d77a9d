"""What an office's IT meets installing the app as README's Production section says."""

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.checks import run_checks
from django.core.management import call_command, get_commands
from django.db import connection
from django.urls import reverse

from callers.checks import NAMED
from opcc_calls.roles import Role
from tests.factories import StaffContactFactory, UserFactory
from tests.helpers import authenticator_app, page_text, sign_in_fully, totp_code
from tests.served import Served, database_of, manage

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db(transaction=True)
def test_two_instances_for_one_user_share_no_control_socket(tmp_path):
    """gunicorn 27 puts a control socket in the user's home by default, one path for every
    instance: ours has none unless GUNICORN_CONTROL_SOCKET names one for the instance."""
    home = tmp_path / "home"
    home.mkdir()
    own = tmp_path / "second.ctl"
    first = Served(database_of(connection), tmp_path / "first.log", environment={"HOME": str(home)})
    second = Served(
        database_of(connection),
        tmp_path / "second.log",
        environment={"HOME": str(home), "GUNICORN_CONTROL_SOCKET": str(own)},
    )
    try:
        assert not list(home.rglob("*.ctl"))  # nothing in the home both share
        assert own.is_socket()
    finally:
        first.stop()
        second.stop()


def systemd_reads(text: str) -> dict[str, str]:
    """The variables systemd's EnvironmentFile= sets from this text: comment lines skipped,
    each value trimmed and its quotes taken off; a comment after a value stays in it."""
    found = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        name, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
            if line.partition("=")[2].strip()[0] == '"':
                value = value.replace('\\"', '"').replace("\\\\", "\\")
        found[name.strip()] = value
    return found


def test_the_environment_example_reads_the_same_to_systemd_and_a_shell(tmp_path):
    """.env.example as /etc/opcc-calls/env: the service (systemd) and manage.py or cron
    (deploy/with-env, a shell) get the same values, and no comment becomes a value."""
    example = (ROOT / ".env.example").read_text()
    env_file = tmp_path / "env"
    env_file.write_text(example)
    show = "import json, os; print(json.dumps(dict(os.environ)))"
    done = subprocess.run(
        [str(ROOT / "deploy" / "with-env"), sys.executable, "-c", show],
        env={"OPCC_CALLS_ENV": str(env_file), "PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    shell = json.loads(done.stdout)
    systemd = systemd_reads(example)
    assert systemd and {name: shell.get(name) for name in systemd} == systemd
    assert not [name for name, value in systemd.items() if "#" in value]
    assert systemd["OFFICE_NAME"].startswith("Office of the Police")
    assert systemd["OIDC_NAME"] == "your organisation's sign-in"


def test_with_env_says_when_it_cannot_read_the_file(tmp_path):
    done = subprocess.run(
        [str(ROOT / "deploy" / "with-env"), "true"],
        env={"OPCC_CALLS_ENV": str(tmp_path / "missing"), "PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2 and "cannot read" in done.stderr


@pytest.mark.django_db
def test_every_scheduled_command_in_the_readme_runs():
    """README's scheduled commands, the housekeeping ones included (sessions and finished
    task results would otherwise only grow), each exist with the options it gives."""
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("### Scheduled commands") : readme.index("### Scaling")]
    commands = re.findall(r"^\| `manage\.py ([a-z_]+)([^`]*)`", table, re.MULTILINE)
    assert {"clearsessions", "prune_db_task_results"} <= {name for name, _ in commands}
    for name, options in commands:
        if name in {"clearsessions", "prune_db_task_results"}:
            call_command(name, *shlex.split(options))
        else:
            assert name in get_commands(), name


ONE_TRY = """
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
print(TOTP(Authenticator.objects.get(pk={pk})).validate_code("{code}"))
"""


@pytest.mark.django_db(transaction=True)
def test_a_second_factor_code_is_refused_the_second_time_in_another_process(handler_user):
    """Two gunicorn workers are two processes: in each one's own memory, one authenticator
    code was accepted twice. The cache that remembers a code used is the database's."""
    secret = authenticator_app(handler_user)
    authenticator = Authenticator.objects.get(user=handler_user)
    code = totp_code(secret)
    answers = [
        manage(
            "shell",
            "--no-imports",
            "-c",
            ONE_TRY.format(pk=authenticator.pk, code=code),
            database=database_of(connection),
        ).strip()
        for _ in range(2)
    ]
    assert answers == ["True", "False"]


def _ids(*, databases=None) -> set[str]:
    return {
        message.id
        for message in run_checks(include_deployment_checks=True, databases=databases)
        if message.id.startswith("callers.")
    }


def test_check_deploy_names_what_the_servers_environment_lacks(settings):
    settings.COMPLAINTS_EMAIL = ""
    settings.TELEPHONY_WEBHOOK_SECRET, settings.DEBUG = "too-short", False
    assert _ids() == {"callers.W003", "callers.W004"}
    settings.COMPLAINTS_EMAIL = "complaints@opcc.example"
    settings.TELEPHONY_WEBHOOK_SECRET = "x" * 32
    assert _ids() == set()


@pytest.mark.django_db
def test_check_with_the_database_names_what_the_records_lack(settings):
    settings.COMPLAINTS_EMAIL, settings.TELEPHONY_WEBHOOK_SECRET = "c@opcc.example", "x" * 32
    manager_only = UserFactory(username="mgr-only", roles=[Role.BUSINESS_AND_COMPLIANCE_MANAGER])
    UserFactory(username="handles", roles=[Role.CALL_HANDLER, Role.COMPLIANCE_OFFICER])
    UserFactory(username="no-role-at-all")  # an account for the admin alone takes no calls
    messages = {
        m.id: m.msg for m in run_checks(include_deployment_checks=True, databases=["default"])
    }
    assert {"callers.W001", "callers.W002"} <= set(messages)
    assert messages["callers.W002"].endswith("(mgr-only)")
    assert _ids() == set()  # without --database, the records are not read
    StaffContactFactory(is_commissioner=True)
    manager_only.groups.add(Group.objects.get(name=Role.CALL_HANDLER))
    assert _ids(databases=["default"]) == set()


@pytest.mark.django_db
def test_a_managers_home_page_shows_the_checklist_until_it_is_done(settings, client):
    settings.COMPLAINTS_EMAIL, settings.TELEPHONY_WEBHOOK_SECRET = "", "x" * 32
    manager_only = UserFactory(roles=[Role.BUSINESS_AND_COMPLIANCE_MANAGER], username="mgr-only")
    handler = UserFactory(roles=[Role.CALL_HANDLER])
    sign_in_fully(client, manager_only)
    page = client.get("/").content.decode()
    assert "Before the office takes calls" in page
    assert "no entry for the Commissioner" in page
    assert "Some staff cannot log calls" in page and "mgr-only" in page
    assert "COMPLAINTS_EMAIL is not set" in page
    # A manager who cannot take calls meets the refusal the checklist explains.
    assert client.get(reverse("callers:log")).status_code == 403
    sign_in_fully(client, handler)
    assert "Before the office takes calls" not in client.get("/").content.decode()

    settings.COMPLAINTS_EMAIL = "complaints@opcc.example"
    StaffContactFactory(is_commissioner=True)
    manager_only.groups.add(Group.objects.get(name=Role.CALL_HANDLER))
    sign_in_fully(client, manager_only)
    assert "Before the office takes calls" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_check_and_the_home_page_name_ten_and_say_there_are_more(settings, client):
    settings.COMPLAINTS_EMAIL, settings.TELEPHONY_WEBHOOK_SECRET = "c@opcc.example", "x" * 32
    StaffContactFactory(is_commissioner=True)
    for n in range(1, NAMED + 3):
        UserFactory(username=f"mgr-{n:02}", roles=[Role.BUSINESS_AND_COMPLIANCE_MANAGER])
    named = ", ".join(f"mgr-{n:02}" for n in range(1, NAMED + 1))
    checks = run_checks(include_deployment_checks=True, databases=["default"])
    (message,) = [m for m in checks if m.id.startswith("callers.")]
    assert message.id == "callers.W002" and message.msg.endswith(f"({named}, …)")
    sign_in_fully(client, get_user_model().objects.get(username="mgr-01"))
    assert f"Who: {named}, …" in page_text(client.get("/"))
