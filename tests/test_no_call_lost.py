"""No call lost, none logged twice: what the server does for a page that sends a call again
until it has it (the same token logs once), for a session that ended, for a form saved, and
for a database out of reach (503 with Retry-After, never a 500; /health/ not ready)."""

import pytest
import requests
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse

from callers.models import Call
from opcc_calls.middleware import SAVED_FORM_COOKIE
from opcc_calls.views import server_error
from tests.helpers import log_call_data
from tests.served import Served

pytestmark = pytest.mark.django_db

JSON = {"Accept": "application/json"}


def call_form(**overrides) -> dict:
    return log_call_data(full_name="Bethan Morgan", **overrides)


class TestSentAgainUntilLogged:
    def test_the_page_sending_a_call_is_told_where_it_was_logged(self, handler_client):
        response = handler_client.post(reverse("callers:log"), call_form(), headers=JSON)
        assert response.status_code == 200
        call = Call.objects.get()
        assert response.json() == {"logged": reverse("callers:logged", args=[call.pk])}

    def test_sent_again_with_its_token_it_is_logged_once_and_the_same_answer_given(
        self, handler_client
    ):
        form = call_form()
        first = handler_client.post(reverse("callers:log"), form, headers=JSON)
        again = handler_client.post(reverse("callers:log"), form, headers=JSON)
        assert Call.objects.count() == 1
        assert first.json() == again.json()

    def test_a_form_with_mistakes_is_answered_with_its_page_and_nothing_is_logged(
        self, handler_client
    ):
        response = handler_client.post(reverse("callers:log"), call_form(about=""), headers=JSON)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert not Call.objects.exists()

    def test_a_session_that_ended_is_told_so_and_where_to_sign_in(self, client):
        response = client.post(reverse("callers:log"), call_form(), headers=JSON)
        assert response.status_code == 401
        assert response.json() == {"sign_in": reverse("login")}
        assert not Call.objects.exists()

    def test_without_the_page_script_an_ended_session_leads_to_sign_in_as_before(self, client):
        response = client.post(reverse("callers:log"), call_form())
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


class TestSavedFormsAreForgotten:
    def test_a_saved_form_names_its_address_so_the_tab_forgets_what_it_kept(self, handler_client):
        response = handler_client.post(reverse("callers:log"), call_form())
        assert response.status_code == 302
        assert response.cookies[SAVED_FORM_COOKIE].value == reverse("callers:log")
        assert response.cookies[SAVED_FORM_COOKIE]["max-age"] == 120

    def test_a_form_sent_back_with_its_errors_is_kept(self, handler_client):
        response = handler_client.post(reverse("callers:log"), call_form(about=""))
        assert response.status_code == 200
        assert SAVED_FORM_COOKIE not in response.cookies

    def test_a_form_whose_session_ended_is_kept_for_after_signing_in(self, client):
        response = client.post(reverse("callers:log"), call_form())
        assert SAVED_FORM_COOKIE not in response.cookies


class TestDatabaseOutOfReach:
    def test_the_database_out_of_reach_is_503_with_retry_after(self):
        request = RequestFactory().get("/")
        try:
            raise OperationalError("connection to server at 127.0.0.1 failed")
        except OperationalError:
            response = server_error(request)
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert b"back in a moment" in response.content

    def test_anything_else_unexpected_is_still_a_500(self):
        request = RequestFactory().get("/")
        try:
            raise ValueError("a fault of ours")
        except ValueError:
            response = server_error(request)
        assert response.status_code == 500
        assert "Retry-After" not in response

    @pytest.mark.parametrize(
        "out_of_reach",
        [
            {"DATABASE_URL": "postgres://postgres@127.0.0.1:1/opcc_calls"},
            {"DATABASE_URL": "", "SQLITE_PATH": "/nonexistent-folder/db.sqlite3"},
        ],
        ids=["postgresql", "sqlite"],
    )
    def test_served_with_no_database_every_request_is_a_calm_503(self, out_of_reach, tmp_path):
        served = Served(out_of_reach, tmp_path / "gunicorn.log", workers=1)
        try:
            health = requests.get(served.url + "/health/", headers=JSON, timeout=10)
            assert health.status_code == 503
            assert health.headers["Retry-After"] == "5"

            signed_in = requests.Session()
            signed_in.cookies.set("sessionid", "a-session-made-before-the-outage")
            signed_in.cookies.set("csrftoken", "a" * 32)
            page = signed_in.get(served.url + "/callers/log/", timeout=10)
            sent = signed_in.post(
                served.url + "/callers/log/",
                data=call_form(csrfmiddlewaretoken="a" * 32),
                headers=JSON,
                timeout=10,
            )
            for response in (page, sent):
                assert response.status_code == 503, response.text[:500]
                assert response.headers["Retry-After"] == "5"
                assert "back in a moment" in response.text
                assert "Traceback" not in response.text
                assert "no-store" in response.headers["Cache-Control"]
        finally:
            served.stop()
