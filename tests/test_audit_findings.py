"""The findings of the hostile-input audit (issue 10), one class each: every test here failed
before its fix."""

import io
import logging
import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from callers.models import Call, Concern, SensitiveAccess
from callers.selectors.calls import find_callers
from callers.services.data_protection import callers_merge
from dmts.models import CallLogExport
from dmts.services.entries import call_correct
from opcc_calls.logging import WithholdExceptionMessages
from tests.conftest import sign_in_fully
from tests.factories import CallerFactory, UserFactory
from tests.helpers import exported, log_call

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


pytestmark = pytest.mark.django_db


class TestControlCharacters:
    """A vertical tab pasted from Word, or an escape, broke both Excel exports for everyone."""

    WORD_PASTE = "Pasted\x0bfrom Word\x1b with a tab\tkept"

    def test_exports_still_work_with_records_saved_before_the_fix(
        self, compliance_client, manager_user
    ):
        call = log_call()
        Call.objects.filter(pk=call.pk).update(about=self.WORD_PASTE)  # as stored before
        response = compliance_client.get(reverse("callers:frequent_log_xlsx"))
        assert response.status_code == 200
        load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        sheet = load_workbook(io.BytesIO(exported(compliance_client, "xlsx"))).active
        assert "Pastedfrom Word with a tab\tkept" in [
            c.value for c in next(sheet.iter_rows(min_row=2))
        ]

    def test_they_are_removed_on_the_way_in(self, handler_user):
        call = log_call(handler_user, about=self.WORD_PASTE, outcome="\x1b[31mred")
        call.refresh_from_db()
        assert (call.about, call.outcome) == ("Pastedfrom Word with a tab\tkept", "[31mred")


class TestSearchesAreBounded:
    """A 100 kB name took 9.8 s to search; a 1 MB one held a worker until it was killed."""

    def test_a_name_longer_than_any_is_refused_beside_the_field(self, handler_client):
        for field in ("full_name", "phone"):
            response = handler_client.post(reverse("callers:matches"), {field: "x" * 100_000})
            assert response.status_code == 200
            assert "longer than any name or number" in response.content.decode()

    def test_any_other_way_in_is_cut_to_a_name_s_length(self, django_assert_max_num_queries):
        with django_assert_max_num_queries(3):
            assert find_callers(name="Smith " * 200_000) == []

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
    def test_served_pages_cancel_a_query_that_runs_past_the_limit(self):
        """wsgi.py gives served pages a statement timeout (5 s; here 300 ms for speed)."""
        result = run_django(
            "from django.db import connection\n"
            "cursor = connection.cursor()\n"
            "try:\n"
            "    cursor.execute('select pg_sleep(3)')\n"
            "except Exception as error:\n"
            "    print(type(error).__name__, error)\n",
            {"DATABASE_STATEMENT_TIMEOUT_MS": "300", "DATABASE_URL": database_url()},
        )
        assert "canceling statement due to statement timeout" in result.stdout, result.stderr

    def test_the_web_server_sets_the_timeout_and_commands_do_not(self):
        shown = "from django.conf import settings\nprint(settings.DATABASES['default'])"
        url = {"DATABASE_URL": "postgres://someone@db.example:5432/calls"}  # not connected to
        served = run_django(f"import opcc_calls.wsgi\n{shown}", url, setup=False)
        command = run_django(shown, url)
        assert "statement_timeout=5000" in served.stdout, served.stderr
        assert "statement_timeout" not in command.stdout, command.stderr


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
        assert (
            "builtins.ValueError (message withheld" in written
            and "test_audit_findings.py" in written
        )

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


class TestServerErrors:
    """Seven causes of a 500 among 12,280 hostile requests: each is now a message or a 404."""

    def test_a_nul_byte_in_a_name_search(self, handler_client):
        for url, data in (
            (reverse("callers:matches"), {"full_name": "Jo\x00hn"}),
            (reverse("callers:search"), {"q": "Jo\x00hn"}),
            (reverse("callers:log"), {"action": "search", "full_name": "Jo\x00hn"}),
        ):
            response = handler_client.post(url, data)
            assert response.status_code == 200, url
            assert "Null characters are not allowed" in response.content.decode(), url

    @pytest.mark.parametrize("caller_id", ["²", "١٢", "9" * 30, "-1"])
    def test_a_caller_id_that_is_not_one(self, handler_client, caller_id):
        response = handler_client.post(
            reverse("callers:log"), {"action": "search", "caller": caller_id}
        )
        assert response.status_code == 200
        response = handler_client.post(reverse("callers:log"), {"action": f"choose:{caller_id}"})
        assert response.status_code == 404

    @pytest.mark.parametrize("page", ["²", str(2**63), str(2**64), "-1", "0", "1e9"])
    def test_a_page_number_that_is_not_one(self, manager_client, page):
        for name in (
            "dmts:log",
            "dmts:queue",
            "callers:candidates",
            "callers:frequent_log",
            "callers:meetings",
            "callers:concerns",
        ):
            response = manager_client.get(reverse(name), {"page": page})
            assert response.status_code == 200, name

    @pytest.mark.parametrize(
        ("content", "said"),
        [
            (b"Full name,Phone number,Kind,Agreed response\x00\n", "NUL character"),
            (b"x" * 200_000, "could not be read"),
            (
                b"Full name,Phone number,Kind,Agreed response\r"
                b"Old Mac,01234 567890,frequent,Written replies\r",
                "Old Mac",
            ),
            (
                b'Full name,Phone number,Kind,Agreed response\n"' + b"y" * 140_000 + b'",,,\n',
                "could not be read",
            ),
        ],
        ids=["nul", "one-huge-header", "cr-line-endings", "huge-cell"],
    )
    def test_a_spreadsheet_that_is_not_one(self, manager_client, content, said):
        upload = SimpleUploadedFile("log.csv", content, content_type="text/csv")
        response = manager_client.post(reverse("callers:import"), {"spreadsheet": upload})
        assert response.status_code == 200
        assert said in response.content.decode()


class TestMergingKeepsTheLegalHold:
    def test_held_records_stay_held_on_the_record_kept(self, compliance_user):
        survivor, held = CallerFactory(), CallerFactory(legal_hold=True)
        callers_merge(survivor=survivor, merged=held, by=compliance_user)
        survivor.refresh_from_db()
        assert survivor.legal_hold
        assert "legal_hold" in {
            change.field
            for change in survivor.history.first().diff_against(survivor.history.all()[1]).changes
        }


class TestSensitiveAccessLog:
    """The concerns queue (caller name and kind of concern) and a concern or referral shown
    again after an invalid POST were not recorded."""

    def test_the_concerns_queue_records_each_caller_shown(self, manager_client, manager_user):
        concerns = [
            Concern.objects.create(
                caller=CallerFactory(), raised_by=manager_user, kind="other", noticed="x"
            )
            for _ in range(3)
        ]
        manager_client.get(reverse("callers:concerns"))
        seen = set(SensitiveAccess.objects.values_list("caller_id", "what"))
        assert seen == {(c.caller_id, "the concerns queue") for c in concerns}

    def test_a_concern_shown_again_beside_errors_is_recorded(self, manager_client, manager_user):
        concern = Concern.objects.create(
            caller=CallerFactory(), raised_by=manager_user, kind="other", noticed="x"
        )
        response = manager_client.post(concern.get_absolute_url(), {"decision": "", "version": 1})
        assert "Record what you decided." in response.content.decode()
        assert SensitiveAccess.objects.filter(caller_id=concern.caller_id).exists()


class TestOneRuleForEntries:
    """A handler could open another handler's DMTS entry by id though the call log hid it."""

    def test_a_handler_opens_their_own_entries_only(self, handler_client, handler_user):
        mine, theirs = log_call(handler_user), log_call()
        for name in ("dmts:entry", "callers:logged"):
            assert handler_client.get(reverse(name, args=[mine.pk])).status_code == 200
            assert handler_client.get(reverse(name, args=[theirs.pk])).status_code == 404

    def test_the_caller_page_links_only_the_entries_they_may_open(
        self, handler_client, handler_user
    ):
        mine = log_call(handler_user)
        theirs = log_call(caller=mine.caller)
        html = handler_client.get(mine.caller.get_absolute_url()).content.decode()
        assert mine.get_absolute_url() in html and theirs.get_absolute_url() not in html


class TestReceivedTimes:
    """A call dated 0001-01-01 was accepted, then disposed of by the next retention run."""

    def test_the_log_form_refuses_a_call_from_long_ago(self, handler_client):
        response = handler_client.post(
            reverse("callers:log"),
            {
                "action": "save",
                "full_name": "Ann Example",
                "call_type": "enquiry",
                "about": "x",
                "identity_check": "not_needed",
                "received_at": "0001-01-01T09:00",
                "submission_token": "00000000-0000-0000-0000-000000000001",
            },
        )
        assert "Calls are logged as they happen" in response.content.decode()
        assert not Call.objects.exists()

    def test_no_service_or_correction_takes_a_year_before_2000(self, compliance_user):
        call = log_call()
        with pytest.raises(ValidationError):
            call_correct(
                entry=call.dmts_entry,
                by=compliance_user,
                reason="Typo",
                version=1,
                changes={"received_at": datetime(1999, 12, 31, 23, 0, tzinfo=UTC)},
            )


class TestAdminChangesNothingThatServicesKeep:
    """A superuser could add a call without its DMTS entry, or change one without a reason."""

    @pytest.mark.parametrize("model", ["callers_call", "dmts_dmtsentry", "callers_contactrequest"])
    def test_calls_and_entries_are_read_only_in_the_admin(self, client, model):
        sign_in_fully(client, UserFactory(is_staff=True, is_superuser=True))
        call = log_call()
        assert client.get(reverse(f"admin:{model}_add")).status_code == 403
        pk = call.pk if model != "callers_contactrequest" else None
        if pk:
            change = reverse(f"admin:{model}_change", args=[pk])
            assert client.get(change).status_code == 200  # to read
            assert client.post(change, {"about": "changed"}).status_code == 403
        call.refresh_from_db()
        assert call.about != "changed"


class TestHeaders:
    def test_personal_pages_and_downloads_are_never_stored(self, manager_client, manager_user):
        call = log_call(manager_user)
        exported(manager_client)
        export = CallLogExport.objects.get()
        for url in (
            call.caller.get_absolute_url(),
            reverse("callers:card", args=[call.caller_id]),
            call.get_absolute_url(),
            reverse("callers:subject_access", args=[call.caller_id]),
            export.get_absolute_url(),
            reverse("dmts:export_download", args=[export.pk]),
            reverse("callers:frequent_log_csv"),
            reverse("home"),
        ):
            response = manager_client.get(url)
            assert "no-store" in response["Cache-Control"], url
            assert "camera=()" in response["Permissions-Policy"], url

    def test_security_keys_may_still_be_used_here(self, client):
        policy = client.get(reverse("login"))["Permissions-Policy"]
        assert "publickey-credentials-get=(self)" in policy


class TestHealth:
    def test_a_load_balancer_asks_without_signing_in_and_learns_nothing_else(self, client):
        log_call()
        response = client.get(reverse("health"), headers={"Accept": "application/json"})
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"Database(alias='default')", "MigrationsApplied()"}, body
        assert all(value == "OK" for value in body.values())
