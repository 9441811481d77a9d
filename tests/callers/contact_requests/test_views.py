"""The page the emailed link opens, and the same decision signed in."""

import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from callers.models import ContactRequest
from callers.selectors.contact_requests import CONTACT_REQUEST_SALT, contact_request_token
from tests.factories import CallFactory, StaffContactFactory
from tests.helpers import sign_in_fully

pytestmark = pytest.mark.django_db


class TestRequestDecision:
    @staticmethod
    def request_for(requested=None) -> ContactRequest:
        call = CallFactory(call_type="named_person")
        return ContactRequest.objects.create(
            call=call, requested=requested or StaffContactFactory(), reason="About a letter"
        )

    @staticmethod
    def link(contact_request) -> str:
        token = contact_request_token(contact_request)
        return f"{reverse('callers:request_decide')}?{urlencode({'t': token})}"

    def test_the_person_asked_for_records_their_decision_without_signing_in(self, client):
        contact_request = self.request_for()
        opened = client.get(self.link(contact_request))
        assert opened.url == reverse("callers:request_decide")  # the token leaves the address
        assert "About a letter" in client.get(opened.url).content.decode()
        response = client.post(
            opened.url, {"decision": "will_not_call_back", "note": ""}, follow=True
        )
        assert "your decision has been recorded" in response.content.decode()
        contact_request.refresh_from_db()
        assert contact_request.decision == "will_not_call_back"
        assert contact_request.decided_through_link
        record = contact_request.history.first()
        assert record.history_change_reason == "Decision recorded through the emailed link"

    def test_a_bad_link_is_explained(self, client):
        response = client.get(reverse("callers:request_decide"), {"t": "not-a-token"})
        assert response.status_code == 404
        assert "This link is not valid" in response.content.decode()

    def test_the_link_decides_once_and_a_change_needs_signing_in(self, client, handler_user):
        contact_request = self.request_for(StaffContactFactory(user=handler_user))
        url = client.get(self.link(contact_request)).url
        client.post(url, {"decision": "will_call_back", "note": ""})
        again = client.post(url, {"decision": "will_not_call_back", "note": ""})
        assert "To change it, sign in" in again.content.decode()
        contact_request.refresh_from_db()
        assert contact_request.decision == "will_call_back"
        change = reverse("callers:request_change", args=[contact_request.pk])
        assert client.get(change).url.startswith(reverse("login"))
        signed_in = sign_in_fully(Client(), handler_user)
        signed_in.post(change, {"decision": "done", "note": "Spoke to them"})
        contact_request.refresh_from_db()
        assert (contact_request.decision, contact_request.decided_by) == ("done", handler_user)
        assert contact_request.history.first().history_user == handler_user

    def test_only_the_person_asked_for_or_the_office_may_change_it(
        self, handler_client, compliance_client
    ):
        contact_request = self.request_for()
        change = reverse("callers:request_change", args=[contact_request.pk])
        assert handler_client.get(change).status_code == 403
        assert compliance_client.get(change).status_code == 200

    def test_each_opening_of_the_link_is_recorded(self, client, handler_client, handler_user):
        contact_request = self.request_for()
        client.get(self.link(contact_request))
        handler_client.get(self.link(contact_request))
        openings = list(contact_request.openings.order_by("opened_at"))
        assert [o.signed_in_as for o in openings] == [None, handler_user]

    def test_links_last_a_week(self, client):
        contact_request = self.request_for()
        signer = signing.TimestampSigner(salt=CONTACT_REQUEST_SALT)
        signer.timestamp = lambda: signing.b62_encode(int(time.time()) - 8 * 24 * 3600)
        old = signer.sign_object(contact_request.pk)
        response = client.get(reverse("callers:request_decide"), {"t": old})
        assert response.status_code == 404
