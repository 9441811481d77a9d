"""Requests to speak to someone (SOP 5.8d): the email to the person asked for, the signed
link, and their decision kept in history."""

import pytest
from django.core import mail

from callers.models import Call, ContactRequest
from callers.selectors.contact_requests import contact_request_from_token, contact_request_token
from callers.services.contact_requests import contact_request_decide
from tests.factories import StaffContactFactory, UserFactory
from tests.helpers import log_new_caller, named_person_call, run_background_tasks

pytestmark = pytest.mark.django_db


class TestContactRequests:
    def test_request_for_a_named_person_emails_them_the_callers_details(self):
        person = StaffContactFactory(name="Clare Kelly", email="ce@opcc.example")
        call = log_new_caller(
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
        decided = contact_request_decide(
            contact_request=call.contact_request, decision="will_call_back", note="Tomorrow"
        )
        assert decided.decision == "will_call_back" and decided.decided_at
        assert decided.history.first().history_change_reason.startswith("Decision recorded")
