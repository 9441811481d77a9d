"""What many test modules do: log a call through the service, make a frequent caller and flag
them, count the queries a page runs, and give someone an authenticator app."""

import io
import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import lxml.html
import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from callers.models import Call, Flag, Letterhead
from callers.services.calls import call_log
from callers.services.flags import flag_create
from callers.services.rules import matches_refresh
from opcc_calls.middleware import SECOND_FACTOR_SESSION_KEY
from tests.factories import CallerFactory, CallFactory, StaffContactFactory, UserFactory


def log_call(handler=None, **overrides) -> Call:
    """Log one call through the service, as the log-a-call page does."""
    arguments = {
        "submission_token": uuid.uuid4(),
        "caller": overrides.pop("caller", None) or CallerFactory(),
        "call_type": Call.Type.ENQUIRY,
        "about": "Asked about the plan.",
        "received_at": timezone.now(),
    }
    arguments.update(overrides)
    return call_log(by=handler or UserFactory(), **arguments).call


def log_new_caller(handler, **overrides):
    """Log one call from someone new (John Smith, 01234 567890), as the log-a-call page does."""
    arguments = {
        "submission_token": uuid.uuid4(),
        "new_caller_name": "John Smith",
        "phone": "+441234567890",
        "call_type": Call.Type.ENQUIRY,
        "about": "Asked about the Police and Crime Plan.",
        "outcome": "Told them where to find it.",
        "received_at": timezone.now(),
    }
    arguments.update(overrides)
    return call_log(by=handler, **arguments)


def named_person_call() -> Call:
    """A request to speak to a named person, logged from someone new."""
    return log_new_caller(
        UserFactory(),
        call_type=Call.Type.NAMED_PERSON,
        requested=StaffContactFactory(),
        request_reason="Why",
    ).call


def frequent_caller(calls: int = 3):
    """A caller with `calls` calls in the last few hours, their rule matches worked out."""
    caller = CallerFactory()
    now = timezone.now()
    for hours in range(calls):
        CallFactory(caller=caller, received_at=now - timedelta(hours=hours + 1))
    matches_refresh(caller_ids=[caller.pk])
    return caller


def flag(caller, manager_user, **overrides) -> Flag:
    """Flag a caller as frequent, with an agreed response."""
    arguments = {
        "kind": "frequent",
        "reason": "3 calls in a day",
        "agreed_response": "Log the call; their contact replies in writing.",
    }
    arguments.update(overrides)
    return flag_create(caller=caller, by=manager_user, **arguments)


def office_letterhead() -> Letterhead:
    """The office's letterhead, complete, as a manager sets it before any letter is written."""
    return Letterhead.objects.create(
        name="Office of the Police and Crime Commissioner",
        name_in_sentence="the Office of the Police and Crime Commissioner",
        address="Police Headquarters\n1 Example Way\nAnytown\nAN1 2CD",
        telephone="+443001234567",
        email="opcc@example.org",
        web="https://opcc.example.org",
    )


def queries(client, url: str, *, method: str = "get", data: dict | None = None) -> int:
    """How many queries one request runs, as every page after someone's first does (their
    permissions already cached); the page must answer 200."""
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 200, response.status_code
    return len(captured)


def authenticator_app(user) -> str:
    """Give someone an authenticator app (TOTP); returns its secret, for `totp_code`."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str, *, periods_from_now: int = 0) -> str:
    """The code the authenticator app shows now (or that many 30-second periods away)."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD + periods_from_now
    return format_hotp_value(hotp_value(secret, counter))


def world_args(name: str, world: dict):
    """The arguments that make a URL name a real object of the world."""
    by_model = {
        "callers:card": world["caller"],
        "callers:detail": world["caller"],
        "callers:edit": world["caller"],
        "callers:concern_new": world["caller"],
        "callers:referral_new": world["caller"],
        "callers:flag_new": world["caller"],
        "callers:legal_hold": world["caller"],
        "callers:subject_access": world["caller"],
        "callers:merge_with": world["caller"],
        "callers:flag": world["flag"],
        "callers:flag_renew": world["flag"],
        "callers:flag_response": world["flag"],
        "callers:flag_arrangements": world["flag"],
        "callers:flag_end": world["flag"],
        "callers:notice_new": world["flag"],
        "callers:appeal_new": world["flag"],
        "callers:letter": world["letter"],
        "callers:letter_docx": world["letter"],
        "callers:letter_pdf": world["letter"],
        "callers:letter_sent": world["letter"],
        "callers:appeal": world["appeal"],
        "callers:appeal_decide": world["appeal"],
        "callers:concern": world["concern"],
        "callers:referral": world["referral"],
        "callers:meeting": world["meeting"],
        "callers:meeting_decide": world["item"],
        "callers:meeting_record": world["meeting"],
        "callers:meeting_pdf": world["meeting"],
        "callers:meeting_action": world["meeting"],
        "callers:follow_up": world["follow_up"],
        "callers:follow_up_assign": world["follow_up"],
        "callers:follow_up_done": world["follow_up"],
        "callers:logged": world["call"],
        "callers:request_change": world["call"].contact_request,
        "dmts:entry": world["call"],
        "dmts:correct": world["call"],
        "dmts:review": world["call"],
        "dmts:void": world["call"],
        "dmts:complaint_reference": world["call"],
        "callers:subject_access_request": world["sar"],
        "callers:subject_access_response": world["sar_response"],
        "dmts:export": world["export"],
        "dmts:export_download": world["export"],
        "callers:phone_call_dismiss": None,  # only ever the handler's own (tested there)
        "mfa_edit_webauthn": None,
        "mfa_remove_webauthn": None,
    }
    if name in by_model:
        record = by_model[name]
        return [record.pk if record else 999999]
    return {
        "callers:merge": [world["caller"].pk, world["other"].pk],
        "callers:subject_access_step": [world["sar"].pk, "identity"],
        "callers:subject_access_build": [world["sar"].pk],
        "callers:subject_access_download": [world["sar_response"].pk, "pdf"],
        "callers:letter_template": ["notice"],
        "moved": {"rest": "follow-ups/"},
        "account_reset_password_from_key": {"uidb36": "1", "key": "not-a-key"},
        "openid_connect_login": {"provider_id": "office"},
        "openid_connect_callback": {"provider_id": "office"},
    }.get(name, [])


def run_background_tasks() -> int:
    """Run every task queued so far and due, as the background worker does (its own code for
    each task, here in this process and this test's transaction); returns how many ran.
    Tasks queued for later (a retry) wait for their time, as they would."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        with transaction.atomic():
            queued = DBTaskResult.objects.ready().get_locked()
            if queued is not None:
                queued.claim(worker.worker_id)
        if queued is None:
            return ran
        worker.run_task(queued)
        ran += 1


def exported(client, format: str = "csv", *, filter_key: str = "") -> bytes:
    """Ask for the call log as a file, as its Export button does, let the background worker
    write it, and download it from the export's page: the file's bytes."""
    response = client.post(
        reverse("dmts:export_new"),
        {"format": format, "filter": filter_key, "submission_token": uuid.uuid4()},
    )
    assert response.status_code == 302, response
    run_background_tasks()
    page = client.get(response.url)
    assert "ready" in page.content.decode()
    download = client.get(reverse("dmts:export_download", args=[page.context["export"].pk]))
    assert download.status_code == 200
    return b"".join(download.streaming_content)


def sign_in_fully(client: Client, user) -> Client:
    """Signed in as if through both steps, password and second factor (django-axes rejects
    client.login() without a request, so the session is made directly)."""
    client.force_login(user)
    session = client.session
    session[SECOND_FACTOR_SESSION_KEY] = True
    session.save()
    return client


def wait_until(check, *, seconds: float = 30) -> None:
    """Wait for something a background process does, failing after `seconds`."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"still waiting after {seconds} s for {check.__doc__ or check}")
        time.sleep(0.1)


ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """This test run's own database, for a fresh process to connect to."""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        return ""
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def run_django(
    code: str, env: dict[str, str], *, setup: bool = True
) -> subprocess.CompletedProcess:
    """Run code in a fresh Django process (not pytest's), with this environment."""
    base = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}" if setup else code],
        cwd=ROOT,
        env=base
        | {"DJANGO_SETTINGS_MODULE": "opcc_calls.settings", "DJANGO_DEBUG": "true"}
        | {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "x"}
        | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def ci_is_set(value: str | None) -> bool:
    """CI services set CI to "true", "1", "yes" or the like: anything but empty or a clear no."""
    return (value or "").strip().lower() not in {"", "0", "false", "no", "off"}


#: Whether this run is CI's: a missing browser fails there, and hypothesis draws the same
#: examples every run.
IN_CI = ci_is_set(os.environ.get("CI"))


def _tree(html: str):
    return lxml.html.fromstring(html)


def _read(element) -> str:
    """An element's text as a reader hears it: its words, white space collapsed."""
    return " ".join(element.text_content().split())


def page_text(response) -> str:
    """The words of a page as a reader meets them (a line break reads as a space)."""
    tree = _tree(response.content.decode())
    for br in tree.iter("br"):
        br.tail = " " + (br.tail or "")
    return _read(tree)


def pdf_text(pdf: bytes) -> str:
    """The words of a PDF as its reader meets them: a line that wraps reads on, as a space,
    so a phrase is found wherever today's date or a name happens to break the line."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def link_texts(html: str) -> list[str]:
    """Every link on the page, as its words: "2 entries awaiting review"."""
    return [_read(link) for link in _tree(html).iter("a")]


def terms(html: str) -> dict[str, str]:
    """Each term of the page's description lists and what it says: {"F1": "Frequent ..."}."""
    found = {}
    for listing in _tree(html).iter("dl"):
        term = None
        for child in listing:
            if child.tag == "dt":
                term = _read(child)
            elif child.tag == "dd" and term is not None:
                found[term] = _read(child)
    return found


def table_rows(html: str, caption: str = "") -> list[list[str]]:
    """The rows of the table whose caption holds `caption` (the first table when none is
    given), each as the words of its cells: what someone reading the table meets."""
    for table in _tree(html).iter("table"):
        captions = table.findall("caption")
        if caption and not (captions and caption in _read(captions[0])):
            continue
        return [
            [_read(cell) for cell in row if cell.tag in ("td", "th")]
            for row in table.iter("tr")
            if row.getparent().tag != "thead"
        ]
    raise AssertionError(f"no table captioned {caption!r}")


def under_heading(html: str, heading: str) -> str:
    """The words of the section a heading names (aria-labelledby), as a reader meets them."""
    tree = _tree(html)
    for section in tree.iter("section"):
        labelled_by = section.get("aria-labelledby")
        named = tree.get_element_by_id(labelled_by, None) if labelled_by else None
        if named is not None and _read(named) == heading:
            return _read(section)
    raise AssertionError(f"no section headed {heading!r}")


def log_call_data(**overrides) -> dict:
    """A whole "Log a call" form as a handler sends it: an enquiry received now."""
    data = {
        "submission_token": str(uuid.uuid4()),
        "phone": "01234 567890",
        "full_name": "John Smith",
        "call_type": "enquiry",
        "about": "Asked about the Police and Crime Plan.",
        "outcome": "Told them where to find it.",
        "identity_check": "not_needed",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "action": "save",
    }
    data.update(overrides)
    return data
