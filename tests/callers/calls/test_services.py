import threading
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from callers.models import Call, Caller, CallerActivity, CallerPhone
from callers.selectors.calls import find_callers, handling_card
from callers.services.calls import caller_update
from opcc_calls.concurrency import StaleEdit
from tests.factories import CallerFactory, UserFactory
from tests.helpers import log_new_caller, named_person_call

pytestmark = pytest.mark.django_db


class TestCallLog:
    def test_a_new_caller_is_created_with_their_number_and_counters(self):
        handler = UserFactory()
        logged = log_new_caller(handler)
        assert logged.created
        caller = logged.call.caller
        assert caller.full_name == "John Smith"
        assert [str(p.number) for p in caller.phones.all()] == ["+441234567890"]
        activity = CallerActivity.objects.get(caller=caller)
        assert activity.calls_total == 1
        assert activity.last_call_at == logged.call.received_at

    def test_a_returning_caller_is_recognised_by_their_number_in_another_format(self):
        handler = UserFactory()
        first = log_new_caller(handler)
        matches = find_callers(phone="0044 1234 567890")
        assert matches == [first.call.caller]
        second = log_new_caller(
            handler, caller=matches[0], new_caller_name="", phone="+441234567890"
        )
        assert second.call.caller == first.call.caller
        assert Caller.objects.count() == 1 and CallerPhone.objects.count() == 1
        card = handling_card(second.call.caller)
        assert card.counts["calls_24h"] == 2
        assert [c.pk for c in card.recent_calls] == [second.call.pk, first.call.pk]

    def test_a_new_number_for_a_known_caller_is_added_to_them(self):
        caller = CallerFactory()
        log_new_caller(UserFactory(), caller=caller, phone="+442079460123")
        assert [str(p.number) for p in caller.phones.all()] == ["+442079460123"]

    def test_the_same_form_submitted_twice_logs_one_call(self):
        handler, token = UserFactory(), uuid.uuid4()
        first = log_new_caller(handler, submission_token=token)
        second = log_new_caller(handler, submission_token=token)
        assert first.created and not second.created
        assert second.call == first.call
        assert Call.objects.count() == 1 and Caller.objects.count() == 1
        assert CallerActivity.objects.get().calls_total == 1

    def test_invalid_details_save_nothing(self):
        with pytest.raises(ValidationError):
            log_new_caller(
                UserFactory(), call_type=Call.Type.COMPLAINT
            )  # a complaint needs its status
        assert Call.objects.count() == 0 and Caller.objects.count() == 0

    def test_logging_a_call_asks_the_database_nothing_it_checks_itself(self):
        """The form has checked what was typed; uniqueness (the token), the foreign keys and
        the check constraints are the database's own, so no query asks about them first."""
        caller, handler = CallerFactory(), UserFactory()
        with CaptureQueriesContext(connection) as captured:
            log_new_caller(handler, caller=caller, new_caller_name="", phone=None)
        sql = [q["sql"] for q in captured.captured_queries]
        assert not [q for q in sql if q.startswith("SELECT 1 AS")], sql  # exists, constraints
        assert not [q for q in sql if "submission_token" in q and q.startswith("SELECT")], sql

    def test_history_records_who_logged_the_call(self):
        handler = UserFactory()
        call = log_new_caller(handler).call
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
        log_new_caller(UserFactory(), caller=caller, received_at=now - timedelta(days=3))
        log_new_caller(UserFactory(), caller=caller, received_at=now - timedelta(days=10))
        activity = CallerActivity.objects.get(caller=caller)
        assert activity.calls_total == 2
        assert activity.first_call_at == now - timedelta(days=10)
        assert activity.last_call_at == now - timedelta(days=3)


class TestCallerUpdate:
    def test_changes_are_saved_with_history_and_numbers_replaced(self):
        caller = CallerFactory(full_name="Jon Smith")
        CallerPhone.objects.create(caller=caller, number="+441234567890")
        caller_update(
            caller=caller,
            by=None,
            version=1,
            details={"full_name": "John Smith"},
            phone_numbers=["+442079460001"],
        )
        caller.refresh_from_db()
        assert caller.full_name == "John Smith" and caller.version == 2
        assert [str(p.number) for p in caller.phones.all()] == ["+442079460001"]
        assert caller.history.count() == 2
        assert CallerPhone.history.filter(caller_id=caller.pk, history_type="-").count() == 1

    def test_a_stale_form_is_refused_and_loses_no_edit(self):
        caller = CallerFactory(full_name="First")
        caller_update(
            caller=caller, by=None, version=1, details={"full_name": "Second"}, phone_numbers=[]
        )
        with pytest.raises(StaleEdit):
            caller_update(
                caller=caller, by=None, version=1, details={"full_name": "Third"}, phone_numbers=[]
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
            results.append(log_new_caller(handler, caller=caller, submission_token=token))
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


@pytest.mark.django_db(transaction=True)
def test_a_caller_is_changed_in_a_transaction_of_its_own():
    """As a served page calls it, outside any transaction: the service locks the row it
    changes, which needs one (PostgreSQL refuses the lock otherwise)."""
    caller = CallerFactory(full_name="First")
    caller_update(
        caller=caller,
        by=UserFactory(),
        version=1,
        phone_numbers=[],
        details={"full_name": "Second"},
    )
    caller.refresh_from_db()
    assert (caller.full_name, caller.version) == ("Second", 2)
