"""The dashboard: the effect of the arrangements."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from callers.models import Flag
from callers.selectors.flags import before_and_after
from callers.services.reports import dashboard_figures_refresh
from tests.factories import CallerFactory, CallFactory
from tests.helpers import flag, frequent_caller, queries, run_background_tasks, under_heading

pytestmark = pytest.mark.django_db


class TestDashboard:
    def test_dashboard_shows_the_share_from_flagged_callers(self, manager_client, manager_user):
        """Calls from callers flagged when they called: not the calls that led to the flag."""
        made = flag(frequent_caller(2), manager_user)
        for minutes in (1, 2, 3):
            CallFactory(caller=made.caller, received_at=timezone.now() - timedelta(minutes=minutes))
        Flag.objects.filter(pk=made.pk).update(flagged_at=timezone.now() - timedelta(minutes=10))
        frequent_caller(1)
        first = manager_client.get(reverse("callers:dashboard")).content.decode()
        assert "being worked out in the background" in first
        manager_client.get(reverse("callers:dashboard"))  # a second look queues nothing more
        assert run_background_tasks() == 1
        response = manager_client.get(reverse("callers:dashboard"))
        assert (response.context["flagged"], response.context["total"]) == (3, 6)
        share = under_heading(response.content.decode(), "Calls from flagged callers")
        assert "Calls from flagged callers 50% of the last 90 days' calls (3 of 6)" in share

    def test_before_and_since_leaves_out_weeks_not_yet_come(self, manager_user):
        now = timezone.now()
        made = flag(CallerFactory(), manager_user)
        Flag.objects.filter(pk=made.pk).update(flagged_at=now - timedelta(days=10))
        made.refresh_from_db()
        for days in (30, 20, 15, 12):  # four in the eight weeks before
            CallFactory(caller=made.caller, received_at=now - timedelta(days=days))
        CallFactory(caller=made.caller, received_at=now - timedelta(days=2))  # one since
        effect = before_and_after([made], now=now)[made.pk]
        assert effect.before_total == 4 and len(effect.before) == 8
        assert len(effect.since) == 2 and effect.since_total == 1  # 10 days: two weeks begun
        assert effect.change == round(100 * (1 / (10 / 7) - 0.5) / 0.5)
        ended = before_and_after([made], now=now + timedelta(days=30))[made.pk]
        assert len(ended.since) == 6  # still up to now, as the flag is in force

    def test_dashboard_runs_fixed_queries(self, manager_client, manager_user):
        counts = []
        for n in (1, 8):
            for _ in range(n):
                flag(frequent_caller(), manager_user)
            dashboard_figures_refresh.call()
            counts.append(queries(manager_client, reverse("callers:dashboard")))
        assert counts[0] == counts[1]
