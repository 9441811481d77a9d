import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.helpers import flag, frequent_caller, queries

pytestmark = pytest.mark.django_db


class TestHandlingCard:
    def test_the_agreed_response_is_on_the_card_and_the_call_can_still_be_logged(
        self, handler_client, manager_user
    ):
        caller = frequent_caller()
        flag(caller, manager_user, agreed_response="Their single point of contact replies.")
        html = handler_client.get(reverse("callers:card", args=[caller.pk])).content.decode()
        assert "Their single point of contact replies." in html
        assert "never stops you logging this call" in html

    def test_an_overdue_flag_says_so(self, handler_client, manager_user):
        caller = frequent_caller()
        flag(caller, manager_user, review_date=timezone.localdate() - timedelta(days=3))
        html = handler_client.get(reverse("callers:card", args=[caller.pk])).content.decode()
        assert "overdue since" in html

    def test_from_the_caller_a_manager_opens_their_flag(self, manager_client, manager_user):
        caller = frequent_caller()
        made = flag(caller, manager_user)
        html = manager_client.get(reverse("callers:detail", args=[caller.pk])).content.decode()
        assert f'href="{reverse("callers:flag", args=[made.pk])}">Open the flag' in html
        on_its_page = manager_client.get(reverse("callers:flag", args=[made.pk])).content
        assert b"Open the flag" not in on_its_page

    def test_a_handler_who_may_not_open_flags_is_not_offered_the_link(
        self, handler_client, manager_user
    ):
        caller = frequent_caller()
        flag(caller, manager_user)
        html = handler_client.get(reverse("callers:card", args=[caller.pk])).content.decode()
        assert "Open the flag" not in html


class TestFrequentCallsLog:
    def test_lists_flags_with_activity_and_filters_overdue(self, compliance_client, manager_user):
        current = flag(frequent_caller(), manager_user)
        late = flag(
            frequent_caller(), manager_user, review_date=timezone.localdate() - timedelta(days=1)
        )
        url = reverse("callers:frequent_log")
        html = compliance_client.get(url).content.decode()
        assert escape(current.caller.full_name) in html and escape(late.caller.full_name) in html
        html = compliance_client.get(url + "?state=overdue").content.decode()
        assert escape(late.caller.full_name) in html
        assert escape(current.caller.full_name) not in html

    def test_exports_the_listed_flags(self, compliance_client, manager_user):
        made = flag(frequent_caller(), manager_user)
        response = compliance_client.get(reverse("callers:frequent_log_csv") + "?state=active")
        rows = list(
            csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
        )
        assert rows[1][0] == made.caller.full_name and rows[1][5] == "3"
        response = compliance_client.get(reverse("callers:frequent_log_xlsx"))
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")

    def test_fixed_queries_however_many_flags(self, compliance_client, manager_user):
        counts = []
        for n in (1, 12):
            for _ in range(n):
                flag(frequent_caller(), manager_user)
            counts.append(queries(compliance_client, reverse("callers:frequent_log")))
        assert counts[0] == counts[1]


def test_the_flag_page_and_the_card_skip_no_heading_level(manager_client, manager_user):
    """The agreed response is a section of the flag page (h2) and of the card (h3 under its
    h2): a reader moving by headings never meets a gap (Nu HTML Checker)."""
    made = flag(frequent_caller(), manager_user)
    for url in (
        reverse("callers:flag", args=[made.pk]),
        reverse("callers:detail", args=[made.caller.pk]),
    ):
        html = manager_client.get(url).content.decode()
        levels = [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]
        assert levels[0] == 1, url
        gaps = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
        assert not gaps, (url, levels)


class TestChangingTheContactArrangements:
    """After flagging, from the flag, each change with its reason in history (5.6)."""

    def url(self, made) -> str:
        return reverse("callers:flag_arrangements", args=[made.pk])

    def test_a_manager_changes_them_with_a_reason(self, manager_client, manager_user):
        made = flag(frequent_caller(), manager_user)
        html = manager_client.get(self.url(made)).content.decode()
        assert "Change the contact arrangements" in html
        response = manager_client.post(
            self.url(made),
            {
                "version": made.version,
                "single_point_of_contact": manager_user.pk,
                "contact_times": "Tuesdays 10:00 to 12:00",
                "reason": "Agreed at the Silver meeting",
            },
        )
        assert response.status_code == 302
        made.refresh_from_db()
        assert made.single_point_of_contact == manager_user and not made.written_contact_only
        assert made.contact_times == "Tuesdays 10:00 to 12:00"
        assert made.history.first().history_change_reason == (
            "Contact arrangements changed: Agreed at the Silver meeting"
        )
        card = manager_client.get(made.caller.get_absolute_url()).content.decode()
        assert "Contact at set times: Tuesdays 10:00 to 12:00" in card

    def test_without_a_reason_nothing_changes(self, manager_client, manager_user):
        made = flag(frequent_caller(), manager_user)
        html = manager_client.post(
            self.url(made),
            {"version": made.version, "contact_times": "Mondays", "reason": ""},
        ).content.decode()
        assert "Say why the arrangements are changing." in html
        made.refresh_from_db()
        assert made.contact_times == ""

    def test_a_stale_form_is_refused(self, manager_client, manager_user):
        made = flag(frequent_caller(), manager_user)
        data = {"version": made.version, "contact_times": "Mondays", "reason": "First"}
        manager_client.post(self.url(made), data)
        manager_client.post(self.url(made), {**data, "contact_times": "Fridays"})
        made.refresh_from_db()
        assert made.contact_times == "Mondays"
