"""Opening SMT and Silver meetings and recording their decisions (SOP 5.6)."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from callers.models import (
    Flag,
    Meeting,
    MeetingItem,
)
from callers.services.meetings import meeting_decide, meeting_open
from tests.helpers import flag, frequent_caller, queries

pytestmark = pytest.mark.django_db


class TestMeetings:
    def test_an_smt_meeting_lists_the_current_candidates_with_reasons(self, manager_user):
        candidate = frequent_caller()
        flag(frequent_caller(), manager_user)
        meeting = meeting_open(kind=Meeting.Kind.SMT, day=timezone.localdate(), by=manager_user)
        [item] = meeting.items.all()
        assert item.caller == candidate
        assert "Frequent caller: 3 or more calls within any 24 hours" in item.reasons

    def test_a_silver_meeting_lists_flags_with_calls_since_the_last_and_those_due(
        self, manager_user
    ):
        today = timezone.localdate()
        due = flag(frequent_caller(), manager_user, review_date=today + timedelta(days=10))
        later = flag(frequent_caller(5), manager_user)
        meeting_open(kind=Meeting.Kind.SILVER, day=today - timedelta(days=14), by=manager_user)
        meeting = meeting_open(kind=Meeting.Kind.SILVER, day=today, by=manager_user)
        items = {i.flag_id: i for i in meeting.items.all()}
        assert items[due.pk].due_for_review and not items[later.pk].due_for_review
        assert items[later.pk].counts["since_last_silver"] == 5
        assert items[later.pk].counts["since"] == (today - timedelta(days=14)).isoformat()

    def test_each_agenda_item_has_history_naming_who_opened_the_meeting(self, manager_user):
        frequent_caller()
        flag(frequent_caller(), manager_user)
        for kind in (Meeting.Kind.SMT, Meeting.Kind.SILVER):
            meeting = meeting_open(kind=kind, day=timezone.localdate(), by=manager_user)
            [item] = meeting.items.all()
            [record] = item.history.all()
            assert (record.history_type, record.history_user) == ("+", manager_user)

    def test_an_item_is_decided_once(self, manager_user):
        caller = frequent_caller()
        meeting = meeting_open(kind="smt", day=timezone.localdate(), by=manager_user)
        item = meeting.items.get(caller=caller)
        meeting_decide(item=item, by=manager_user, decision="no_action", note="Calls stopped")
        with pytest.raises(ValidationError, match="already recorded “No action”"):
            meeting_decide(
                item=item,
                by=manager_user,
                decision="flag",
                kind="frequent",
                agreed_response="Written replies only.",
            )
        item.refresh_from_db()
        assert item.decision == "no_action" and not Flag.objects.filter(caller=caller).exists()

    def test_one_meeting_of_a_kind_a_day(self, manager_user):
        meeting_open(kind="smt", day=timezone.localdate(), by=manager_user)
        with pytest.raises(ValidationError):
            meeting_open(kind="smt", day=timezone.localdate(), by=manager_user)

    def test_decisions_update_the_flag(self, manager_user):
        caller = frequent_caller()
        meeting = meeting_open(kind="smt", day=timezone.localdate(), by=manager_user)
        item = meeting.items.get(caller=caller)
        meeting_decide(
            item=item,
            by=manager_user,
            decision="flag",
            kind="frequent",
            agreed_response="Written replies only.",
        )
        made = Flag.objects.active().get(caller=caller)
        assert made.meeting == meeting and made.agreed_response == "Written replies only."
        silver = meeting_open(kind="silver", day=timezone.localdate(), by=manager_user)
        item = silver.items.get(caller=caller)
        meeting_decide(
            item=item,
            by=manager_user,
            decision="change_response",
            agreed_response="Refer to their single point of contact.",
            note="Handlers asked for clarity",
        )
        made.refresh_from_db()
        assert made.agreed_response == "Refer to their single point of contact."
        next_silver = meeting_open(
            kind="silver", day=timezone.localdate() + timedelta(days=14), by=manager_user
        )
        item = next_silver.items.get(caller=caller)
        meeting_decide(item=item, by=manager_user, decision="end", note="No calls for three months")
        assert not Flag.objects.active().filter(caller=caller).exists()
        item.refresh_from_db()
        assert item.decision == MeetingItem.Decision.END and item.decided_by == manager_user


def test_a_meeting_changes_the_arrangements(manager_user, manager_client):
    made = flag(frequent_caller(), manager_user)
    meeting = meeting_open(kind="silver", day=timezone.localdate(), by=manager_user)
    item = meeting.items.get()
    prefix = f"item-{item.pk}"
    refused = manager_client.post(
        reverse("callers:meeting_decide", args=[item.pk]),
        {f"{prefix}-decision": "change_arrangements", f"{prefix}-written_contact_only": "on"},
    )
    assert "Say why the arrangements are changing." in refused.content.decode()
    manager_client.post(
        reverse("callers:meeting_decide", args=[item.pk]),
        {
            f"{prefix}-decision": "change_arrangements",
            f"{prefix}-single_point_of_contact": manager_user.pk,
            f"{prefix}-written_contact_only": "on",
            f"{prefix}-note": "Twenty calls since the last meeting.",
        },
    )
    made.refresh_from_db()
    assert made.written_contact_only and made.single_point_of_contact == manager_user
    assert "Silver meeting" in made.history.first().history_change_reason
    item.refresh_from_db()
    assert item.decision == MeetingItem.Decision.CHANGE_ARRANGEMENTS


def test_the_meeting_pack_reads_the_staff_list_once(manager_user, manager_client):
    counts = []
    for n in (1, 6):
        for _ in range(n):
            flag(frequent_caller(), manager_user)
        day = timezone.localdate() + timedelta(days=n)
        meeting = meeting_open(kind="silver", day=day, by=manager_user)
        counts.append(queries(manager_client, meeting.get_absolute_url()))
    assert counts[0] == counts[1]


def test_an_agenda_is_numbered_in_its_order_as_it_is_built_and_one_built_before_is_too():
    """The page reads an agenda of thousands in order through an index: each item's place
    is given when the meeting opens, and the migration gives agendas built before theirs."""
    quiet, busy = frequent_caller(3), frequent_caller(7)
    meeting = meeting_open(kind="smt", day=timezone.localdate(), by=None)
    placed = dict(meeting.items.values_list("caller_id", "position"))
    assert placed == {busy.pk: 0, quiet.pk: 1}
    meeting.items.update(position=None)  # as built before positions were kept
    migration = importlib.import_module("callers.migrations.0030_meeting_agenda_positions")
    migration.number_agendas(django_apps, None)
    assert dict(meeting.items.values_list("caller_id", "position")) == placed
