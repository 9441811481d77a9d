"""The meeting pages: the summary table, decisions in place, the record, actions and the pack."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from callers.models import Concern, Flag, Meeting, SensitiveAccess
from callers.services.follow_ups import follow_up_add
from callers.services.meetings import meeting_decide, meeting_open, meetings_prepare
from callers.services.rules import matches_refresh
from tests.factories import CallerFactory, CallFactory
from tests.helpers import (
    flag,
    frequent_caller,
    pdf_text,
    queries,
    run_background_tasks,
    table_rows,
    terms,
)

pytestmark = pytest.mark.django_db


class TestMeetings:
    def test_a_manager_opens_a_meeting_and_decides_from_the_summary_table(self, manager_client):
        first, second = frequent_caller(), frequent_caller(4)
        response = manager_client.post(
            reverse("callers:meetings"), {"kind": "smt", "date": timezone.localdate()}
        )
        meeting = Meeting.objects.get()
        assert response.url == meeting.get_absolute_url()
        page = manager_client.get(meeting.get_absolute_url()).content.decode()
        assert page.count('class="agenda-row') == 2 and "decision-form" not in page
        item = meeting.items.get(caller=first)
        chosen = manager_client.get(f"{meeting.get_absolute_url()}?item={item.pk}")
        html = chosen.content.decode()
        assert "decision-form" in html
        assert 'value="flag" selected' not in html  # nothing pre-selected
        url = reverse("callers:meeting_decide", args=[item.pk])
        prefix = f"item-{item.pk}-"
        refused = manager_client.post(url, {prefix + "decision": ""})
        assert refused.status_code == 400 and "Choose a decision." in refused.content.decode()
        refused = manager_client.post(
            url, {prefix + "decision": "flag", prefix + "kind": "", prefix + "agreed_response": ""}
        )
        assert "Write the agreed response" in refused.content.decode()
        decided = manager_client.post(
            url,
            {
                prefix + "decision": "flag",
                prefix + "kind": "frequent",
                prefix + "agreed_response": "Written replies only.",
            },
        )
        following = meeting.items.get(caller=second)
        assert decided.url == f"{meeting.get_absolute_url()}?item={following.pk}#decide"
        assert Flag.objects.active().get(caller=first).meeting == meeting

    def test_the_summary_sorts_and_labels_each_rule_once(self, manager_client, manager_user):
        quiet, busy = frequent_caller(3), frequent_caller(6)
        meeting = meeting_open(kind="smt", day=timezone.localdate(), by=manager_user)
        page = manager_client.get(f"{meeting.get_absolute_url()}?sort=7d").content.decode()
        assert page.index(busy.full_name) < page.index(quiet.full_name)
        page = manager_client.get(f"{meeting.get_absolute_url()}?sort=-7d").content.decode()
        assert page.index(quiet.full_name) < page.index(busy.full_name)
        assert 'aria-sort="ascending"' in page
        sentence = "Frequent caller: 3 or more calls within any 24 hours"
        assert page.count(sentence) == 1 + 2  # the legend once; the printed sections per caller
        assert terms(page)["F1"] == sentence

    def test_unsorted_the_agenda_opens_with_what_matters_most_not_by_name(
        self, manager_client, manager_user
    ):
        """The most rules met first, then the most calls in 24 hours; never alphabetical."""
        aaron = CallerFactory(full_name="Aaron Able")  # first by name, fewest calls
        for hours in (30, 60, 90):
            CallFactory(caller=aaron, received_at=timezone.now() - timedelta(hours=hours))
        zoe = frequent_caller(8)
        zoe.full_name = "Zoe Zed"
        zoe.save()
        mid = frequent_caller(4)
        mid.full_name = "Mary Middle"
        mid.save()
        matches_refresh(caller_ids=[aaron.pk])
        meeting = meeting_open(kind="smt", day=timezone.localdate(), by=manager_user)
        items = {i.caller_id: i for i in meeting.items.all()}
        assert len(items[zoe.pk].reasons) >= len(items[aaron.pk].reasons)
        page = manager_client.get(meeting.get_absolute_url()).content.decode()
        assert page.index("Zoe Zed") < page.index("Mary Middle") < page.index("Aaron Able")

    def test_a_second_decision_for_one_caller_is_refused_and_said(
        self, manager_client, manager_user
    ):
        caller = frequent_caller()
        meeting = meeting_open(kind="smt", day=timezone.localdate(), by=manager_user)
        item = meeting.items.get(caller=caller)
        meeting_decide(item=item, by=manager_user, decision="no_action")
        prefix = f"item-{item.pk}-"
        response = manager_client.post(
            reverse("callers:meeting_decide", args=[item.pk]),
            {prefix + "decision": "end", prefix + "note": "Another manager's page"},
        )
        html = response.content.decode()
        assert response.status_code == 400
        assert "already recorded “No action”" in html
        assert any("No action" in " ".join(row) for row in table_rows(html, "The agenda"))
        item.refresh_from_db()
        assert (item.decision, item.decision_note) == ("no_action", "")

    def test_attendees_apologies_and_minutes_with_two_editors(self, manager_client, manager_user):
        meeting = meeting_open(kind="silver", day=timezone.localdate(), by=manager_user)
        url = reverse("callers:meeting_record", args=[meeting.pk])
        data = {"version": 1, "attendees": "Maya\nOlu", "apologies": "Sam", "minutes": "Agreed."}
        assert manager_client.post(url, data).status_code == 302
        meeting.refresh_from_db()
        assert (meeting.attendees, meeting.apologies) == ("Maya\nOlu", "Sam")
        stale = manager_client.post(url, data | {"minutes": "Overwritten"}, follow=True)
        assert "while you had it open" in stale.content.decode()
        meeting.refresh_from_db()
        assert meeting.minutes == "Agreed." and meeting.history.count() == 2

    def test_an_action_has_an_owner_who_sees_it_and_it_carries_to_the_next_meeting(
        self, manager_client, manager_user, handler_user, handler_client
    ):
        today = timezone.localdate()
        meeting = meeting_open(kind="silver", day=today, by=manager_user)
        url = reverse("callers:meeting_action", args=[meeting.pk])
        refused = manager_client.post(url, {"what": "", "due_on": "01/01/2000"})
        html = refused.content.decode()
        assert "Say what is to be done." in html and "Choose who owns it." in html
        assert "cannot be in the past" in html
        manager_client.post(
            url,
            {
                "what": "Ask adult social care for an update",
                "owner": handler_user.pk,
                "due_on": (today + timedelta(days=7)).strftime("%d/%m/%Y"),
            },
        )
        home = handler_client.get(reverse("home")).content.decode()
        assert "Ask adult social care for an update" in home
        later = meeting_open(kind="silver", day=today + timedelta(days=14), by=manager_user)
        page = manager_client.get(later.get_absolute_url()).content.decode()
        assert "Still open from earlier meetings" in page
        assert "Ask adult social care for an update" in page

    def test_the_next_silver_meeting_is_proposed_a_fortnight_on(self, manager_client, manager_user):
        today = timezone.localdate()
        meeting_open(kind="silver", day=today, by=manager_user)
        page = manager_client.get(reverse("callers:meetings")).content.decode()
        fortnight = today + timedelta(days=14)
        assert f"{fortnight.day} {fortnight:%B %Y}" in page
        manager_client.post(reverse("callers:meeting_cycle"), {"silver_every_days": 21})
        page = manager_client.get(reverse("callers:meetings")).content.decode()
        later = today + timedelta(days=21)
        assert f"{later.day} {later:%B %Y}" in page

    def test_the_day_before_its_agenda_is_built_and_managers_are_reminded(
        self, manager_user, smtp_server, settings
    ):
        settings.EMAIL_PORT = smtp_server.port
        today = timezone.localdate()
        meeting_open(kind="silver", day=today - timedelta(days=13), by=None)
        flag(frequent_caller(), manager_user)
        assert meetings_prepare(today=today - timedelta(days=1)) is None
        opened = meetings_prepare(today=today)
        assert opened.date == today + timedelta(days=1) and opened.items.count() == 1
        assert meetings_prepare(today=today) is None  # once
        run_background_tasks()
        [reminder] = smtp_server.messages
        assert reminder["To"] == manager_user.email
        assert opened.get_absolute_url() in reminder.get_content()

    def test_a_meeting_proposed_for_today_is_opened_when_the_day_before_was_missed(
        self, manager_client, manager_user
    ):
        today = timezone.localdate()
        meeting_open(kind="silver", day=today - timedelta(days=14), by=manager_user)
        page = manager_client.get(reverse("callers:meetings")).content.decode()
        assert f"{today.day} {today:%B %Y}" in page  # proposed for today
        opened = meetings_prepare(today=today)
        assert opened is not None and opened.date == today
        assert meetings_prepare(today=today) is None  # once

    def test_a_candidate_flagged_since_the_agenda_was_built_is_not_shown_unflagged(
        self, manager_client, manager_user
    ):
        caller = frequent_caller()
        meeting = meeting_open(kind="smt", day=timezone.localdate(), by=manager_user)
        made = flag(caller, manager_user)
        page = manager_client.get(meeting.get_absolute_url()).content.decode()
        [row] = table_rows(page, "agenda")
        assert f"Frequent caller since {timezone.localdate():%-d %b %Y}" in row
        assert "Not flagged" not in row and "Decide" not in " ".join(row)
        assert made.get_absolute_url() in page

    def test_the_meeting_pack_runs_fixed_queries(self, manager_client, manager_user):
        counts = []
        for n in (1, 10):
            for _ in range(n):
                frequent_caller()
            meeting = meeting_open(
                kind="smt", day=timezone.localdate() - timedelta(days=n), by=manager_user
            )
            for _ in range(n):
                follow_up_add(
                    by=manager_user,
                    what="An action",
                    owner=manager_user,
                    due_on=timezone.localdate(),
                    meeting=meeting,
                )
            item = meeting.items.first()
            counts.append(
                (
                    queries(manager_client, meeting.get_absolute_url()),
                    queries(manager_client, f"{meeting.get_absolute_url()}?item={item.pk}"),
                    queries(manager_client, reverse("callers:meetings")),
                )
            )
        assert counts[0] == counts[1]

    def test_handlers_may_not_open_meetings(self, handler_client):
        assert handler_client.get(reverse("callers:meetings")).status_code == 403


class TestMeetingPackPdf:
    def test_summary_first_then_each_caller_with_concerns_only_for_managers(
        self, manager_client, compliance_client, manager_user
    ):
        caller = frequent_caller(4)
        made = flag(caller, manager_user, agreed_response="Replies in writing only.")
        Concern.objects.create(caller=caller, raised_by=manager_user, kind="other", noticed="x")
        meeting = meeting_open(kind="silver", day=timezone.localdate(), by=manager_user)
        url = reverse("callers:meeting_pdf", args=[meeting.pk])

        def text(client) -> str:
            return pdf_text(client.get(url).content)

        managers = text(manager_client)
        assert managers.index("Decision") < managers.index(
            f"Agreed response: {made.agreed_response}"
        )
        assert caller.full_name in managers and "Open concerns about vulnerability: 1" in managers
        assert "Open concerns" not in text(compliance_client)


def test_a_long_agenda_is_shown_a_page_at_a_time(manager_client, manager_user, monkeypatch):
    monkeypatch.setattr("callers.views.meetings.AGENDA_PER_PAGE", 2)
    callers = [frequent_caller(calls) for calls in (3, 4, 5)]
    meeting = meeting_open(kind="smt", day=timezone.localdate(), by=manager_user)
    first = manager_client.get(f"{meeting.get_absolute_url()}?sort=7d").content.decode()
    named = escape(callers[0].full_name)  # as the page writes it: O'Connor is O&#x27;Connor
    assert first.count('class="agenda-row') == 2 and named not in first
    assert "3 on the agenda" in first
    last = meeting.items.get(caller=callers[0])
    chosen = manager_client.get(f"{meeting.get_absolute_url()}?sort=7d&page=2&item={last.pk}")
    html = chosen.content.decode()
    assert html.count('class="agenda-row') == 1 and f"Decision for {named}" in html


def test_deciding_opens_the_next_caller_on_its_own_page(manager_client, manager_user, monkeypatch):
    monkeypatch.setattr("callers.views.meetings.AGENDA_PER_PAGE", 2)
    callers = [frequent_caller(calls) for calls in (5, 4, 3)]
    meeting = meeting_open(kind="smt", day=timezone.localdate(), by=manager_user)
    second = meeting.items.get(caller=callers[1])
    third = meeting.items.get(caller=callers[2])
    prefix = f"item-{second.pk}-"
    response = manager_client.post(
        reverse("callers:meeting_decide", args=[second.pk]),
        {prefix + "decision": "no_action", "sort": "7d", "page": "1"},
    )
    assert response.url == f"{meeting.get_absolute_url()}?sort=7d&page=2&item={third.pk}#decide"
    page = manager_client.get(response.url).content.decode()
    assert f"Decision for {callers[2].full_name}" in page


def test_open_concerns_counted_in_the_meeting_and_its_pack_are_in_the_access_log(
    manager_client, manager_user
):
    """A manager sees "Open concerns: 1" beside a caller on the meeting page and in the pack:
    each showing is recorded, as every opening of sensitive detail is (issue 20, sign-in 6)."""
    caller = frequent_caller()
    Concern.objects.create(caller=caller, raised_by=manager_user, kind="other", noticed="x")
    meeting = meeting_open(kind="smt", day=timezone.localdate(), by=manager_user)
    page = manager_client.get(meeting.get_absolute_url()).content.decode()
    assert "Open concerns about vulnerability: 1" in page
    assert manager_client.get(reverse("callers:meeting_pdf", args=[meeting.pk])).status_code == 200
    seen = set(SensitiveAccess.objects.filter(user=manager_user).values_list("caller_id", "what"))
    assert seen == {
        (caller.pk, f"{meeting}: open concerns"),
        (caller.pk, f"{meeting} pack: open concerns"),
    }
