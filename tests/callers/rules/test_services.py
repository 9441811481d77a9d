"""The rules' matches and the candidates they make, as the services keep them."""

import pytest
from django.utils import timezone

from callers.models import Rule, RuleMatch
from callers.selectors.rules import candidate_ids, candidate_page
from callers.services.rules import matches_refresh, rules_save
from tests.helpers import flag, frequent_caller, run_background_tasks

pytestmark = pytest.mark.django_db


def test_a_page_of_candidates_is_the_same_as_grouping_them_all(manager_user):
    """Read from the index on when matches fired, a page holds exactly the callers that
    grouping every match would put there, in the same order, whatever their matches."""
    callers = [frequent_caller(calls) for calls in (3, 3, 5, 6, 3, 4, 3)]
    Rule.objects.filter(kind="regular", measure="calls").update(threshold=4)
    matches_refresh()
    RuleMatch.objects.filter(caller=callers[1]).update(last_fired_at=timezone.now())
    flag(callers[2], manager_user)
    everyone = list(candidate_ids())
    assert len(everyone) == 6
    pages = [candidate_page(str(n), per_page=4) for n in (1, 2, 3)]
    assert pages[0].items + pages[1].items == everyone and pages[2].items == []
    assert pages[0].has_next and not pages[1].has_next
    assert pages[0].items[0] == callers[1].pk


def test_changing_the_rules_works_out_every_callers_matches_again(manager_user):
    caller = frequent_caller(3)
    rule = Rule.objects.get(kind="frequent", measure="calls")
    rule.threshold = 4
    refresh = rules_save(rules=[rule], by=manager_user)
    assert RuleMatch.objects.filter(caller=caller, rule=rule).exists()  # queued, not yet run
    run_background_tasks()
    assert not RuleMatch.objects.filter(caller=caller, rule=rule).exists()
    refresh.refresh_from_db()
    assert refresh.finished_at and refresh.requested_by == manager_user
    assert rule.history.first().history_user == manager_user
