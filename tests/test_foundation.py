"""The foundation: settings that refuse to run unsafely, sign-in, roles, base page, demo data."""

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import bootstrap_wrapper
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from hypothesis import settings as hypothesis_settings

from callers.models import Call, ContactRequest, Flag, FollowUp, Letterhead, Meeting
from callers.selectors.letters import long_date
from callers.selectors.meetings import silver_proposed
from dmts.models import CallLogExport, DmtsEntry
from opcc_calls.models import Procedure, User
from opcc_calls.roles import ROLE_PERMISSIONS, Role, sync_role_groups
from opcc_calls.static import StaticFilesStorage
from tests.factories import PASSWORD, CallFactory, StaffContactFactory, UserFactory
from tests.helpers import (
    IN_CI,
    ci_is_set,
    database_url,
    exported,
    log_call,
    run_django,
    sign_in_fully,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def _run_settings(
    env_overrides: dict[str, str], code: str = "print('started')"
) -> subprocess.CompletedProcess:
    """Start Django in a fresh process with this environment (none of pytest's own), then run
    `code`: what a server started that way would get."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTEST_VERSION", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_DEBUG"}
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "opcc_calls.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


class TestSettings:
    def test_refuses_to_start_without_secret_key_when_debug_is_off(self):
        result = _run_settings({"ALLOWED_HOSTS": "example.org"})
        assert result.returncode != 0
        assert "SECRET_KEY must be set" in result.stderr

    def test_refuses_to_start_without_allowed_hosts_when_debug_is_off(self):
        result = _run_settings({"SECRET_KEY": "x" * 60})
        assert result.returncode != 0
        assert "ALLOWED_HOSTS must be set" in result.stderr

    def test_starts_with_secret_key_and_allowed_hosts(self):
        result = _run_settings({"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "example.org"})
        assert result.returncode == 0, result.stderr
        assert "started" in result.stdout

    def test_debug_defaults_off(self):
        """In a fresh process: pytest-django turns DEBUG off in this one whatever is set."""
        show_debug = "from django.conf import settings; print(settings.DEBUG)"
        required = {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "example.org"}
        default = _run_settings(required, show_debug)
        assert default.stdout.strip() == "False", default.stderr
        turned_on = _run_settings(required | {"DJANGO_DEBUG": "true"}, show_debug)
        assert turned_on.stdout.strip() == "True", turned_on.stderr

    def test_with_debug_off_migrate_refuses_a_database_not_named(self, tmp_path):
        """Without DATABASE_URL a server would keep its calls in an SQLite file beside the
        code: every command that checks first (migrate) refuses; SQLITE_PATH asks for it."""
        required = {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "example.org"}
        unset = {"DATABASE_URL", "SQLITE_PATH", "DJANGO_DEBUG"}
        env = {k: v for k, v in os.environ.items() if k not in unset}
        migrate = [sys.executable, "manage.py", "migrate", "--plan"]
        refused = subprocess.run(
            migrate, cwd=ROOT, env=env | required, capture_output=True, text=True, timeout=60
        )
        assert refused.returncode != 0 and "opcc_calls.E001" in refused.stderr
        named = required | {"SQLITE_PATH": str(tmp_path / "calls.sqlite3")}
        ran = subprocess.run(
            migrate, cwd=ROOT, env=env | named, capture_output=True, text=True, timeout=60
        )
        assert ran.returncode == 0, ran.stderr

    def test_time_zone_and_language_are_british(self, settings):
        assert settings.TIME_ZONE == "Europe/London"
        assert settings.LANGUAGE_CODE == "en-gb"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        ("1", True),
        ("yes", True),
        ("True", True),
        ("", False),
        (None, False),
        ("0", False),
        ("false", False),
    ],
)
def test_any_truthy_ci_counts_as_ci(value, expected):
    """In CI a missing browser fails the run instead of skipping it, whatever CI is set to."""
    assert ci_is_set(value) is expected


class TestBootstrapFiles:
    """Bootstrap is served from a pinned wheel; a changed upload must not slip in."""

    EXPECTED = {
        "css/bootstrap.min.css": (
            "d85327d99c7a3ee1f9b5d0500d1370acea3ad2db39c163c2f51f232baedbdede"
        ),
        "js/bootstrap.bundle.min.js": (
            "e4fd49181388c48ec5040bd3fe66f57c29c8e67fcd8502b3354b96ec7ab47cc7"
        ),
    }

    @pytest.mark.parametrize("name", EXPECTED)
    def test_file_matches_the_official_release(self, name):
        data = (bootstrap_wrapper.get_bootstrap_dir() / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == self.EXPECTED[name]


class TestRoles:
    def test_each_role_group_holds_exactly_its_bundle(self):
        sync_role_groups()
        for role, names in ROLE_PERMISSIONS.items():
            group = Group.objects.get(name=role.value)
            held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
            assert held == set(names)

    def test_sync_is_idempotent_and_removes_stray_permissions(self):
        sync_role_groups()
        group = Group.objects.get(name=Role.CALL_HANDLER.value)
        group.permissions.add(
            *Group.objects.get(name=Role.BUSINESS_AND_COMPLIANCE_MANAGER.value).permissions.all()
        )
        sync_role_groups()
        sync_role_groups()
        assert Group.objects.filter(name__in=[r.value for r in Role]).count() == len(Role)
        held = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=Role.CALL_HANDLER.value).permissions.all()
        }
        assert held == set(ROLE_PERMISSIONS[Role.CALL_HANDLER])

    def test_setup_groups_command(self, capsys):
        Group.objects.all().delete()
        call_command("setup_groups")
        assert Group.objects.count() == len(Role)
        assert "3 role groups in place" in capsys.readouterr().out

    def test_a_user_may_hold_several_roles(self):
        user = UserFactory(roles=[Role.CALL_HANDLER, Role.COMPLIANCE_OFFICER])
        assert user.has_perm("callers.add_call")
        assert user.has_perm("dmts.review_dmtsentry")


class TestSignIn:
    def test_anonymous_home_redirects_to_sign_in(self, client):
        response = client.get("/")
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_sign_in_with_correct_password(self, client, handler_user):
        response = client.post(
            reverse("login"), {"login": handler_user.username, "password": PASSWORD}
        )
        assert response.status_code == 302
        assert response.url == reverse("home")

    def test_wrong_password_shows_a_clear_message(self, client, handler_user):
        response = client.post(
            reverse("login"), {"login": handler_user.username, "password": "wrong"}
        )
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()

    def test_account_locks_after_five_failed_attempts(self, client, handler_user):
        for _ in range(5):
            client.post(reverse("login"), {"login": handler_user.username, "password": "no"})
        response = client.post(
            reverse("login"), {"login": handler_user.username, "password": PASSWORD}
        )
        assert response.status_code == 429
        assert "Account locked" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_four_failures_then_success_signs_in(self, client, handler_user):
        for _ in range(4):
            client.post(reverse("login"), {"login": handler_user.username, "password": "no"})
        response = client.post(
            reverse("login"), {"login": handler_user.username, "password": PASSWORD}
        )
        assert response.status_code == 302

    def test_sign_out_is_a_post_and_ends_the_session(self, handler_client):
        response = handler_client.post(reverse("logout"))
        assert response.status_code == 302
        assert handler_client.get("/").status_code == 302

    def test_session_ends_with_the_working_day_and_the_browser(self, settings):
        assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
        assert settings.SESSION_COOKIE_AGE <= 10 * 60 * 60

    def test_password_change(self, handler_client, handler_user):
        response = handler_client.post(
            reverse("password_change"),
            {
                "oldpassword": PASSWORD,
                "password1": "a-much-longer-new-passphrase",
                "password2": "a-much-longer-new-passphrase",
            },
        )
        assert response.status_code == 302
        handler_user.refresh_from_db()
        assert handler_user.check_password("a-much-longer-new-passphrase")

    def test_password_change_rejects_a_short_password_beside_the_field(self, handler_client):
        response = handler_client.post(
            reverse("password_change"),
            {
                "oldpassword": PASSWORD,
                "password1": "short",
                "password2": "short",
            },
        )
        assert response.status_code == 200
        assert "This password is too short" in response.content.decode()


class TestBasePage:
    def test_home_has_landmarks_skip_link_and_office_name(self, handler_client, settings):
        html = handler_client.get("/").content.decode()
        assert 'href="#main"' in html and "Skip to main content" in html
        assert '<main id="main"' in html and "<header" in html and "<footer" in html
        assert settings.OFFICE_NAME in html

    def test_strict_content_security_policy(self, handler_client):
        response = handler_client.get("/")
        policy = response["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
        html = response.content.decode()
        for tag in re.findall(r"<script[^>]*>", html):
            assert f'nonce="{nonce}"' in tag, tag
        assert "<style" not in html and " style=" not in html

    def test_assets_come_from_our_own_static_files(self, handler_client):
        html = handler_client.get("/").content.decode()
        assert "/static/bootstrap/css/bootstrap.min.css" in html
        assert "/static/django_htmx/htmx-2.min.js" in html
        assert "://" not in " ".join(re.findall(r'(?:src|href)="([^"]+)"', html))

    def test_navigation_shows_admin_only_to_staff(self, handler_client, manager_client):
        assert ">Admin<" not in handler_client.get("/").content.decode()
        assert ">Admin<" in manager_client.get("/").content.decode()

    def test_hashed_static_urls_are_worked_out_once_per_file(self, tmp_path):
        """Production's static storage (WhiteNoise's hashed files) keeps each file's URL:
        every page asks for the same few, and the manifest does not change as it runs."""
        (tmp_path / "staticfiles.json").write_text(
            json.dumps({"paths": {"css/app.css": "css/app.0123abcd.css"}, "version": "1.1"})
        )
        storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
        assert storage.url("css/app.css") == "/static/css/app.0123abcd.css"
        storage.hashed_files.clear()  # were it asked again, it would no longer know the file
        assert storage.url("css/app.css") == "/static/css/app.0123abcd.css"

    def test_friendly_404(self, handler_client):
        response = handler_client.get("/no-such-page/")
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()

    def test_each_role_sees_its_home_sections(
        self, handler_client, compliance_user, manager_user, client
    ):
        html = handler_client.get("/").content.decode()
        assert 'data-role="call-handler"' in html and 'data-role="compliance"' not in html
        sign_in_fully(client, compliance_user)
        html = client.get("/").content.decode()
        assert 'data-role="compliance"' in html and 'data-role="manager"' not in html
        sign_in_fully(client, manager_user)
        html = client.get("/").content.decode()
        assert 'data-role="manager"' in html

    def test_user_without_a_role_is_told_so(self, roleless_client):
        assert "has no role yet" in roleless_client.get("/").content.decode()

    def test_admin_is_titled_with_the_office_name(self, manager_client, settings):
        html = manager_client.get(reverse("admin:index")).content.decode()
        assert settings.OFFICE_NAME in html


class TestSeedDemo:
    def test_refuses_when_debug_is_off(self, settings):
        settings.DEBUG = False
        with pytest.raises(CommandError, match="DJANGO_DEBUG"):
            call_command("seed_demo")

    def test_creates_demo_users_with_roles_and_is_idempotent(self, settings):
        settings.DEBUG = True
        call_command("seed_demo")
        call_command("seed_demo")
        assert (
            User.objects.filter(username__in=["handler", "compliance", "manager", "admin"]).count()
            == 4
        )
        for username in ["handler", "compliance", "manager", "admin"]:
            assert User.objects.get(username=username).check_password("opcc-demo")
        assert User.objects.get(username="handler").has_perm("callers.add_call")
        assert not User.objects.get(username="handler").has_perm("dmts.review_dmtsentry")
        assert User.objects.get(username="compliance").has_perm("dmts.review_dmtsentry")
        assert User.objects.get(username="manager").has_perm("callers.change_staffcontact")
        assert User.objects.get(username="handler").extension == "201"
        procedure = Procedure.objects.get()
        assert procedure.version == "1.0" and "SOP Ref. No.\t013/2015" in procedure.text
        assert procedure.acknowledgements.get().user.username == "compliance"

    def test_the_demo_writes_what_it_changes_into_history(self, settings):
        """Even the demo's records say in their history what they hold (a flag agreed three
        weeks ago says so there, not only on the record)."""
        settings.DEBUG = True
        call_command("seed_demo")
        flags = Flag.objects.all()
        assert flags
        for flag in flags:
            assert flag.history.first().flagged_at == flag.flagged_at, flag

    def test_the_demo_tells_the_truth(self, settings, manager_user, client):
        """No flagged caller on an SMT agenda as "Not flagged", no flag whose calls when
        flagged are simply the calls now, and no Silver meeting proposed that is not open."""
        settings.DEBUG = True
        call_command("seed_demo")
        smt = Meeting.objects.get(kind=Meeting.Kind.SMT)
        flagged = set(Flag.objects.active().values_list("caller_id", flat=True))
        undecided = smt.items.filter(decision="", caller_id__in=flagged)
        assert not undecided.exists(), "a flagged caller offered for a decision"
        for made in Flag.objects.active():
            now = Call.objects.for_caller(made.caller).window_counts()
            assert made.counts_at_flag != now, f"{made}: counts at flag are the counts now"
        proposed = silver_proposed()
        assert Meeting.objects.filter(kind=Meeting.Kind.SILVER, date=proposed).exists()

    def test_the_demo_shows_requests_complaints_and_contact_arrangements(self, settings):
        """A newcomer sees every feature: requests to speak to the Commissioner and to a named
        person with their decisions, a complaint handed to the complaints process with the
        complaints team's reference, a flag with contact arrangements, the notice of them sent
        to the caller and the caller's appeal waiting."""
        settings.DEBUG = True
        settings.COMPLAINTS_EMAIL = "complaints@opcc.example"  # the DEBUG default
        call_command("seed_demo")
        requests = {r.call.call_type: r for r in ContactRequest.objects.select_related("call")}
        assert requests["commissioner"].requested.is_commissioner
        assert requests["commissioner"].is_decided and requests["named_person"].is_decided
        complaints = DmtsEntry.objects.filter(call__call_type="complaint").exclude(
            complaint_sent_at=None
        )
        assert complaints.exclude(complaint_reference="").exists()
        arranged = Flag.objects.active().exclude(single_point_of_contact=None)
        assert arranged.filter(written_contact_only=True).exists()  # one person, in writing
        assert arranged.exclude(contact_times="").exists()  # one person, at set times
        told = Flag.objects.active().exclude(told_on=None).get()
        letter = told.letters.get()
        assert letter.sent_how == "post" and told.review_date > timezone.localdate()
        assert long_date(told.review_date) in letter.english_body  # a date still to come
        assert long_date(told.review_date, "cy") in letter.body  # bilingual: the Welsh first
        assert told.appeals.get().is_waiting
        assert told.caller.large_print  # their letters offered in large print first
        assert Letterhead.objects.get().is_complete
        action = FollowUp.objects.get(kind="action")
        assert action.owner.username == "handler" and action.meeting.attendees


def test_home_lists_callers_waiting_for_this_persons_decision(handler_client, handler_user):
    me = StaffContactFactory(user=handler_user)
    call = CallFactory(call_type="named_person", caller__full_name="Waiting Caller")
    ContactRequest.objects.create(call=call, requested=me, reason="Wants a word")
    html = handler_client.get("/").content.decode()
    assert "Callers who asked to speak to you" in html and "Waiting Caller" in html


class TestStatementTimeout:
    """A runaway query (an OR of trigram searches over a long input) is cancelled in a
    served page, never in a command."""

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


def test_hypothesis_draws_the_same_examples_every_ci_run():
    """In CI a rare example cannot fail one run and pass the next: the profile is derandomised."""
    assert hypothesis_settings.get_profile("ci").derandomize
    assert hypothesis_settings.default.derandomize is IN_CI
