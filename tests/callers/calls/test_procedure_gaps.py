"""The procedure's last gaps on the log-a-call form: how the caller was recognised (5.7),
counted on the dashboard; a sales call that asks for a named person recorded as both (5.9b)."""

import pytest
from django.core import mail
from django.urls import reverse

from callers.models import Call, ContactRequest, FollowUp
from callers.selectors.reports import dashboard_figures
from callers.services.reports import dashboard_figures_refresh
from dmts.services.follow_ups import follow_ups_gather
from tests.callers.follow_ups.test_follow_ups import at
from tests.factories import StaffContactFactory
from tests.helpers import log_call, log_call_data, run_background_tasks

pytestmark = pytest.mark.django_db


class TestRecognised:
    def test_how_they_were_recognised_is_kept_with_the_call(self, handler_client):
        response = handler_client.post(reverse("callers:log"), log_call_data(recognised="said"))
        assert response.status_code == 302
        assert Call.objects.get().recognised == Call.Recognised.SAID

    def test_it_may_be_left_unanswered_but_never_be_nonsense(self, handler_client):
        assert handler_client.post(reverse("callers:log"), log_call_data()).status_code == 302
        refused = handler_client.post(reverse("callers:log"), log_call_data(recognised="psychic"))
        assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
        assert list(Call.objects.values_list("recognised", flat=True)) == [""]

    def test_the_dashboard_counts_each_way(self, manager_client):
        for way in ("remembered", "remembered", "asked", "found", ""):
            log_call(recognised=way)
        dashboard_figures_refresh.call()
        assert dashboard_figures().recognised == {
            "": 1,
            "remembered": 2,
            "said": 0,
            "asked": 1,
            "found": 1,
            "new": 0,
        }
        html = manager_client.get(reverse("callers:dashboard")).content.decode()
        table = html[html.index('class="table table-sm recognised-counts"') :]
        assert 'I remembered them and their issues (5.7a)</th><td class="text-end">2' in table
        assert 'Not recorded</th><td class="text-end">1' in table


class TestSalesAskingForSomeone:
    def test_recorded_as_both_and_the_person_is_emailed(self, handler_client):
        person = StaffContactFactory(name="Dana Director", email="dana@opcc.example")
        data = log_call_data(
            call_type="sales",
            organisation="Acme Print",
            selling="Printer toner",
            requested=person.pk,
            request_reason="Wants to offer a discount",
        )
        assert handler_client.post(reverse("callers:log"), data).status_code == 302
        call = Call.objects.get()
        assert call.call_type == Call.Type.SALES
        assert call.contact_request.requested == person
        run_background_tasks()
        assert [m.to for m in mail.outbox] == [["dana@opcc.example"]]

    def test_a_sales_call_asking_for_no_one_is_just_sales(self, handler_client):
        data = log_call_data(call_type="sales", organisation="Acme", selling="Toner")
        assert handler_client.post(reverse("callers:log"), data).status_code == 302
        assert not ContactRequest.objects.exists()

    def test_the_reason_is_asked_for_beside_its_field(self, handler_client):
        data = log_call_data(
            call_type="sales",
            organisation="Acme",
            selling="Toner",
            requested=StaffContactFactory().pk,
        )
        response = handler_client.post(reverse("callers:log"), data)
        assert response.status_code == 200
        assert 'href="#id_request_reason"' in response.content.decode()
        assert not Call.objects.exists()

    def test_an_undecided_request_is_followed_up_as_any_other(self, handler_user):
        log_call(
            handler_user,
            call_type=Call.Type.SALES,
            organisation="Acme",
            selling="Toner",
            about="Asked for the finance officer.",
            received_at=at(0),
            requested=StaffContactFactory(),
            request_reason="A quote.",
        )
        assert follow_ups_gather(now=at(2)) == 1
        assert FollowUp.objects.get().kind == FollowUp.Kind.REQUEST
