"""Mail through a real SMTP server on loopback, not Django's in-memory outbox."""

import uuid

import pytest
from django.utils import timezone

from callers.models import Call, ContactRequest
from callers.services.calls import call_log
from tests.factories import StaffContactFactory, UserFactory
from tests.helpers import run_background_tasks

pytestmark = pytest.mark.django_db


def test_a_request_to_speak_to_someone_reaches_them_over_smtp(smtp_server, settings):
    settings.SITE_URL = "https://calls.opcc.example"
    person = StaffContactFactory(email="commissioner@opcc.example")
    logged = call_log(
        by=UserFactory(),
        submission_token=uuid.uuid4(),
        new_caller_name="Ann Example",
        phone="+441234567890",
        call_type=Call.Type.COMMISSIONER,
        requested=person,
        request_reason="Speeding in the village",
        about="Wants the Commissioner",
        received_at=timezone.now(),
    )
    assert not smtp_server.messages  # queued with the call, sent by the background worker
    run_background_tasks()
    [message] = smtp_server.messages
    assert message["To"] == "commissioner@opcc.example"
    assert logged.call.reference in message["Subject"]
    body = message.get_content()
    assert "Ann Example" in body and "01234 567890" in body and "Speeding in the village" in body
    assert "https://calls.opcc.example/callers/requests/" in body
    assert ContactRequest.objects.get().emailed_at is not None
