from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from callers.models import Flag, FlagReview, Meeting, MeetingItem, Rule, RuleMatch
from callers.selectors.flags import candidate_ids, candidate_page
from callers.services import flags as services
from opcc_calls.concurrency import StaleEdit
from tests.helpers import flag, frequent_caller, run_background_tasks

pytestmark = pytest.mark.django_db


def test_a_page_of_candidates_is_the_same_as_grouping_them_all(manager_user):
    """Read from the index on when matches fired, a page holds exactly the callers that
    grouping every match would put there, in the same order, whatever their matches."""
    callers = [frequent_caller(calls) for calls in (3, 3, 5, 6, 3, 4, 3)]
    Rule.objects.filter(kind="regular", measure="calls").update(threshold=4)
    services.matches_refresh()
    RuleMatch.objects.filter(caller=callers[1]).update(last_fired_at=timezone.now())
    flag(callers[2], manager_user)
    everyone = list(candidate_ids())
    assert len(everyone) == 6
    pages = [candidate_page(str(n), per_page=4) for n in (1, 2, 3)]
    assert pages[0].items + pages[1].items == everyone and pages[2].items == []
    assert pages[0].has_next and not pages[1].has_next
    assert pages[0].items[0] == callers[1].pk


class TestFlags:
    def test_flagging_records_the_counts_and_takes_them_off_the_candidates(self, manager_user):
        caller = frequent_caller()
        assert caller.pk in candidate_ids()
        made = flag(caller, manager_user)
        assert made.counts_at_flag["calls_24h"] == 3
        assert made.review_date > timezone.localdate() + timedelta(days=170)
        assert made.history.get().history_user == manager_user
        assert caller.pk not in candidate_ids()

    def test_only_those_with_the_permission_may_flag(self, compliance_user, handler_user):
        for user in (compliance_user, handler_user):
            with pytest.raises(PermissionDenied):
                flag(frequent_caller(), user)

    def test_one_flag_in_force_per_caller(self, manager_user):
        caller = frequent_caller()
        flag(caller, manager_user)
        with pytest.raises(ValidationError, match="already flagged"):
            flag(caller, manager_user)
        assert Flag.objects.filter(caller=caller).count() == 1

    def test_an_agreed_response_is_required(self, manager_user):
        with pytest.raises(ValidationError):
            flag(frequent_caller(), manager_user, agreed_response="  ")

    def test_renewing_keeps_the_reasons_and_the_new_date(self, manager_user):
        made = flag(frequent_caller(), manager_user)
        new_date = timezone.localdate() + timedelta(days=90)
        services.flag_renew(
            flag=made,
            reviewed_by=manager_user,
            reason="Still calling daily",
            new_review_date=new_date,
            version=1,
        )
        made.refresh_from_db()
        assert made.review_date == new_date
        review = FlagReview.objects.get(flag=made)
        assert review.reason == "Still calling daily"
        assert made.history.first().history_change_reason == "Renewed: Still calling daily"
        with pytest.raises(StaleEdit):
            services.flag_renew(
                flag=made, reviewed_by=manager_user, reason="x", new_review_date=new_date, version=1
            )

    def test_a_flag_past_its_review_date_is_overdue(self, manager_user):
        made = flag(
            frequent_caller(), manager_user, review_date=timezone.localdate() - timedelta(days=1)
        )
        assert made.is_overdue
        assert list(Flag.objects.overdue()) == [made]

    def test_ending_a_flag_needs_a_reason_and_returns_them_to_the_candidates(self, manager_user):
        caller = frequent_caller()
        made = flag(caller, manager_user)
        with pytest.raises(ValidationError):
            services.flag_end(flag=made, ended_by=manager_user, reason="", version=1)
        services.flag_end(flag=made, ended_by=manager_user, reason="Calls stopped", version=1)
        made.refresh_from_db()
        assert not made.is_active and made.end_reason == "Calls stopped"
        assert caller.pk in candidate_ids()


class TestMeetings:
    def test_an_smt_meeting_lists_the_current_candidates_with_reasons(self, manager_user):
        candidate = frequent_caller()
        flag(frequent_caller(), manager_user)
        meeting = services.meeting_open(
            kind=Meeting.Kind.SMT, day=timezone.localdate(), created_by=manager_user
        )
        [item] = meeting.items.all()
        assert item.caller == candidate
        assert "Frequent caller: 3 or more calls within any 24 hours" in item.reasons

    def test_a_silver_meeting_lists_flags_with_calls_since_the_last_and_those_due(
        self, manager_user
    ):
        today = timezone.localdate()
        due = flag(frequent_caller(), manager_user, review_date=today + timedelta(days=10))
        later = flag(frequent_caller(5), manager_user)
        services.meeting_open(
            kind=Meeting.Kind.SILVER, day=today - timedelta(days=14), created_by=manager_user
        )
        meeting = services.meeting_open(
            kind=Meeting.Kind.SILVER, day=today, created_by=manager_user
        )
        items = {i.flag_id: i for i in meeting.items.all()}
        assert items[due.pk].due_for_review and not items[later.pk].due_for_review
        assert items[later.pk].counts["since_last_silver"] == 5
        assert items[later.pk].counts["since"] == (today - timedelta(days=14)).isoformat()

    def test_each_agenda_item_has_history_naming_who_opened_the_meeting(self, manager_user):
        frequent_caller()
        flag(frequent_caller(), manager_user)
        for kind in (Meeting.Kind.SMT, Meeting.Kind.SILVER):
            meeting = services.meeting_open(
                kind=kind, day=timezone.localdate(), created_by=manager_user
            )
            [item] = meeting.items.all()
            [record] = item.history.all()
            assert (record.history_type, record.history_user) == ("+", manager_user)

    def test_an_item_is_decided_once(self, manager_user):
        caller = frequent_caller()
        meeting = services.meeting_open(
            kind="smt", day=timezone.localdate(), created_by=manager_user
        )
        item = meeting.items.get(caller=caller)
        services.meeting_decide(
            item=item, decided_by=manager_user, decision="no_action", note="Calls stopped"
        )
        with pytest.raises(ValidationError, match="already recorded “No action”"):
            services.meeting_decide(
                item=item,
                decided_by=manager_user,
                decision="flag",
                kind="frequent",
                agreed_response="Written replies only.",
            )
        item.refresh_from_db()
        assert item.decision == "no_action" and not Flag.objects.filter(caller=caller).exists()

    def test_one_meeting_of_a_kind_a_day(self, manager_user):
        services.meeting_open(kind="smt", day=timezone.localdate(), created_by=manager_user)
        with pytest.raises(ValidationError):
            services.meeting_open(kind="smt", day=timezone.localdate(), created_by=manager_user)

    def test_decisions_update_the_flag(self, manager_user):
        caller = frequent_caller()
        meeting = services.meeting_open(
            kind="smt", day=timezone.localdate(), created_by=manager_user
        )
        item = meeting.items.get(caller=caller)
        services.meeting_decide(
            item=item,
            decided_by=manager_user,
            decision="flag",
            kind="frequent",
            agreed_response="Written replies only.",
        )
        made = Flag.objects.active().get(caller=caller)
        assert made.meeting == meeting and made.agreed_response == "Written replies only."
        silver = services.meeting_open(
            kind="silver", day=timezone.localdate(), created_by=manager_user
        )
        item = silver.items.get(caller=caller)
        services.meeting_decide(
            item=item,
            decided_by=manager_user,
            decision="change_response",
            agreed_response="Refer to their single point of contact.",
            note="Handlers asked for clarity",
        )
        made.refresh_from_db()
        assert made.agreed_response == "Refer to their single point of contact."
        next_silver = services.meeting_open(
            kind="silver", day=timezone.localdate() + timedelta(days=14), created_by=manager_user
        )
        item = next_silver.items.get(caller=caller)
        services.meeting_decide(
            item=item, decided_by=manager_user, decision="end", note="No calls for three months"
        )
        assert not Flag.objects.active().filter(caller=caller).exists()
        item.refresh_from_db()
        assert item.decision == MeetingItem.Decision.END and item.decided_by == manager_user


def test_changing_the_rules_works_out_every_callers_matches_again(manager_user):
    caller = frequent_caller(3)
    rule = Rule.objects.get(kind="frequent", measure="calls")
    rule.threshold = 4
    refresh = services.rules_save(rules=[rule], changed_by=manager_user)
    assert RuleMatch.objects.filter(caller=caller, rule=rule).exists()  # queued, not yet run
    run_background_tasks()
    assert not RuleMatch.objects.filter(caller=caller, rule=rule).exists()
    refresh.refresh_from_db()
    assert refresh.finished_at and refresh.requested_by == manager_user
    assert rule.history.first().history_user == manager_user
