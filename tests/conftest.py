import os
import random
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import factory.random
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone, translation
from hypothesis import settings as hypothesis_settings

from callers.models import Concern, Referral
from callers.services.calls import call_log
from callers.services.follow_ups import follow_up_add
from callers.services.letters import appeal_record, letter_write
from callers.services.meetings import meeting_open
from callers.services.subject_access import (
    subject_access_request_log,
    subject_access_response_request,
)
from dmts.services.exports import export_request
from opcc_calls.roles import Role
from tests.factories import CallerFactory, StaffContactFactory, UserFactory
from tests.helpers import (
    IN_CI,
    flag,
    frequent_caller,
    office_letterhead,
    run_background_tasks,
    sign_in_fully,
)

# Hypothesis: in CI the same examples every run, so a rare one cannot fail one run and pass the
# next (a failure there prints the example to reproduce); elsewhere new examples each run.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("dev")
hypothesis_settings.load_profile("ci" if IN_CI else "dev")

# Factory data (names, addresses) the same way: in CI one seed every run, so a name that happens
# to wrap a line or match a word cannot fail one run and pass the next; elsewhere a new seed each
# run, said when a test fails, so FACTORY_SEED=<seed> gives that run's names again.
FACTORY_SEED = int(os.environ.get("FACTORY_SEED") or (0 if IN_CI else random.randrange(2**32)))
factory.random.reseed_random(FACTORY_SEED)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if exitstatus:
        terminalreporter.write_line(
            f"Factory data came from FACTORY_SEED={FACTORY_SEED}: set it to run with the same."
        )


# Playwright's sync API runs an event loop in this thread; the ORM calls our browser tests make
# around it are ordinary synchronous code, which Django would otherwise refuse in that thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True, scope="session")
def _exports_folder_removed():
    """Exports written by this run go to a folder of its own (settings), removed at the end."""
    yield
    shutil.rmtree(settings.EXPORTS_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def _the_offices_language():
    """Each test starts in the office's language: a request in Welsh leaves Welsh active in
    the thread that served it (LocaleMiddleware does not put it back), the test's own."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Nothing cached (a rate limit, a code used, permissions) leaks from one test into the
    next: each process's memory emptied, and the shared cache (a table in the database,
    which a transactional test's flush leaves) read under a prefix of the test's own."""
    from django.core.cache import caches

    caches["local"].clear()
    caches["default"].key_prefix = uuid.uuid4().hex


@pytest.fixture
def handler_user(db):
    return UserFactory(username="handler-user", first_name="Hannah", roles=[Role.CALL_HANDLER])


@pytest.fixture
def compliance_user(db):
    return UserFactory(
        username="compliance-user",
        first_name="Colin",
        roles=[Role.CALL_HANDLER, Role.COMPLIANCE_OFFICER],
        is_staff=True,
    )


@pytest.fixture
def manager_user(db):
    return UserFactory(
        username="manager-user",
        first_name="Maya",
        roles=[Role.CALL_HANDLER, Role.BUSINESS_AND_COMPLIANCE_MANAGER],
        is_staff=True,
    )


@pytest.fixture
def roleless_user(db):
    return UserFactory(username="no-role-user")


def _signed_in(user) -> Client:
    return sign_in_fully(Client(), user)


@pytest.fixture
def handler_client(handler_user):
    return _signed_in(handler_user)


@pytest.fixture
def compliance_client(compliance_user):
    return _signed_in(compliance_user)


@pytest.fixture
def manager_client(manager_user):
    return _signed_in(manager_user)


@pytest.fixture
def roleless_client(roleless_user):
    return _signed_in(roleless_user)


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback (aiosmtpd); the app sends to it over SMTP."""
    import socket

    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self) -> None:
            self.messages: list = []

        async def handle_DATA(self, server, session, envelope):
            from email import message_from_bytes, policy

            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 Message accepted for delivery"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    inbox.port = port
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    yield inbox
    controller.stop()


@pytest.fixture
def world(handler_user, compliance_user, manager_user):
    """One of everything a URL can name, the call taken by the handler, the call log export
    asked for (and written) by the Compliance Officer."""
    caller = frequent_caller()
    made = flag(caller, manager_user)
    call = call_log(
        by=handler_user,
        submission_token=uuid.uuid4(),
        caller=caller,
        call_type="named_person",
        about="Asked for the Chief Executive.",
        requested=StaffContactFactory(),
        request_reason="A letter.",
        received_at=timezone.now(),
    ).call
    meeting = meeting_open(kind="silver", day=timezone.localdate(), by=manager_user)
    concern = Concern.objects.create(
        caller=caller, raised_by=handler_user, kind="other", noticed="Sounded upset."
    )
    referral = Referral.objects.create(
        caller=caller,
        referred_to="force",
        lawful_basis="public_task",
        consent="yes",
        made_by=manager_user,
    )
    export = export_request(
        by=compliance_user, format="csv", filters={}, submission_token=uuid.uuid4()
    )
    made.written_contact_only = True
    made.save()
    office_letterhead()
    letter = letter_write(flag=made, by=manager_user, kind="notice", reason="Many calls.")
    appeal = appeal_record(
        flag=made,
        by=compliance_user,
        received_on=timezone.localdate(),
        grounds="I only call when I must.",
    )
    action = follow_up_add(
        by=manager_user,
        what="Write to the caller about their arrangements",
        owner=manager_user,
        due_on=timezone.localdate(),
        meeting=meeting,
    )
    sar = subject_access_request_log(
        caller=caller, by=manager_user, received_on=timezone.localdate(), requester="caller"
    )
    another_manager = UserFactory(roles=[Role.BUSINESS_AND_COMPLIANCE_MANAGER])
    sar_response = subject_access_response_request(sar=sar, by=another_manager)
    run_background_tasks()
    return {
        "sar": sar,
        "sar_response": sar_response,
        "follow_up": action,
        "letter": letter,
        "appeal": appeal,
        "export": export,
        "caller": caller,
        "other": CallerFactory(),
        "flag": made,
        "call": call,
        "meeting": meeting,
        "item": meeting.items.get(),
        "concern": concern,
        "referral": referral,
    }


@pytest.fixture
def background_worker(transactional_db, tmp_path):
    """Starts the real background worker (`manage.py db_worker`) in a process of its own,
    against this test's database; the test's data must be committed (transactional)."""
    db = connection.settings_dict
    target = (
        {
            "DATABASE_URL": "postgres://{}{}@{}:{}/{}".format(
                db["USER"],
                f":{db['PASSWORD']}" if db["PASSWORD"] else "",
                db["HOST"],
                db["PORT"],
                db["NAME"],
            )
        }
        if connection.vendor == "postgresql"
        else {"DATABASE_URL": "", "SQLITE_PATH": db["NAME"]}
    )
    processes = []

    def start(**env) -> subprocess.Popen:
        log = open(tmp_path / f"worker-{len(processes)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.1"]
            + ["--no-startup-delay", "--no-reload", "--queue-name", "*"],
            cwd=Path(__file__).resolve().parent.parent,
            env={k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
            # The same secret key as the app under test: links it signs must work there.
            | {"DJANGO_DEBUG": "true", "SECRET_KEY": settings.SECRET_KEY}
            | {"ALLOWED_HOSTS": "localhost", "EXPORTS_ROOT": str(settings.EXPORTS_ROOT)}
            | target
            | env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=15)
