"""Complaints made by phone are handed to the complaints process (5.8c): emailed to the
office's complaints address with the DMTS reference, recorded on the entry, and the
complaints team's own reference added later."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from dmts.models import DmtsEntry
from dmts.services.complaints import complaint_handover_email
from dmts.services.entries import call_correct
from tests.factories import CallerFactory
from tests.helpers import log_call, run_background_tasks

pytestmark = pytest.mark.django_db
COMPLAINTS = "complaints@opcc.example"


@pytest.fixture(autouse=True)
def complaints_address(settings):
    settings.COMPLAINTS_EMAIL = COMPLAINTS


def complaint(handler, **overrides):
    return log_call(
        handler,
        caller=CallerFactory(full_name="Ruth Example"),
        call_type="complaint",
        complaint_status="referred",
        about="Unhappy with how her report of noise was handled.",
        **overrides,
    )


def test_a_complaint_is_emailed_with_its_reference_and_recorded_once(handler_user):
    call = complaint(handler_user)
    run_background_tasks()
    [message] = mail.outbox
    entry = DmtsEntry.objects.get(pk=call.pk)
    assert message.to == [COMPLAINTS] and entry.reference in message.subject
    assert "Unhappy with how her report" in message.body and entry.reference in message.body
    assert entry.get_absolute_url() in message.body
    assert entry.complaint_sent_at and entry.complaint_sent_to == COMPLAINTS
    handed = entry.history.filter(history_change_reason__startswith="Handed to the complaints")
    assert handed.count() == 1
    complaint_handover_email.enqueue(entry.pk)  # asked again: already sent, not sent twice
    run_background_tasks()
    assert len(mail.outbox) == 1


def test_other_calls_are_not_sent(handler_user):
    log_call(handler_user)
    run_background_tasks()
    assert mail.outbox == []


def test_without_a_complaints_address_the_entry_says_it_was_not_sent(
    settings, handler_user, compliance_client
):
    settings.COMPLAINTS_EMAIL = ""
    call = complaint(handler_user)
    run_background_tasks()
    assert mail.outbox == [] and not DmtsEntry.objects.get(pk=call.pk).complaint_sent_at
    html = compliance_client.get(reverse("dmts:entry", args=[call.pk])).content.decode()
    assert "Not sent: no complaints address is set" in html


def test_an_entry_corrected_into_a_complaint_is_handed_over(handler_user, compliance_user):
    call = log_call(handler_user)
    entry = DmtsEntry.objects.get(pk=call.pk)
    call_correct(
        entry=entry,
        by=compliance_user,
        reason="It was a complaint",
        version=entry.version,
        changes={"call_type": "complaint", "complaint_status": "referred"},
    )
    run_background_tasks()
    assert [m.to for m in mail.outbox] == [[COMPLAINTS]]


class TestTheComplaintsTeamsReference:
    def url(self, call) -> str:
        return reverse("dmts:complaint_reference", args=[call.pk])

    def test_the_compliance_officer_records_it_with_history(self, handler_user, compliance_client):
        call = complaint(handler_user)
        run_background_tasks()
        entry = DmtsEntry.objects.get(pk=call.pk)
        html = compliance_client.get(entry.get_absolute_url()).content.decode()
        assert f"Emailed to {COMPLAINTS}" in html and "Not given yet" in html
        response = compliance_client.post(
            self.url(call), {"reference": "CMP/2026/0042", "version": entry.version}
        )
        assert response.status_code == 302
        entry.refresh_from_db()
        assert entry.complaint_reference == "CMP/2026/0042"
        assert entry.history.first().history_change_reason == "Complaints team's reference recorded"
        assert "CMP/2026/0042" in compliance_client.get(entry.get_absolute_url()).content.decode()

    def test_its_form_and_the_review_form_keep_their_ids_their_own(
        self, handler_user, compliance_client
    ):
        """Both forms on the entry page carry a version: no id appears twice (the Nu HTML
        checker found id_version twice)."""
        call = complaint(handler_user)
        run_background_tasks()
        page = compliance_client.get(DmtsEntry.objects.get(pk=call.pk).get_absolute_url())
        html = page.content.decode()
        assert 'name="reference"' in html and 'name="status"' in html  # both forms shown
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert sorted({i for i in ids if ids.count(i) > 1}) == []

    def test_an_empty_reference_is_explained_beside_the_field(
        self, handler_user, compliance_client
    ):
        call = complaint(handler_user)
        entry = DmtsEntry.objects.get(pk=call.pk)
        html = compliance_client.post(
            self.url(call), {"reference": "", "version": entry.version}
        ).content.decode()
        beside = html.split('id="error_1_id_reference"', 1)
        assert len(beside) == 2 and "Enter the reference the complaints team gave." in beside[1]

    def test_a_stale_page_does_not_overwrite(self, handler_user, compliance_client):
        call = complaint(handler_user)
        entry = DmtsEntry.objects.get(pk=call.pk)
        compliance_client.post(self.url(call), {"reference": "First", "version": entry.version})
        compliance_client.post(self.url(call), {"reference": "Second", "version": entry.version})
        entry.refresh_from_db()
        assert entry.complaint_reference == "First"

    def test_a_handler_may_not(self, handler_user, handler_client):
        call = complaint(handler_user)
        entry = DmtsEntry.objects.get(pk=call.pk)
        response = handler_client.post(self.url(call), {"reference": "X", "version": entry.version})
        assert response.status_code == 403

    def test_only_a_complaint_has_one(self, handler_user, compliance_client):
        call = log_call(handler_user)
        entry = DmtsEntry.objects.get(pk=call.pk)
        html = compliance_client.post(
            self.url(call), {"reference": "X", "version": entry.version}
        ).content.decode()
        assert "Only a complaint has a complaints team" in html
        entry.refresh_from_db()
        assert entry.complaint_reference == ""
