"""Screen pop: the phone system's signed events (the contract in the README), what the
handler's screen reads, and the call logged from one."""

import io
import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from callers.models import Call, PhoneCall, TelephonyEvent
from callers.services import telephony as telephony_services
from callers.services.telephony import RefusedThisMinute
from opcc_calls.roles import Role
from opcc_calls.telephony import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature, signed_headers
from tests.factories import CallerPhoneFactory, UserFactory
from tests.helpers import log_call, log_call_data, sign_in_fully

pytestmark = pytest.mark.django_db
SECRET = "a-secret-of-more-than-thirty-two-characters"
URL = "/telephony/events/"


@pytest.fixture(autouse=True)
def secret(settings, monkeypatch):
    settings.TELEPHONY_WEBHOOK_SECRET = SECRET
    # Each test starts a minute of its own for refused events (a process counts them).
    monkeypatch.setattr(telephony_services, "refused_this_minute", RefusedThisMinute())


@pytest.fixture
def on_201(handler_user):
    handler_user.extension = "201"
    handler_user.save()
    return handler_user


def body(event="answered", call_id="pbx-1", number="01234 567890", extension="201", at=None):
    at = at or timezone.localtime()
    return json.dumps(
        {
            "event": event,
            "call_id": call_id,
            "caller_number": number,
            "extension": extension,
            "at": at.isoformat(),
        }
    ).encode()


def send(raw: bytes, *, secret=SECRET, timestamp=None, client=None):
    """As a phone system sends it: no session, no CSRF token, signed."""
    client = client or Client(enforce_csrf_checks=True)
    headers = signed_headers(secret, raw, timestamp=timestamp)
    return client.post(
        URL, raw, content_type="application/json", headers={k: v for k, v in headers.items()}
    )


class TestTheContract:
    def test_a_signed_event_is_taken_for_the_extension(self, on_201):
        response = send(body())
        assert response.status_code == 202 and response.json() == {"outcome": "accepted"}
        phone_call = PhoneCall.objects.get()
        assert (phone_call.handler, phone_call.state) == (on_201, "answered")
        assert phone_call.number == "+441234567890" and phone_call.answered_at

    def test_a_bad_signature_is_refused_and_recorded_without_the_body(self, on_201):
        response = send(body(call_id="secret-id"), secret="not-the-secret-at-all-no-no-no-no")
        assert response.status_code == 401
        refused = TelephonyEvent.objects.get()
        assert refused.outcome == "bad_signature" and refused.call_id == "" and not refused.event
        assert not PhoneCall.objects.exists()

    def test_an_old_timestamp_is_refused(self, on_201):
        old = int(timezone.now().timestamp()) - 6 * 60
        response = send(body(), timestamp=old)
        assert response.status_code == 401
        assert TelephonyEvent.objects.get().outcome == "stale"

    def test_a_replayed_event_is_refused(self, on_201):
        raw = body()
        assert send(raw).status_code == 202
        assert send(raw).status_code == 409
        assert send(body(at=timezone.localtime() + timedelta(seconds=1))).status_code == 409
        outcomes = sorted(TelephonyEvent.objects.values_list("outcome", flat=True))
        assert outcomes == ["accepted", "replay", "replay"]

    def test_an_unknown_extension_is_ignored(self, on_201):
        response = send(body(extension="999"))
        assert response.status_code == 202 and response.json()["outcome"] == "unknown_extension"
        assert not PhoneCall.objects.exists()

    def test_nothing_but_a_signed_post(self, on_201):
        assert Client().get(URL).status_code == 405
        assert send(b"not json").status_code == 400
        assert send(body(event="transferred")).status_code == 400
        unsigned = Client(enforce_csrf_checks=True).post(
            URL, body(), content_type="application/json"
        )
        assert unsigned.status_code == 401

    def test_served_without_debug_a_short_secret_refuses_everything(self, settings, on_201):
        settings.DEBUG, settings.TELEPHONY_WEBHOOK_SECRET = False, "short"
        response = send(body(), secret="short")
        assert response.status_code == 403 and "32 characters" in response.json()["error"]
        assert not PhoneCall.objects.exists()

    def test_the_call_moves_on_and_never_back(self, on_201):
        now = timezone.localtime()
        send(body("ringing", at=now - timedelta(seconds=5)))
        send(body("ended", at=now + timedelta(minutes=3)))
        send(body("answered", at=now))  # late, after the end
        phone_call = PhoneCall.objects.get()
        assert phone_call.state == "ended"
        assert phone_call.ringing_at < phone_call.answered_at < phone_call.ended_at

    def test_reported_calls_go_after_two_days_with_the_numbers_they_hold(self, on_201):
        send(body(call_id="old"))
        PhoneCall.objects.update(updated_at=timezone.now() - timedelta(days=2, minutes=1))
        send(body(call_id="new"))
        assert list(PhoneCall.objects.values_list("call_id", flat=True)) == ["new"]

    def test_a_withheld_number(self, on_201):
        send(body(number="anonymous"))
        assert PhoneCall.objects.get().withheld


class TestTheHandlersScreen:
    def url(self):
        return reverse("callers:phone_call")

    def test_the_call_on_their_extension_and_nobody_elses(self, on_201, handler_client):
        assert handler_client.get(self.url()).json() == {}
        send(body())
        data = handler_client.get(self.url()).json()
        assert data["state"] == "answered" and data["number"] == "01234 567890"
        assert data["open"].endswith(f"?phone_call={PhoneCall.objects.get().pk}")
        other = sign_in_fully(Client(), UserFactory(roles=[Role.CALL_HANDLER], extension="202"))
        assert other.get(self.url()).json() == {}

    def test_log_a_call_opened_from_the_notice_has_the_number(self, on_201, handler_client):
        send(body())
        phone_call = PhoneCall.objects.get()
        html = handler_client.get(f"{reverse('callers:log')}?phone_call={phone_call.pk}")
        html = html.content.decode()
        assert 'value="01234 567890"' in html
        assert f'name="phone_call" value="{phone_call.pk}"' in html


class TestTheLoggedCall:
    def test_keeps_the_call_id_and_the_events_times(self, on_201, handler_client):
        caller = CallerPhoneFactory(number="+441234567890").caller
        answered = timezone.localtime().replace(microsecond=0) - timedelta(minutes=4)
        send(body("answered", call_id="pbx-77", at=answered))
        send(body("ended", call_id="pbx-77", at=answered + timedelta(minutes=3)))
        phone_call = PhoneCall.objects.get()
        handler_client.post(
            reverse("callers:log"),
            {
                "submission_token": str(uuid.uuid4()),
                "caller": caller.pk,
                "phone_call": phone_call.pk,
                "call_type": "enquiry",
                "about": "Asked about the precept.",
                "identity_check": "checked",
                "received_at": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
                "action": "save",
            },
        )
        call = Call.objects.get()
        assert call.phone_call_id == "pbx-77"
        assert (call.received_at, call.ended_at) == (answered, answered + timedelta(minutes=3))
        phone_call.refresh_from_db()
        assert phone_call.logged_as == call
        assert handler_client.get(reverse("callers:phone_call")).json() == {}  # done with

    def test_an_end_after_the_call_is_logged_fills_its_ended_time(self, on_201):
        send(body("answered", call_id="pbx-9"))
        phone_call = PhoneCall.objects.get()
        call = log_call(on_201, phone_call=phone_call)
        assert call.ended_at is None and call.phone_call_id == "pbx-9"
        ended = timezone.localtime().replace(microsecond=0) + timedelta(minutes=2)
        send(body("ended", call_id="pbx-9", at=ended))
        call.refresh_from_db()
        assert call.ended_at == ended
        assert call.history.first().history_change_reason == "Ended time from the phone system"


def test_the_time_is_iso_8601_with_an_offset(on_201):
    naive = json.dumps(
        {
            "event": "answered",
            "call_id": "x",
            "caller_number": "",
            "extension": "201",
            "at": "2026-11-30T10:00:00",
        }  # fmt: skip
    ).encode()
    assert send(naive).status_code == 400


@pytest.mark.parametrize(
    "at", ["2026-11-30T10:00:00+23:59", "2026-11-30T10:00:00-16:00", "0001-01-01T00:00:00+01:00"]
)
def test_a_time_the_database_cannot_keep_is_refused_not_a_500(on_201, at):
    """Python reads offsets up to a day; PostgreSQL keeps them to ±15:59, and nothing before
    year 1 in UTC."""
    event = {"event": "answered", "call_id": "x", "extension": "201", "at": at}
    assert send(json.dumps(event).encode()).status_code == 400
    assert not PhoneCall.objects.exists()


def test_a_time_with_an_offset_is_kept_as_the_moment_it_names(on_201):
    event = {"event": "answered", "call_id": "x", "extension": "201"}
    send(json.dumps(event | {"at": "2026-11-30T10:00:00+14:00"}).encode())
    assert PhoneCall.objects.get().answered_at == datetime(2026, 11, 29, 20, tzinfo=UTC)


ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db(transaction=True)
class TestConnectingAPhoneSystem:
    """The command and the shipped examples, each a real process or request on loopback."""

    def run(self, live_server, *command) -> None:
        """A phone system's example, run as the phone system's server would run it."""
        environment = {**os.environ, "OPCC_CALLS_URL": live_server.url}
        environment["TELEPHONY_WEBHOOK_SECRET"] = SECRET
        done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr

    def test_the_command_sends_a_signed_test_event(self, live_server, on_201):
        out = io.StringIO()
        call_command("telephony_event", "ringing", "201", url=live_server.url, stdout=out)
        assert "202" in out.getvalue()
        assert PhoneCall.objects.get().state == "ringing"

    def test_the_python_example_asterisk_runs(self, live_server, on_201):
        script = ROOT / "telephony" / "send_event.py"
        for event in ("ringing", "answered", "ended"):
            self.run(live_server, sys.executable, script, event, "ast-1", "01234 567890", "201")
        phone_call = PhoneCall.objects.get(call_id="ast-1")
        assert phone_call.state == "ended" and phone_call.number == "+441234567890"

    def test_the_curl_example_for_webhooks_runs(self, live_server, on_201):
        script = ROOT / "telephony" / "webhook" / "send_event.sh"
        self.run(live_server, "sh", script, "answered", "hook-1", "anonymous", "201")
        assert PhoneCall.objects.get(call_id="hook-1").withheld

    def test_the_asterisk_dialplan_sends_each_event_with_the_script(self):
        dialplan = (ROOT / "telephony" / "asterisk" / "extensions.conf").read_text()
        for event in ("ringing", "answered", "ended"):
            assert f"send_event.py {event} " in dialplan


def signed_with_stamp(raw: bytes, stamp: str):
    """A body signed as the phone system signs it, with whatever timestamp header is given."""
    return Client().post(
        URL,
        raw,
        content_type="application/json",
        headers={TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: signature(SECRET, stamp, raw)},
    )


class TestWhatAnAttackerMaySend:
    """Signed or not, no event makes a server error, and an unsigned sender cannot make the
    database write a row a request (issue 20, sign-in 3 and 4)."""

    @pytest.mark.parametrize("stamp", ["²", "1" * 5000, "-1", "١٢٣"])
    def test_a_timestamp_that_is_not_one_is_refused(self, on_201, stamp):
        assert signed_with_stamp(body(), stamp).status_code in (400, 401)

    def test_json_nested_deeper_than_any_event_is_not_one(self, on_201):
        deep = b"[" * 2000 + b"]" * 2000
        assert send(deep).status_code == 400

    @pytest.mark.parametrize("field", ["call_id", "extension", "caller_number"])
    def test_a_nul_in_any_field_is_not_an_event(self, on_201, field):
        data = json.loads(body())
        data[field] = "20\x001"
        response = send(json.dumps(data).encode())
        assert response.status_code == 400
        assert not PhoneCall.objects.exists()

    def test_unsigned_requests_cannot_fill_the_database(self, on_201):
        before = TelephonyEvent.objects.count()
        for _ in range(200):
            Client().post(URL, body(), content_type="application/json")
        assert TelephonyEvent.objects.count() - before <= 10


class TestScreenPopNeverMixesTwoCalls:
    """A popped call that ended unlogged filled the end time of the next call typed by hand,
    and the server read an end before the receipt as the next day: calls lasting 23 h 59 min
    (issue 20, screen pop)."""

    def log(self, client, received: str, **times):
        data = log_call_data(received_at=received, **times)
        return client.post(reverse("callers:log"), data)

    def test_an_end_before_the_receipt_is_refused_not_read_as_the_next_day(self, handler_client):
        day = timezone.localdate().strftime("%d/%m/%Y")
        response = self.log(handler_client, f"{day} 22:21", ended_time="22:20")
        assert response.status_code == 200
        assert "That is before the call was received (22:21)" in response.content.decode()
        assert not Call.objects.exists()

    def test_a_call_that_ran_past_midnight_is_kept(self, handler_client):
        yesterday = (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y")
        self.log(handler_client, f"{yesterday} 23:50", ended_time="00:10")
        call = Call.objects.get()
        assert call.ended_at - call.received_at == timedelta(minutes=20)

    def test_a_call_lasting_more_than_12_hours_is_refused(self, handler_client):
        day = (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y")
        response = self.log(handler_client, f"{day} 08:00", ended_time="21:00")
        assert "more than 12 hours" in response.content.decode()
        assert not Call.objects.exists()

    def test_a_number_that_is_not_valid_is_shown_as_it_was_sent(self, on_201, handler_client):
        send(body(number="01632 960123"))  # Ofcom's drama range: never a real number
        shown = handler_client.get(reverse("callers:phone_call")).json()
        assert (shown["number"], shown["withheld"]) == ("01632 960123", False)
        assert not PhoneCall.objects.get().withheld

    def test_the_notice_can_be_dismissed(self, on_201, handler_client):
        send(body())
        phone_call = PhoneCall.objects.get()
        url = reverse("callers:phone_call_dismiss", args=[phone_call.pk])
        assert handler_client.post(url).status_code == 204
        assert handler_client.get(reverse("callers:phone_call")).json() == {}

    def test_nobody_dismisses_another_handlers_call(self, on_201, compliance_client):
        send(body())
        url = reverse("callers:phone_call_dismiss", args=[PhoneCall.objects.get().pk])
        assert compliance_client.post(url).status_code == 404

    def test_the_notice_goes_an_hour_after_the_last_event(self, on_201, handler_client):
        send(body())
        PhoneCall.objects.update(updated_at=timezone.now() - timedelta(minutes=61))
        assert handler_client.get(reverse("callers:phone_call")).json() == {}

    def test_calls_already_saved_with_such_lengths_are_listed_to_correct(self, handler_user):
        long_ago = timezone.now() - timedelta(days=3)
        bad = log_call(handler_user, received_at=long_ago)
        Call.objects.filter(pk=bad.pk).update(ended_at=long_ago + timedelta(hours=23, minutes=59))
        log_call(handler_user, received_at=long_ago)  # no end: fine
        out = io.StringIO()
        call_command("calls_too_long", stdout=out)
        listed = out.getvalue()
        assert bad.reference in listed and "23 h 59 min" in listed
        assert listed.count("DMTS-") == 1
