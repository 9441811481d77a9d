import threading
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from callers.models import Call, Caller, CallerActivity, CallerPhone, ContactRequest
from callers.selectors.calls import (
    contact_request_from_token,
    contact_request_token,
    find_callers,
    handling_card,
)
from callers.services import calls as services
from opcc_calls.concurrency import StaleEdit
from tests.factories import CallerFactory, StaffContactFactory, UserFactory
from tests.helpers import run_background_tasks

pytestmark = pytest.mark.django_db


def log(handler, **overrides):
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
    return services.call_log(handler=handler, **arguments)


def named_person_call() -> Call:
    return log(
        UserFactory(),
        call_type=Call.Type.NAMED_PERSON,
        requested=StaffContactFactory(),
        request_reason="Why",
    ).call


class TestCallLog:
    def test_a_new_caller_is_created_with_their_number_and_counters(self):
        handler = UserFactory()
        logged = log(handler)
        assert logged.created
        caller = logged.call.caller
        assert caller.full_name == "John Smith"
        assert [str(p.number) for p in caller.phones.all()] == ["+441234567890"]
        activity = CallerActivity.objects.get(caller=caller)
        assert activity.calls_total == 1
        assert activity.last_call_at == logged.call.received_at

    def test_a_returning_caller_is_recognised_by_their_number_in_another_format(self):
        handler = UserFactory()
        first = log(handler)
        matches = find_callers(phone="0044 1234 567890")
        assert matches == [first.call.caller]
        second = log(handler, caller=matches[0], new_caller_name="", phone="+441234567890")
        assert second.call.caller == first.call.caller
        assert Caller.objects.count() == 1 and CallerPhone.objects.count() == 1
        card = handling_card(second.call.caller)
        assert card.counts["calls_24h"] == 2
        assert [c.pk for c in card.recent_calls] == [second.call.pk, first.call.pk]

    def test_a_new_number_for_a_known_caller_is_added_to_them(self):
        caller = CallerFactory()
        log(UserFactory(), caller=caller, phone="+442079460123")
        assert [str(p.number) for p in caller.phones.all()] == ["+442079460123"]

    def test_the_same_form_submitted_twice_logs_one_call(self):
        handler, token = UserFactory(), uuid.uuid4()
        first = log(handler, submission_token=token)
        second = log(handler, submission_token=token)
        assert first.created and not second.created
        assert second.call == first.call
        assert Call.objects.count() == 1 and Caller.objects.count() == 1
        assert CallerActivity.objects.get().calls_total == 1

    def test_invalid_details_save_nothing(self):
        with pytest.raises(ValidationError):
            log(UserFactory(), call_type=Call.Type.COMPLAINT)  # a complaint needs its status
        assert Call.objects.count() == 0 and Caller.objects.count() == 0

    def test_logging_a_call_asks_the_database_nothing_it_checks_itself(self):
        """The form has checked what was typed; uniqueness (the token), the foreign keys and
        the check constraints are the database's own, so no query asks about them first."""
        caller, handler = CallerFactory(), UserFactory()
        with CaptureQueriesContext(connection) as captured:
            log(handler, caller=caller, new_caller_name="", phone=None)
        sql = [q["sql"] for q in captured.captured_queries]
        assert not [q for q in sql if q.startswith("SELECT 1 AS")], sql  # exists, constraints
        assert not [q for q in sql if "submission_token" in q and q.startswith("SELECT")], sql

    def test_history_records_who_logged_the_call(self):
        handler = UserFactory()
        call = log(handler).call
        record = call.history.get()
        assert record.history_type == "+"
        assert record.about == call.about
        assert record.history_user == handler
        for made_with_it in (call.dmts_entry, call.caller, call.caller.phones.get()):
            assert made_with_it.history.get().history_user == handler, made_with_it

    def test_history_records_who_logged_a_request_to_speak_to_someone(self):
        call = named_person_call()
        assert call.contact_request.history.get().history_user == call.handler

    def test_counters_keep_the_earliest_and_latest_call(self):
        caller = CallerFactory()
        now = timezone.now()
        log(UserFactory(), caller=caller, received_at=now - timedelta(days=3))
        log(UserFactory(), caller=caller, received_at=now - timedelta(days=10))
        activity = CallerActivity.objects.get(caller=caller)
        assert activity.calls_total == 2
        assert activity.first_call_at == now - timedelta(days=10)
        assert activity.last_call_at == now - timedelta(days=3)


class TestContactRequests:
    def test_request_for_a_named_person_emails_them_the_callers_details(self):
        person = StaffContactFactory(name="Clare Kelly", email="ce@opcc.example")
        call = log(
            UserFactory(),
            call_type=Call.Type.NAMED_PERSON,
            requested=person,
            request_reason="About the letter they received.",
        ).call
        run_background_tasks()
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["ce@opcc.example"]
        assert "John Smith" in message.body and "01234 567890" in message.body
        assert "About the letter they received." in message.body
        assert "/callers/requests/" in message.body
        contact_request = ContactRequest.objects.get(call=call)
        assert contact_request.emailed_at is not None
        assert contact_request.decision == ContactRequest.Decision.PENDING

    def test_a_mail_failure_never_loses_the_call(
        self, settings, django_capture_on_commit_callbacks
    ):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
        with django_capture_on_commit_callbacks(execute=True):
            call = named_person_call()
        assert Call.objects.filter(pk=call.pk).exists()
        assert ContactRequest.objects.get(call=call).emailed_at is None

    def test_the_signed_link_finds_the_request_and_a_tampered_one_does_not(self):
        call = named_person_call()
        token = contact_request_token(call.contact_request)
        assert contact_request_from_token(token) == call.contact_request
        assert contact_request_from_token(token[:-2] + "xx") is None

    def test_decision_is_recorded_with_history(self):
        call = named_person_call()
        decided = services.contact_request_decide(
            contact_request=call.contact_request, decision="will_call_back", note="Tomorrow"
        )
        assert decided.decision == "will_call_back" and decided.decided_at
        assert decided.history.first().history_change_reason.startswith("Decision recorded")


class TestCallerUpdate:
    def test_changes_are_saved_with_history_and_numbers_replaced(self):
        caller = CallerFactory(full_name="Jon Smith")
        CallerPhone.objects.create(caller=caller, number="+441234567890")
        services.caller_update(
            caller=caller,
            changed_by=None,
            version=1,
            full_name="John Smith",
            phone_numbers=["+442079460001"],
        )
        caller.refresh_from_db()
        assert caller.full_name == "John Smith" and caller.version == 2
        assert [str(p.number) for p in caller.phones.all()] == ["+442079460001"]
        assert caller.history.count() == 2
        assert CallerPhone.history.filter(caller_id=caller.pk, history_type="-").count() == 1

    def test_a_stale_form_is_refused_and_loses_no_edit(self):
        caller = CallerFactory(full_name="First")
        services.caller_update(
            caller=caller, changed_by=None, version=1, full_name="Second", phone_numbers=[]
        )
        with pytest.raises(StaleEdit):
            services.caller_update(
                caller=caller, changed_by=None, version=1, full_name="Third", phone_numbers=[]
            )
        caller.refresh_from_db()
        assert caller.full_name == "Second"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrency")
def test_two_simultaneous_submissions_of_one_form_log_one_call():
    handler, token = UserFactory(), uuid.uuid4()
    caller = CallerFactory()
    barrier = threading.Barrier(2)
    results = []

    def submit():
        barrier.wait()
        try:
            results.append(log(handler, caller=caller, submission_token=token))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Call.objects.filter(submission_token=token).count() == 1
    assert sorted(r.created for r in results) == [False, True]
    assert CallerActivity.objects.get(caller=caller).calls_total == 1
