"""The register's pages as the Business and Compliance Manager uses them: logging a request
from the caller's page, its deadline, the steps beside their fields, the response for its
requester alone, and what is due this week on the home page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from callers.models import Referral, SensitiveAccess, SubjectAccessRequest
from callers.models.subject_access import months_after
from callers.services.letters import appeal_record, letter_write
from callers.services.safeguarding import concern_raise
from callers.services.subject_access import (
    response_files,
    subject_access_extend,
    subject_access_request_log,
    subject_access_response_request,
)
from opcc_calls.roles import Role
from tests.factories import CallerFactory, CallFactory, UserFactory
from tests.helpers import (
    flag,
    frequent_caller,
    office_letterhead,
    pdf_text,
    queries,
    run_background_tasks,
    sign_in_fully,
)

pytestmark = pytest.mark.django_db


def _log(manager_client, caller, **data):
    form = {"received_on": timezone.localdate().strftime("%d/%m/%Y"), "requester": "caller"}
    return manager_client.post(reverse("callers:subject_access", args=[caller.pk]), form | data)


class TestLogging:
    def test_a_request_logged_from_the_callers_page_shows_when_it_is_due(self, manager_client):
        caller = CallerFactory()
        response = _log(manager_client, caller)
        sar = SubjectAccessRequest.objects.get()
        assert response.status_code == 302 and response["Location"] == sar.get_absolute_url()
        html = manager_client.get(sar.get_absolute_url()).content.decode()
        due = months_after(timezone.localdate(), 1)
        assert f"{due:%A} {due.day} {due:%B %Y}" in html
        assert "Not verified yet" in html and "Extend to" in html

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            ({"received_on": "31/02/2026"}, "id_received_on", "Enter a valid date."),
            (
                {"received_on": (timezone.localdate() + timedelta(days=2)).strftime("%d/%m/%Y")},
                "id_received_on",
                "cannot be received after today",
            ),
            ({"requester": "representative"}, "id_representative", "Say who is acting"),
            ({"requester": "nobody"}, "id_requester_0", "Select a valid choice"),
            (
                {"identity_verified_on": timezone.localdate().strftime("%d/%m/%Y")},
                "id_identity_note",
                "Say how the identity was verified.",
            ),
        ],
    )
    def test_bad_input_is_explained_beside_the_field_and_nothing_is_saved(
        self, manager_client, data, field, message
    ):
        response = _log(manager_client, CallerFactory(), **data)
        assert response.status_code == 200
        html = response.content.decode()
        assert message in html and f'href="#{field}"' in html
        assert not SubjectAccessRequest.objects.exists()


class TestSteps:
    @pytest.fixture
    def sar(self, manager_user):
        return subject_access_request_log(
            caller=CallerFactory(),
            by=manager_user,
            received_on=timezone.localdate() - timedelta(days=3),
            requester="caller",
        )

    def _step(self, client, sar, step, **data):
        url = reverse("callers:subject_access_step", args=[sar.pk, step])
        return client.post(url, {f"{step}-{k}": v for k, v in data.items()})

    def test_each_step_saves_or_says_why_not_beside_its_field(self, manager_client, sar):
        today = timezone.localdate().strftime("%d/%m/%Y")
        refused = self._step(manager_client, sar, "extend", version=1, reason="")
        assert refused.status_code == 200
        assert "Say why it needs longer" in refused.content.decode()
        early = self._step(manager_client, sar, "complete", version=1, completed_on=today)
        assert "Verify the requester" in early.content.decode()
        done = self._step(
            manager_client, sar, "identity", version=1, verified_on=today, note="Address matched"
        )
        assert done.status_code == 302
        stale = self._step(manager_client, sar, "extend", version=1, reason="Complex")
        assert stale.status_code == 302
        assert (
            "Someone else changed this request"
            in manager_client.get(sar.get_absolute_url()).content.decode()
        )
        assert (
            self._step(manager_client, sar, "complete", version=2, completed_on=today).status_code
            == 302
        )
        sar.refresh_from_db()
        assert sar.completed_on == timezone.localdate() and not sar.is_extended
        assert self._step(manager_client, sar, "nonsense", version=3).status_code == 404

    def test_the_register_lists_open_requests_first_soonest_due(
        self, manager_client, manager_user, sar
    ):
        older = subject_access_request_log(
            caller=CallerFactory(),
            by=manager_user,
            received_on=timezone.localdate() - timedelta(days=20),
            requester="caller",
        )
        html = manager_client.get(reverse("callers:subject_access_requests")).content.decode()
        assert html.index(older.reference) < html.index(sar.reference)

    def test_due_this_week_on_the_home_page_of_whoever_holds_the_permission(
        self, manager_client, compliance_client, manager_user, sar
    ):
        soon = subject_access_request_log(
            caller=CallerFactory(),
            by=manager_user,
            received_on=timezone.localdate() - timedelta(days=28),
            requester="caller",
        )
        home = manager_client.get(reverse("home")).content.decode()
        section = home[home.index('id="sar-heading"') :]
        assert soon.reference in section and sar.reference not in section
        assert "identity not verified yet" in section
        assert 'id="sar-heading"' not in compliance_client.get(reverse("home")).content.decode()


class TestResponse:
    def test_only_the_requester_sees_and_downloads_it(self, client, manager_client, manager_user):
        sar = subject_access_request_log(
            caller=CallerFactory(),
            by=manager_user,
            received_on=timezone.localdate(),
            requester="caller",
        )
        assert (
            manager_client.post(reverse("callers:subject_access_build", args=[sar.pk])).status_code
            == 302
        )
        run_background_tasks()
        response = sar.responses.get()
        html = manager_client.get(sar.get_absolute_url()).content.decode()
        assert "Download the document (PDF)" in html
        for part, kind in (("pdf", "application/pdf"), ("data", "application/zip")):
            url = reverse("callers:subject_access_download", args=[response.pk, part])
            download = manager_client.get(url)
            assert download.status_code == 200 and download["Content-Type"] == kind
            assert sar.reference in download["Content-Disposition"]
        other = sign_in_fully(client, UserFactory(roles=[Role.BUSINESS_AND_COMPLIANCE_MANAGER]))
        assert (
            other.get(
                reverse("callers:subject_access_download", args=[response.pk, "pdf"])
            ).status_code
            == 404
        )
        assert "Download the document" not in other.get(sar.get_absolute_url()).content.decode()
        assert SensitiveAccess.objects.filter(what="subject access response").count() == 1

    def test_the_status_asks_again_until_written(self, manager_client, manager_user):
        sar = subject_access_request_log(
            caller=CallerFactory(),
            by=manager_user,
            received_on=timezone.localdate(),
            requester="caller",
        )
        response = subject_access_response_request(sar=sar, by=manager_user)
        url = reverse("callers:subject_access_response", args=[response.pk])
        waiting = manager_client.get(url, headers={"HX-Request": "true"}).content.decode()
        assert 'hx-trigger="every 2s"' in waiting
        run_background_tasks()
        ready = manager_client.get(url, headers={"HX-Request": "true"}).content.decode()
        assert "hx-trigger" not in ready and "is ready" in ready


def test_the_document_holds_every_record_about_the_caller_and_nothing_about_anyone_else(
    manager_user,
):
    caller = frequent_caller()
    made = flag(
        caller,
        manager_user,
        agreed_response="Written replies only, agreed in May.",
        written_contact_only=True,
    )
    office_letterhead()
    letter_write(flag=made, by=manager_user, kind="notice", reason="Forty calls.")
    appeal_record(
        flag=made,
        by=manager_user,
        received_on=timezone.localdate(),
        grounds="I call about one matter only",
    )
    concern_raise(caller=caller, by=manager_user, kind="other", noticed="Seemed distressed")
    Referral.objects.create(
        caller=caller,
        referred_to="force",
        lawful_basis="public_task",
        consent="yes",
        made_by=manager_user,
        outcome="Visited",
    )
    other = CallFactory(about="Someone else's very private business").caller
    sar = subject_access_request_log(
        caller=caller, by=manager_user, received_on=timezone.localdate(), requester="caller"
    )
    response = subject_access_response_request(sar=sar, by=manager_user)
    pdf, _ = response_files(response)
    flat = pdf_text(pdf)
    for expected in (
        "Written replies only, agreed in May.",
        "Seemed distressed",
        "Visited",
        "Forty calls.",
        "I call about one matter only",
    ):
        assert expected in flat, expected
    assert other.full_name not in flat and "very private business" not in flat


def test_the_pages_run_the_same_queries_however_many_requests(manager_client, manager_user):
    counts = []
    for n in (1, 12):
        for _ in range(n):
            subject_access_request_log(
                caller=CallerFactory(),
                by=manager_user,
                received_on=timezone.localdate(),
                requester="caller",
            )
        counts.append(
            (
                queries(manager_client, reverse("callers:subject_access_requests")),
                queries(manager_client, reverse("home")),
            )
        )
    assert counts[0] == counts[1]


def test_the_history_of_a_request_gives_british_dates(manager_client, manager_user):
    """Dates changed in a record's history read as dates do everywhere else: 4 Dec 2026."""
    sar = subject_access_request_log(
        caller=CallerFactory(),
        by=manager_user,
        received_on=timezone.localdate(),
        requester="caller",
    )
    before = sar.due_on
    subject_access_extend(sar=sar, by=manager_user, reason="Complex", version=1)
    sar.refresh_from_db()
    html = manager_client.get(sar.get_absolute_url()).content.decode()
    history = html[html.index('id="history-heading"') :]
    assert f"{before.day} {before:%b %Y}" in history
    assert f"{sar.due_on.day} {sar.due_on:%b %Y}" in history
    assert before.isoformat() not in html
