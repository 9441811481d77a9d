"""Follow-ups that belong to someone: found when something has waited too long, given an owner
and a due date, chased by the daily digest, closed when dealt with."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from callers.models import Call, ContactRequest, FollowUp
from callers.services.contact_requests import contact_request_decide
from callers.services.follow_ups import FOUND, follow_up_add, follow_up_digest_send, follow_up_done
from callers.services.meetings import meeting_open
from dmts.models import DmtsEntry
from dmts.services.complaints import complaint_reference_record
from dmts.services.entries import entry_review
from dmts.services.follow_ups import follow_ups_gather
from opcc_calls.working_days import working_days_after, working_days_before
from tests.factories import CallerFactory, StaffContactFactory
from tests.helpers import link_texts, log_call, queries, run_background_tasks

pytestmark = pytest.mark.django_db

#: A fixed clock: Monday 2 November 2026, 10:00.
MONDAY = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def at(days: int) -> datetime:
    return MONDAY + timedelta(days=days)


def request_on(handler, when: datetime) -> ContactRequest:
    call = log_call(
        handler,
        caller=CallerFactory(full_name="Private Person"),
        call_type=Call.Type.NAMED_PERSON,
        about="Wants the chief executive.",
        received_at=when,
        requested=StaffContactFactory(),
        request_reason="A letter.",
    )
    return call.contact_request


def test_working_days_skip_the_weekend():
    friday = MONDAY.date() + timedelta(days=4)
    assert working_days_after(friday, 1) == MONDAY.date() + timedelta(days=7)
    assert working_days_before(MONDAY.date() + timedelta(days=7), 2) == friday - timedelta(days=1)


def test_a_request_left_undecided_appears_after_two_working_days(handler_user):
    asked = request_on(handler_user, at(0))  # Monday
    assert follow_ups_gather(now=at(1)) == 0  # Tuesday: one working day
    assert follow_ups_gather(now=at(2)) == 1  # Wednesday: two
    follow_up = FollowUp.objects.get()
    assert (follow_up.kind, follow_up.contact_request, follow_up.owner) == (
        "request",
        asked,
        None,
    )
    assert follow_up.due_on == at(2).date()
    assert "Private Person" not in follow_up.what
    assert follow_ups_gather(now=at(3)) == 0  # found once
    # Found is a write like any other: in the follow-up's history, with why.
    [found] = follow_up.history.all()
    assert (found.history_type, found.history_change_reason) == ("+", FOUND)


def test_the_weekend_is_not_counted(handler_user):
    request_on(handler_user, at(4))  # Friday
    assert follow_ups_gather(now=at(7)) == 0  # Monday: one working day
    assert follow_ups_gather(now=at(8)) == 1  # Tuesday


def test_a_request_decided_closes_its_follow_up(handler_user):
    asked = request_on(handler_user, at(0))
    follow_ups_gather(now=at(2))
    contact_request_decide(contact_request=asked, decision="will_call_back", note="Done")
    follow_ups_gather(now=at(3))
    follow_up = FollowUp.objects.get()
    assert follow_up.status == "done" and follow_up.done_note == "Dealt with where it arose."
    assert follow_up.history.first().history_change_reason == "Dealt with where it arose"


def test_entries_needing_follow_up_and_complaints_with_no_reference(handler_user, compliance_user):
    entry = log_call(handler_user).dmts_entry
    entry_review(entry=entry, by=compliance_user, status="follow_up", notes="Ring back", version=1)
    complaint = log_call(
        handler_user, call_type=Call.Type.COMPLAINT, complaint_status="referred"
    ).dmts_entry
    DmtsEntry.objects.filter(pk=complaint.pk).update(complaint_sent_at=at(0))
    follow_ups_gather(now=at(4))  # Friday: four working days since Monday
    found = FollowUp.objects.get()
    assert (found.kind, found.owner) == ("entry", compliance_user)
    follow_ups_gather(now=at(7))  # Monday: five
    complaint_follow_up = FollowUp.objects.get(kind="complaint")
    assert complaint_follow_up.call_id == complaint.pk
    complaint.refresh_from_db()
    complaint_reference_record(
        entry=complaint, reference="CX-1", by=compliance_user, version=complaint.version
    )
    follow_ups_gather(now=at(8))
    complaint_follow_up.refresh_from_db()
    assert complaint_follow_up.status == "done"


def test_the_digest_lists_it_for_managers_without_the_callers_name(
    handler_user, manager_user, smtp_server, settings
):
    settings.EMAIL_PORT = smtp_server.port
    request_on(handler_user, at(0))
    follow_ups_gather(now=at(2))  # the daily command gathers, then sends the digest
    assert follow_up_digest_send(now=at(2)) >= 1
    run_background_tasks()
    to_manager = next(m for m in smtp_server.messages if m["To"] == manager_user.email)
    text = to_manager.get_content()
    follow_up = FollowUp.objects.get()
    assert f"#{follow_up.pk}" in text and "nobody yet" in text
    assert "Private Person" not in text


def test_assigned_reassigned_and_done_by_its_owner(
    manager_client, manager_user, handler_user, handler_client, compliance_user
):
    request_on(handler_user, at(0))
    follow_ups_gather(now=at(2))
    follow_up = FollowUp.objects.get()
    assign = reverse("callers:follow_up_assign", args=[follow_up.pk])
    due = (timezone.localdate() + timedelta(days=3)).strftime("%d/%m/%Y")
    manager_client.post(assign, {"version": 1, "owner": compliance_user.pk, "due_on": due})
    manager_client.post(assign, {"version": 2, "owner": handler_user.pk, "due_on": due})
    follow_up.refresh_from_db()
    assert follow_up.owner == handler_user
    reasons = list(follow_up.history.values_list("history_change_reason", flat=True))
    assert f"Reassigned from {compliance_user} to {handler_user}" in reasons
    assert escape(follow_up.what) in handler_client.get(reverse("home")).content.decode()
    refused = handler_client.post(
        reverse("callers:follow_up_done", args=[follow_up.pk]), {"version": 3}
    )
    assert "Say what was done." in refused.content.decode()
    handler_client.post(
        reverse("callers:follow_up_done", args=[follow_up.pk]),
        {"version": 3, "note": "Rang the chief executive's office."},
    )
    follow_up.refresh_from_db()
    assert follow_up.status == "done"


def test_only_its_owner_or_a_keeper_of_the_queue_opens_or_closes_it(
    handler_user, handler_client, manager_user
):
    action = follow_up_add(
        by=manager_user, what="Write to them", owner=manager_user, due_on=at(0).date()
    )
    assert handler_client.get(action.get_absolute_url()).status_code == 403
    with pytest.raises(PermissionDenied):
        follow_up_done(follow_up=action, by=handler_user, note="x", version=1)


def test_overdue_and_unassigned_show_on_managers_home(handler_user, manager_client):
    request_on(handler_user, at(0))
    follow_ups_gather(now=at(2))
    FollowUp.objects.update(due_on=timezone.localdate() - timedelta(days=1))
    home = manager_client.get(reverse("home")).content.decode()
    assert "1 follow-up overdue" in link_texts(home)


def test_the_queue_runs_a_fixed_number_of_queries(handler_user, manager_client):
    counts = []
    for n in (1, 8):
        for _ in range(n):
            request_on(handler_user, at(0))
        follow_ups_gather(now=at(2))
        follow_up = FollowUp.objects.first()
        counts.append(
            (
                queries(manager_client, reverse("callers:follow_ups")),
                queries(manager_client, follow_up.get_absolute_url()),
                queries(manager_client, reverse("home")),
            )
        )
    assert counts[0] == counts[1]


def test_every_link_in_a_handlers_digest_opens_for_them_and_says_what_each_is(
    handler_user, handler_client, manager_user, smtp_server, settings
):
    """A handler's digest linked to the Follow-ups queue (403 for them) and listed "#1 due 6
    Dec 2026 Action from a meeting" without saying what (issue 20, links)."""
    settings.EMAIL_PORT = smtp_server.port
    meeting = meeting_open(kind="silver", day=timezone.localdate(), by=manager_user)
    action = follow_up_add(
        by=manager_user,
        what="Ring Private Person back",  # typed by a manager: it may name the caller
        owner=handler_user,
        due_on=timezone.localdate(),
        meeting=meeting,
    )
    request_on(handler_user, at(0))
    follow_ups_gather(now=at(2))
    follow_up_digest_send()
    run_background_tasks()
    [mine] = [m for m in smtp_server.messages if m["To"] == handler_user.email]
    text = mine.get_content()
    assert f"Action agreed at the {meeting}" in text
    assert "Private Person" not in text
    links = re.findall(r"https?://\S+", text)
    assert settings.SITE_URL + action.get_absolute_url() in links
    for link in links:
        response = handler_client.get(link.removeprefix(settings.SITE_URL))
        assert response.status_code == 200, link
