import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from callers.models import Call, CallerActivity
from callers.selectors.calls import handling_card
from dmts.models import DmtsCounter, DmtsEntry
from dmts.selectors.entries import entry_changes, next_awaiting_review
from dmts.services.entries import call_correct, entry_review, entry_void, review_digest_send
from opcc_calls.concurrency import StaleEdit
from opcc_calls.roles import Role
from tests.factories import CallerFactory, UserFactory
from tests.helpers import log_call, run_background_tasks

pytestmark = pytest.mark.django_db


class TestEntries:
    def test_every_logged_call_gets_the_next_reference_of_the_year(self):
        year = timezone.localdate().year
        first, second = log_call(), log_call()
        assert first.dmts_entry.reference == f"DMTS-{year}-000001"
        assert second.dmts_entry.reference == f"DMTS-{year}-000002"
        assert first.dmts_entry.status == DmtsEntry.Status.AWAITING_REVIEW
        assert DmtsCounter.objects.get(year=year).last_number == 2

    def test_a_save_that_fails_gives_its_number_back(self):
        log_call()
        with pytest.raises(RuntimeError), transaction.atomic():
            log_call()
            raise RuntimeError("the rest of the save failed")
        assert log_call().dmts_entry.number == 2

    def test_the_reference_is_what_the_call_shows(self):
        call = log_call()
        assert call.reference == call.dmts_entry.reference


class TestReview:
    def test_review_records_who_when_and_notes_in_history(self, compliance_user):
        entry = log_call().dmts_entry
        entry_review(
            entry=entry,
            by=compliance_user,
            status="reviewed",
            notes="Checked against the recording.",
            version=1,
        )
        entry.refresh_from_db()
        assert (entry.status, entry.reviewed_by, entry.version) == ("reviewed", compliance_user, 2)
        assert entry.history.first().history_change_reason == "Marked reviewed"

    def test_a_handler_cannot_review(self, handler_user):
        with pytest.raises(PermissionDenied):
            entry_review(
                entry=log_call().dmts_entry,
                by=handler_user,
                status="reviewed",
                notes="",
                version=1,
            )

    def test_two_reviewers_at_once_do_not_overwrite_each_other(self, compliance_user, manager_user):
        entry = log_call().dmts_entry
        entry_review(entry=entry, by=compliance_user, status="reviewed", notes="First", version=1)
        with pytest.raises(StaleEdit):
            entry_review(
                entry=entry, by=manager_user, status="follow_up", notes="Second", version=1
            )
        entry.refresh_from_db()
        assert entry.compliance_notes == "First"

    def test_next_awaiting_review_is_the_oldest(self):
        old, new = log_call().dmts_entry, log_call().dmts_entry
        DmtsEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
        assert next_awaiting_review() == old
        assert next_awaiting_review(after=old) == new


class TestCorrection:
    def test_a_handler_corrects_their_own_entry_until_it_is_reviewed(
        self, handler_user, compliance_user
    ):
        entry = log_call(handler_user).dmts_entry
        call_correct(
            entry=entry,
            by=handler_user,
            reason="Typo",
            version=1,
            changes={"about": "Asked about the Police and Crime Plan."},
        )
        entry_review(entry=entry, by=compliance_user, status="reviewed", notes="", version=2)
        entry.refresh_from_db()
        assert not entry.can_be_corrected_by(handler_user)
        with pytest.raises(PermissionDenied):
            call_correct(
                entry=entry,
                by=handler_user,
                reason="Again",
                version=3,
                changes={"about": "Changed after review"},
            )
        call_correct(
            entry=entry,
            by=compliance_user,
            reason="Wrong type",
            version=3,
            changes={"call_type": Call.Type.OTHER},
        )
        entry.call.refresh_from_db()
        assert entry.call.call_type == Call.Type.OTHER

    def test_a_handler_cannot_correct_someone_elses_entry(self, handler_user):
        entry = log_call().dmts_entry
        assert not entry.can_be_corrected_by(handler_user)

    def test_the_correction_shows_in_history_with_its_reason_and_author(self, compliance_user):
        entry = log_call().dmts_entry
        call_correct(
            entry=entry,
            by=compliance_user,
            reason="Caller rang about a complaint, not an enquiry",
            version=1,
            changes={
                "call_type": Call.Type.COMPLAINT,
                "complaint_status": Call.ComplaintStatus.REFERRED,
            },
        )
        record = entry.call.history.first()
        assert record.history_change_reason == (
            "Correction: Caller rang about a complaint, not an enquiry"
        )
        [change] = [c for c in entry_changes(entry) if c.what == "Call corrected"]
        assert change.who == compliance_user.get_full_name()
        assert ("Type of call", "Enquiry", "Complaint") in change.fields
        assert change.reason.endswith("not an enquiry")

    def test_a_correction_needs_a_reason_and_valid_details(self, compliance_user):
        entry = log_call().dmts_entry
        with pytest.raises(ValidationError):
            call_correct(
                entry=entry, by=compliance_user, reason=" ", version=1, changes={"about": "x"}
            )
        with pytest.raises(ValidationError):  # a complaint needs its status
            call_correct(
                entry=entry,
                by=compliance_user,
                reason="Type",
                version=1,
                changes={"call_type": Call.Type.COMPLAINT},
            )
        entry.call.refresh_from_db()
        assert entry.call.call_type == Call.Type.ENQUIRY

    def test_correcting_when_the_call_was_received_updates_the_callers_counts(
        self, compliance_user
    ):
        call = log_call()
        earlier = timezone.now() - timedelta(days=40)
        call_correct(
            entry=call.dmts_entry,
            by=compliance_user,
            reason="Logged late",
            version=1,
            changes={"received_at": earlier},
        )
        assert CallerActivity.objects.get(caller=call.caller).last_call_at == earlier


class TestVoid:
    def test_a_void_entry_stays_in_the_log_and_stops_counting(self, compliance_user):
        caller = CallerFactory()
        call = log_call(caller=caller)
        log_call(caller=caller)
        entry_void(
            entry=call.dmts_entry,
            by=compliance_user,
            reason="Wrong caller chosen",
            version=1,
        )
        assert DmtsEntry.objects.filter(pk=call.pk, voided=True).exists()
        assert handling_card(caller).counts["calls_24h"] == 1
        assert CallerActivity.objects.get(caller=caller).calls_total == 1
        assert DmtsEntry.objects.awaiting_review().count() == 1

    def test_a_void_needs_a_reason(self, compliance_user):
        with pytest.raises(ValidationError):
            entry_void(entry=log_call().dmts_entry, by=compliance_user, reason="", version=1)


def test_the_digest_lists_what_is_waiting_without_callers_names():
    reviewer = UserFactory(email="co@opcc.example", roles=[Role.COMPLIANCE_OFFICER])
    UserFactory(email="handler@opcc.example", roles=[Role.CALL_HANDLER])
    call = log_call(caller=CallerFactory(full_name="Private Person"))
    assert review_digest_send() == 1
    assert mail.outbox == []  # queued, for the background worker
    run_background_tasks()
    [message] = mail.outbox
    assert message.to == [reviewer.email]
    assert call.dmts_entry.reference in message.body and "1 DMTS entry is" in message.body
    assert "Private Person" not in message.body


def test_no_digest_when_nothing_waits():
    UserFactory(email="co@opcc.example", roles=[Role.COMPLIANCE_OFFICER])
    assert review_digest_send() == 0
    run_background_tasks()
    assert mail.outbox == []


def test_a_digest_the_mail_server_refused_is_sent_later(settings):
    """The mail server down (nothing listens on the port): the digest waits and is sent
    once it is back."""
    UserFactory(email="co@opcc.example", roles=[Role.COMPLIANCE_OFFICER])
    log_call()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    review_digest_send()
    run_background_tasks()
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"] == {"attempt": 2} and retry.run_after > timezone.now()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_background_tasks()
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrency")
def test_handlers_saving_at_the_same_moment_get_distinct_consecutive_references():
    handlers = [UserFactory() for _ in range(8)]
    callers = [CallerFactory() for _ in range(8)]
    barrier = threading.Barrier(len(handlers))
    references, errors = [], []

    def save(handler, caller):
        barrier.wait()
        try:
            references.append(log_call(handler, caller=caller).dmts_entry.number)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=pair) for pair in zip(handlers, callers, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(references) == list(range(1, len(handlers) + 1))


def test_a_long_reason_is_kept_whole_in_history(compliance_user):
    entry = log_call().dmts_entry
    reason = "The caller rang back to explain " + "in some detail " * 25
    call_correct(
        entry=entry, by=compliance_user, reason=reason, version=1, changes={"about": "Corrected"}
    )
    assert entry.call.history.first().history_change_reason == f"Correction: {reason.strip()}"
