from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from callers.models import Flag, FlagReview
from callers.selectors.rules import candidate_ids
from callers.services.flags import flag_end, flag_renew
from opcc_calls.concurrency import StaleEdit
from tests.helpers import flag, frequent_caller

pytestmark = pytest.mark.django_db


class TestFlags:
    def test_flagging_records_the_counts_and_takes_them_off_the_candidates(self, manager_user):
        caller = frequent_caller()
        assert caller.pk in candidate_ids()
        made = flag(caller, manager_user)
        assert made.counts_at_flag["calls_24h"] == 3
        assert made.review_date > timezone.localdate() + timedelta(days=170)
        assert made.history.get().history_user == manager_user
        assert caller.pk not in candidate_ids()

    def test_a_flag_agreed_before_counts_the_calls_as_they_stood_then(self, manager_user):
        caller = frequent_caller()  # three calls today
        agreed = timezone.now() - timedelta(days=100)
        made = flag(caller, manager_user, flagged_at=agreed)
        assert made.counts_at_flag["calls_90d"] == 0  # none then: all three came since

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
        flag_renew(
            flag=made,
            by=manager_user,
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
            flag_renew(flag=made, by=manager_user, reason="x", new_review_date=new_date, version=1)

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
            flag_end(flag=made, by=manager_user, reason="", version=1)
        flag_end(flag=made, by=manager_user, reason="Calls stopped", version=1)
        made.refresh_from_db()
        assert not made.is_active and made.end_reason == "Calls stopped"
        assert caller.pk in candidate_ids()
