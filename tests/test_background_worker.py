"""Work that can wait, done by the real background worker (`manage.py db_worker`) in a process
of its own against this test's database: nothing here runs a task in the test's process."""

import socket
import threading
import uuid
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from callers.models import (
    ContactRequest,
    DashboardFigure,
    MatchesRefresh,
    Rule,
    RuleMatch,
)
from callers.services.calls import call_log
from callers.services.reports import dashboard_figures_request
from callers.services.rules import matches_refresh_batch, rules_save
from dmts.models import CallLogExport
from dmts.services.exports import export_request
from tests.factories import CallerFactory, StaffContactFactory, UserFactory
from tests.helpers import frequent_caller, log_call, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_rule_change_is_worked_out_by_the_worker(background_worker, manager_user):
    caller = frequent_caller(3)
    rule = Rule.objects.get(kind="frequent", measure="calls")
    rule.threshold = 4
    refresh = rules_save(rules=[rule], by=manager_user)
    assert RuleMatch.objects.filter(caller=caller, rule=rule).exists()  # the request returned
    background_worker()

    def finished():
        """the matches refresh to finish"""
        refresh.refresh_from_db()
        return refresh.finished_at is not None

    wait_until(finished)
    assert not RuleMatch.objects.filter(caller=caller, rule=rule).exists()


def test_the_dashboard_figures_are_worked_out_by_the_worker(background_worker, manager_user):
    frequent_caller(3)
    dashboard_figures_request()
    background_worker()
    wait_until(
        lambda: DashboardFigure.objects.filter(key="year", computed_at__isnull=False).exists()
    )
    assert DashboardFigure.objects.get(key="year").value["total"] == 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_email_waits_for_the_mail_server_and_is_not_lost(background_worker, smtp_server):
    """The mail server is down when the call is logged: the worker tries, fails and queues the
    email again for later; when it is back, the email goes. Nothing is lost."""
    person = StaffContactFactory(email="ce@opcc.example")
    call_log(
        by=UserFactory(),
        submission_token=uuid.uuid4(),
        new_caller_name="Ann Example",
        call_type="named_person",
        requested=person,
        request_reason="About a letter",
        about="Wants the Chief Executive",
        received_at=timezone.now(),
    )
    mail = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"}
    down = background_worker(**mail, EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(free_port()))

    def retry_queued():
        """the worker to fail and queue the email again"""
        return DBTaskResult.objects.filter(status="READY", args_kwargs__kwargs__attempt=2).exists()

    wait_until(retry_queued)
    assert not ContactRequest.objects.get().emailed_at
    down.terminate()
    down.wait(timeout=15)
    # An hour passes (the retry was queued a minute on): the worker finds it due.
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    background_worker(
        **mail, EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_server.port), SITE_URL="https://x"
    )

    def delivered():
        """the email to reach the mail server"""
        return bool(smtp_server.messages)

    def recorded():
        """the worker to record it sent (it commits just after the mail server has it)"""
        return ContactRequest.objects.filter(emailed_at__isnull=False).exists()

    wait_until(delivered)
    [message] = smtp_server.messages
    assert message["To"] == "ce@opcc.example"
    wait_until(recorded)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")
def test_a_refresh_never_loses_a_match_written_by_a_call_logged_meanwhile(manager_user):
    """A call is being logged (its transaction open) as a refresh of everyone's matches
    reaches its caller: the refresh waits for it, and then counts it."""
    caller, handler = CallerFactory(), UserFactory()
    for hours in (3, 2):
        log_call(
            handler,
            caller=caller,
            about="Again",
            received_at=timezone.now() - timedelta(hours=hours),
        )
    rule = Rule.objects.get(kind="frequent", measure="calls", window_hours=24)
    logged, release, refreshed = threading.Event(), threading.Event(), threading.Event()

    def third_call():
        try:
            with transaction.atomic():
                call_log(
                    by=handler,
                    submission_token=uuid.uuid4(),
                    caller=caller,
                    call_type="enquiry",
                    about="And again",
                    received_at=timezone.now(),
                )
                logged.set()
                release.wait(10)
        finally:
            close_old_connections()

    def refresh():
        try:
            matches_refresh_batch([caller.pk])
            refreshed.set()
        finally:
            close_old_connections()

    caller_thread = threading.Thread(target=third_call)
    caller_thread.start()
    assert logged.wait(10)
    refresh_thread = threading.Thread(target=refresh)
    refresh_thread.start()
    assert not refreshed.wait(1), "the refresh must wait for the call being logged"
    release.set()
    caller_thread.join(10)
    refresh_thread.join(10)
    assert refreshed.is_set()
    assert RuleMatch.objects.filter(caller=caller, rule=rule).exists()
    assert MatchesRefresh.objects.count() == 0  # a batch, not a whole refresh


def test_the_rules_page_says_when_the_work_is_done(manager_client):
    MatchesRefresh.objects.create()
    html = manager_client.get(reverse("callers:rules")).content.decode()
    assert "Working out candidates again is queued" in html


def test_a_call_log_export_is_written_by_the_worker(background_worker, compliance_user):
    for about in ("First", "Second", "Third"):
        call_log(
            by=compliance_user,
            submission_token=uuid.uuid4(),
            caller=CallerFactory(),
            call_type="enquiry",
            about=about,
            received_at=timezone.now(),
        )
    export = export_request(
        by=compliance_user, format="xlsx", filters={}, submission_token=uuid.uuid4()
    )
    background_worker()

    def written():
        """the export to be written"""
        export.refresh_from_db()
        return export.status == CallLogExport.Status.READY

    wait_until(written)
    with export.file.open("rb") as workbook:
        sheet = load_workbook(workbook).active
        assert sorted(row[7] for row in sheet.iter_rows(min_row=2, values_only=True)) == [
            "First",
            "Second",
            "Third",
        ]
