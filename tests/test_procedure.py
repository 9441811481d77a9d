"""The procedure in the app (SOP 6.1): managers publish versions, everyone acknowledges each,
every page reminds those who have not (blocking nothing), managers see who has."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opcc_calls.models import Procedure, ProcedureAcknowledgement
from opcc_calls.services import procedure_publish

pytestmark = pytest.mark.django_db
REMINDER = "of the procedure for frequent and regular callers has been published"


def publish(manager, version="1.1", review_date=None) -> Procedure:
    return procedure_publish(
        by=manager,
        version=version,
        text="1. Purpose\n\nTo recognise frequent callers.",
        changes="Section 5.6: contact arrangements",
        review_date=review_date or date(2027, 11, 30),
    )


def test_a_manager_publishes_a_version_from_the_page(manager_client, manager_user):
    response = manager_client.post(
        reverse("procedure_publish"),
        {
            "version": "1.1",
            "text": "The procedure's text.",
            "changes": "Section 5.6 rewritten",
            "review_date": "30/11/2027",
        },
    )
    assert response.status_code == 302
    procedure = Procedure.objects.get()
    assert (procedure.version, procedure.published_by) == ("1.1", manager_user)
    assert procedure.history.get().history_change_reason == "Version 1.1 published"


def test_a_version_is_published_once(manager_client, manager_user):
    publish(manager_user)
    html = manager_client.post(
        reverse("procedure_publish"),
        {"version": "1.1", "text": "x", "changes": "x", "review_date": "30/11/2027"},
    ).content.decode()
    assert "already exists" in html and Procedure.objects.count() == 1


def test_every_page_reminds_until_acknowledged_and_blocks_nothing(handler_client, manager_user):
    publish(manager_user)
    for url in (reverse("home"), reverse("callers:log")):
        response = handler_client.get(url)
        assert response.status_code == 200 and REMINDER in response.content.decode()
    html = handler_client.get(reverse("procedure")).content.decode()
    assert "To recognise frequent callers." in html and "I have read version 1.1" in html
    handler_client.post(reverse("procedure"), {"version": "1.1"})
    handler_client.post(reverse("procedure"), {"version": "1.1"})  # twice: recorded once
    assert ProcedureAcknowledgement.objects.count() == 1
    with CaptureQueriesContext(connection) as queries:
        html = handler_client.get(reverse("home")).content.decode()
    assert REMINDER not in html
    # Remembered in the session: their pages ask the database nothing about it.
    assert not [q for q in queries.captured_queries if "procedure" in q["sql"]]


def test_a_new_version_asks_everyone_again(handler_client, manager_user):
    publish(manager_user, "1.1")
    handler_client.post(reverse("procedure"), {"version": "1.1"})
    publish(manager_user, "1.2")
    assert "Version 1.2 " + REMINDER in handler_client.get(reverse("home")).content.decode()


def test_acknowledging_a_version_no_longer_in_force_is_refused(handler_client, manager_user):
    publish(manager_user, "1.1")
    publish(manager_user, "1.2")
    response = handler_client.post(reverse("procedure"), {"version": "1.1"}, follow=True)
    assert "A newer version has been published" in response.content.decode()
    assert not ProcedureAcknowledgement.objects.exists()


def test_managers_see_who_has_and_has_not(
    manager_client, manager_user, handler_client, handler_user
):
    publish(manager_user)
    html = manager_client.get(reverse("procedure_readers")).content.decode()
    assert str(handler_user) in html and "Not yet" in html
    handler_client.post(reverse("procedure"), {"version": "1.1"})
    html = manager_client.get(reverse("procedure_readers")).content.decode()
    row = html.split(str(handler_user), 1)[1][:200]
    assert timezone.localtime().strftime("%-d %b %Y") in row


def test_the_review_date_shows_as_due_on_managers_home_page(manager_client, manager_user):
    publish(manager_user, review_date=timezone.localdate() + timedelta(days=1))
    assert "procedure-review-due" not in manager_client.get(reverse("home")).content.decode()
    publish(manager_user, "1.2", review_date=timezone.localdate())
    assert "procedure-review-due" in manager_client.get(reverse("home")).content.decode()


def test_only_managers_publish(handler_client, compliance_client):
    for client in (handler_client, compliance_client):
        assert client.get(reverse("procedure_publish")).status_code == 403
        assert client.get(reverse("procedure_readers")).status_code == 403
