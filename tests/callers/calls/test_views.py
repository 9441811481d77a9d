import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from callers.models import Call, Caller, CallerActivity
from dmts.services.entries import call_correct, entry_void
from opcc_calls.windows import start_of_day
from tests.factories import (
    CallerFactory,
    CallerPhoneFactory,
    CallFactory,
    StaffContactFactory,
)
from tests.helpers import flag, log_call, log_call_data, queries, sign_in_fully

pytestmark = pytest.mark.django_db

LOG = reverse("callers:log")


class TestLogCall:
    def test_the_page_offers_the_procedures_words_and_reminders(self, handler_client):
        html = handler_client.get(LOG).content.decode()
        for words in [
            "Phone number",
            "Full name",
            "Type of call",
            "What the call is about",
            "Outcome",
            "Never give personal information out over the phone",
            "Do not transfer the call",
            "I will not listen to abuse",
            "raise it with your manager",
        ]:
            assert words in html, words

    def test_saving_logs_the_call_and_shows_its_reference(self, handler_client, handler_user):
        response = handler_client.post(LOG, log_call_data(), follow=True)
        call = Call.objects.get()
        assert call.handler == handler_user and call.caller.full_name == "John Smith"
        assert str(call.caller.phones.get().number) == "+441234567890"
        html = response.content.decode()
        assert call.reference in html and call.caller.get_absolute_url() in html

    def test_a_resubmitted_form_logs_one_call(self, handler_client):
        data = log_call_data()
        handler_client.post(LOG, data)
        response = handler_client.post(LOG, data, follow=True)
        assert Call.objects.count() == 1
        assert "already been logged" in response.content.decode()

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"phone": "0123"}, "phone", "Enter a valid phone number"),
            ({"call_type": ""}, "call_type", "Choose the type of call."),
            ({"about": "x" * 5001}, "about", "at most 5000 characters"),
            ({"full_name": ""}, "full_name", "Enter the caller&#x27;s full name"),
            ({"call_type": "complaint"}, "complaint_status", "Needed for this type of call."),
            ({"call_type": "sales"}, "organisation", "Needed for this type of call."),
            ({"call_type": "police_hq"}, "police_department", "Needed for this type of call."),
            ({"call_type": "named_person"}, "requested", "Needed for this type of call."),
            ({"abusive": "on"}, "warning_time", "Give the time"),
            ({"received_at": "2999-01-01T10:00"}, "received_at", "in the future"),
        ],
    )
    def test_bad_input_is_explained_beside_the_field_and_saves_nothing(
        self, handler_client, overrides, field, message
    ):
        response = handler_client.post(LOG, log_call_data(**overrides))
        assert response.status_code == 200
        html = response.content.decode()
        beside_field = html.split(f'id="error_1_id_{field}"', 1)
        assert len(beside_field) == 2, f"no error beside {field}"
        assert message in beside_field[1][:300]
        assert Call.objects.count() == 0 and Caller.objects.count() == 0

    def test_without_javascript_find_caller_lists_matches_without_errors(self, handler_client):
        CallerPhoneFactory(number="+441234567890", caller__full_name="John Smith")
        response = handler_client.post(LOG, log_call_data(action="search", call_type="", about=""))
        html = response.content.decode()
        assert response.status_code == 200
        assert "1 matching caller" in html and "John Smith" in html
        assert "There is a problem" not in html
        assert 'value="01234 567890"' in html  # what was typed is kept

    def test_the_empty_form_kept_for_the_minute_never_shares_a_token_or_what_was_typed(
        self, handler_client
    ):
        """A new call's empty fields are rendered once a minute and kept: each page still gets
        a submission token of its own (two pages with one token would log one call), and a
        page sent back with what was typed (clear, search) is never the kept empty one."""
        first, second = (handler_client.get(LOG).content.decode() for _ in range(2))
        token = re.compile(r'name="submission_token" value="([0-9a-f-]+)"')
        assert token.search(first).group(1) != token.search(second).group(1)
        typed = handler_client.post(
            LOG, log_call_data(action="clear", full_name="Ann Typed", about="Typed before clearing")
        ).content.decode()
        assert 'value="Ann Typed"' in typed and "Typed before clearing" in typed
        assert 'value="Ann Typed"' not in handler_client.get(LOG).content.decode()

    def test_without_javascript_choosing_a_caller_shows_their_card_then_saves(self, handler_client):
        caller = CallerPhoneFactory(number="+441234567890").caller
        CallFactory(caller=caller, about="An earlier call about speeding.")
        data = log_call_data(action=f"choose:{caller.pk}", phone="0044 1234 567890")
        html = handler_client.post(LOG, data).content.decode()
        assert "Handling card" in html and "An earlier call about speeding." in html
        assert f'name="caller" value="{caller.pk}"' in html
        handler_client.post(LOG, log_call_data(caller=caller.pk, phone="0044 1234 567890"))
        assert Caller.objects.count() == 1
        assert CallerActivity.objects.get(caller=caller).calls_total == 1
        assert caller.calls.count() == 2

    def test_the_callers_identity_is_answered_every_time_never_by_default(self, handler_client):
        """5.8e: no answer comes chosen, and a call saved without one is sent back with the
        question beside the field."""
        html = handler_client.get(LOG).content.decode()
        identity = re.findall(r'<input[^>]*name="identity_check"[^>]*>', html)
        assert len(identity) == 3
        assert not any(re.search(r"\schecked[\s>=]", field) for field in identity)
        response = handler_client.post(LOG, log_call_data(identity_check=""))
        beside = response.content.decode().split('id="error_1_id_identity_check"', 1)
        assert len(beside) == 2 and "Say whether you checked who the caller is." in beside[1]
        assert Call.objects.count() == 0

    def test_one_caller_found_by_their_whole_number_comes_highlighted(self, handler_client):
        """Enter then chooses them; a name, or a number several callers share, highlights
        no one (Enter carries on as a new caller)."""
        caller = CallerPhoneFactory(number="+441234567890", caller__full_name="John Smith").caller
        matches = reverse("callers:matches")

        def html(data):
            return handler_client.post(
                matches, data, headers={"HX-Request": "true"}
            ).content.decode()

        assert f'id="match-{caller.pk}" data-suggested' in html({"phone": "01234 567890"})
        assert "data-suggested" not in html({"phone": "567890"})
        assert "data-suggested" not in html({"full_name": "John Smith"})
        CallerPhoneFactory(number="+441234567890", caller__full_name="Jane Smith")
        assert "data-suggested" not in html({"phone": "01234 567890"})

    def test_optional_sections_and_the_time_sit_after_the_button(self, handler_client):
        """The keys from the last thing every call needs to "Log call" pass nothing else: the
        time (now unless changed), an abusive call and a concern come after it, closed."""
        html = handler_client.get(LOG).content.decode()
        button = html.index('value="save"')
        for field in ("received_at", "ended_time", "abusive", "concern_kind"):
            assert html.index(f'name="{field}"') > button, field
        assert html.index('name="identity_check"') < button
        assert "<details" in html and "<details open" not in html and " open>" not in html
        assert "Received at " + timezone.localtime().strftime("%d/%m/%Y") in html
        kept = handler_client.post(
            LOG, log_call_data(abusive="on", concern_kind="mental_health", about="")
        ).content.decode()
        assert kept.count(" open>") == 2  # what holds something, or an error, is shown

    def test_the_log_a_call_form_is_two_keys_from_the_top_of_any_page(
        self, handler_client, client, compliance_user
    ):
        link = f'<a class="visually-hidden-focusable skip-link" href="{LOG}">'
        html = handler_client.get(reverse("callers:search")).content.decode()
        assert html.index(link) < html.index("<nav")  # after "Skip to main content"
        assert html.index("Skip to main content") < html.index(link)

    def test_htmx_matches_and_card(self, handler_client):
        caller = CallerFactory(full_name="John Smith")
        html = handler_client.post(
            reverse("callers:matches"), {"full_name": "Jon Smith"}, headers={"HX-Request": "true"}
        ).content.decode()
        assert "John Smith" in html and "<html" not in html
        html = handler_client.get(
            reverse("callers:card", args=[caller.pk]), headers={"HX-Request": "true"}
        ).content.decode()
        assert "Handling card: John Smith" in html and "<html" not in html

    def test_commissioner_requests_go_to_the_commissioner(self, handler_client):
        commissioner = StaffContactFactory(is_commissioner=True)
        handler_client.post(
            LOG, log_call_data(call_type="commissioner", request_reason="About speeding")
        )
        assert Call.objects.get().contact_request.requested == commissioner


def _caller_with_calls(n: int) -> Caller:
    caller = CallerFactory()
    CallerPhoneFactory(caller=caller)
    handler = CallFactory(caller=caller).handler
    now = timezone.now()
    Call.objects.bulk_create(
        [
            Call(
                caller=caller,
                handler=handler,
                call_type="enquiry",
                about="Again",
                received_at=now - timedelta(hours=i),
            )
            for i in range(1, n)
        ]
    )
    return caller


@pytest.mark.parametrize("url_name", ["callers:detail", "callers:card"])
def test_caller_pages_run_the_same_queries_for_3_calls_and_3000(handler_client, url_name):
    counts = []
    for n in (3, 3000):
        caller = _caller_with_calls(n)
        counts.append(queries(handler_client, reverse(url_name, args=[caller.pk])))
    assert counts[0] == counts[1]


def test_log_page_with_a_chosen_caller_runs_the_same_queries_for_3_calls_and_3000(
    handler_client,
):
    counts = []
    for n in (3, 3000):
        caller = _caller_with_calls(n)
        counts.append(
            queries(
                handler_client, LOG, method="post", data=log_call_data(action=f"choose:{caller.pk}")
            )
        )
    assert counts[0] == counts[1]


def test_callers_list_runs_the_same_queries_however_many_callers(handler_client):
    counts = []
    for n in (2, 60):
        CallerFactory.create_batch(n)
        counts.append(queries(handler_client, reverse("callers:search")))
    assert counts[0] == counts[1]


def test_the_chart_and_the_card_count_the_same_90_days(handler_client, compliance_user):
    """One definition of "last 90 days": the chart beside the card adds up to the card's
    count, voided calls left out of both."""
    caller = CallerFactory()
    now = timezone.now()
    first_day = start_of_day(timezone.localdate() - timedelta(days=89))
    for received_at in (
        now - timedelta(hours=1),
        now - timedelta(days=45),
        first_day + timedelta(minutes=1),
        first_day - timedelta(minutes=1),  # the day before the window
        now - timedelta(days=91),
    ):
        log_call(caller=caller, received_at=received_at)
    voided = log_call(caller=caller, received_at=now - timedelta(days=2))
    entry_void(entry=voided.dmts_entry, by=compliance_user, reason="Test", version=1)
    response = handler_client.get(reverse("callers:detail", args=[caller.pk]))
    card, chart = response.context["card"], response.context["chart"]
    assert card.counts["calls_90d"] == chart.total == 3


class TestCallerPages:
    def test_search_is_posted_so_names_stay_out_of_urls(self, handler_client):
        CallerFactory(full_name="John Smith")
        response = handler_client.post(reverse("callers:search"), {"q": "Jon Smith"})
        assert "John Smith" in response.content.decode()

    def test_empty_search_is_explained(self, handler_client):
        response = handler_client.post(reverse("callers:search"), {"q": ""})
        assert "Enter a name or a phone number" in response.content.decode()

    def test_caller_page_shows_details_chart_calls_and_history(self, handler_client):
        caller = _caller_with_calls(30)
        html = handler_client.get(reverse("callers:detail", args=[caller.pk])).content.decode()
        assert "Calls per day, last 90 days" in html and "<svg" in html
        assert "Showing 1 to 25" in html and "page=2#calls" in html
        assert "Caller created" in html

    def test_caller_page_reads_as_a_record(self, client, manager_user):
        """The details and the flag first, the record-keeping controls aside, the chart with its
        axes and its text equivalent, then every call on one line a date."""
        caller = _caller_with_calls(3)
        flag(caller, manager_user)
        sign_in_fully(client, manager_user)
        html = client.get(reverse("callers:detail", args=[caller.pk])).content.decode()
        order = [
            html.index("flag-notice"),
            html.index('id="details-heading"'),
            html.index('aria-labelledby="record-keeping-heading"'),
            html.index('id="chart-heading"'),
            html.index('id="calls-heading"'),
        ]
        assert order == sorted(order)
        aside = html[html.index("<aside") : html.index("</aside>")]
        for control in (
            "Put on legal hold",
            "Log a subject access request",
            "Merge with another record",
        ):
            assert control in aside
        assert 'class="axis-title">Calls a day' in html and "The chart as a table" in html
        assert '<td class="text-nowrap"><a href=' in html

    def test_a_handler_sees_no_record_keeping_aside(self, handler_client):
        caller = _caller_with_calls(1)
        html = handler_client.get(reverse("callers:detail", args=[caller.pk])).content.decode()
        assert "<aside" not in html and "Merge with another record" not in html

    def test_edit_saves_with_history_and_refuses_a_stale_form(self, handler_client, handler_user):
        caller = CallerFactory(full_name="Jon Smith")
        url = reverse("callers:edit", args=[caller.pk])
        data = {
            "full_name": "John Smith",
            "phone_numbers": "01234 567890\n(01234) 567 890",
            "version": 1,
            "other_names": "",
            "email": "",
            "postal_address": "",
            "reasonable_adjustments": "Speak slowly.",
            "notes": "",
        }
        assert handler_client.post(url, data).status_code == 302
        caller.refresh_from_db()
        assert caller.full_name == "John Smith" and caller.phones.count() == 1
        assert caller.history.first().history_user == handler_user
        response = handler_client.post(url, data | {"full_name": "Johnny"}, follow=True)
        assert "Someone else changed this caller" in response.content.decode()
        caller.refresh_from_db()
        assert caller.full_name == "John Smith"

    def test_edit_rejects_a_bad_number_beside_the_field(self, handler_client):
        caller = CallerFactory()
        response = handler_client.post(
            reverse("callers:edit", args=[caller.pk]),
            {"full_name": "A", "phone_numbers": "999", "version": 1},
        )
        assert response.status_code == 200
        assert "Not a valid phone number: 999" in response.content.decode()


@pytest.mark.parametrize("action", ["choose:abc", "choose:999999", "search"])
def test_a_tampered_form_is_never_a_server_error(handler_client, action):
    response = handler_client.post(LOG, log_call_data(action=action, caller="not-a-number"))
    assert response.status_code in (200, 404)


class TestReceivedTimes:
    """A call dated 0001-01-01 was accepted, then disposed of by the next retention run."""

    def test_the_log_form_refuses_a_call_from_long_ago(self, handler_client):
        response = handler_client.post(
            reverse("callers:log"),
            {
                "action": "save",
                "full_name": "Ann Example",
                "call_type": "enquiry",
                "about": "x",
                "identity_check": "not_needed",
                "received_at": "0001-01-01T09:00",
                "submission_token": "00000000-0000-0000-0000-000000000001",
            },
        )
        assert "Calls are logged as they happen" in response.content.decode()
        assert not Call.objects.exists()

    def test_no_service_or_correction_takes_a_year_before_2000(self, compliance_user):
        call = log_call()
        with pytest.raises(ValidationError):
            call_correct(
                entry=call.dmts_entry,
                by=compliance_user,
                reason="Typo",
                version=1,
                changes={"received_at": datetime(1999, 12, 31, 23, 0, tzinfo=UTC)},
            )
