"""The candidates pages and the rules page, as the roles that use them."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from callers.forms.rules import RuleForm
from callers.models import Flag, Meeting, Rule, RuleMatch
from callers.services.meetings import meeting_open
from tests.helpers import (
    flag,
    frequent_caller,
    link_texts,
    queries,
    run_background_tasks,
    table_rows,
)

pytestmark = pytest.mark.django_db


class TestCandidates:
    def test_lists_the_rule_the_counts_and_a_sparkline(self, manager_client, manager_user):
        candidate = frequent_caller()
        flagged = frequent_caller()
        flag(flagged, manager_user)
        html = manager_client.get(reverse("callers:candidates")).content.decode()
        assert escape(candidate.full_name) in html and escape(flagged.full_name) not in html
        assert "Frequent caller: 3 or more calls within any 24 hours" in html
        assert 'class="sparkline"' in html
        # The sparkline has no axes: its figures are written beside it.
        assert re.search(r"3 in 90 days, up to [23] a day", html)

    def test_fixed_queries_however_many_candidates(self, manager_client):
        counts = []
        for n in (1, 15):
            for _ in range(n):
                frequent_caller()
            counts.append(queries(manager_client, reverse("callers:candidates")))
        assert counts[0] == counts[1]

    def test_a_manager_flags_a_candidate_with_an_agreed_response(self, manager_client):
        caller = frequent_caller()
        url = reverse("callers:flag_new", args=[caller.pk])
        form = manager_client.get(url).content.decode()
        assert "Frequent caller: 3 or more calls within any 24 hours" in form
        data = {
            "kind": "frequent",
            "reason": "3 calls in a day",
            "agreed_response": "",
            "review_date": (timezone.localdate() + timedelta(days=180)).isoformat(),
        }
        html = manager_client.post(url, data).content.decode()
        assert 'id="error_1_id_agreed_response"' in html
        response = manager_client.post(url, data | {"agreed_response": "Written replies."})
        made = Flag.objects.get(caller=caller)
        assert response.url == made.get_absolute_url()

    def test_a_flag_can_name_the_smt_meeting_that_agreed_it(self, manager_client, manager_user):
        caller = frequent_caller()
        for weeks in range(25):  # more SMT meetings than the list once showed
            meeting_open(
                kind="smt",
                day=timezone.localdate() - timedelta(weeks=weeks),
                by=manager_user,
            )
        agreed_at = Meeting.objects.get(date=timezone.localdate())
        response = manager_client.post(
            reverse("callers:flag_new", args=[caller.pk]),
            {
                "kind": "frequent",
                "reason": "3 calls in a day",
                "agreed_response": "Written replies.",
                "meeting": agreed_at.pk,
                "review_date": (timezone.localdate() + timedelta(days=180)).isoformat(),
            },
        )
        assert response.status_code == 302
        assert Flag.objects.get(caller=caller).meeting == agreed_at

    def test_the_compliance_officer_sees_candidates_but_may_not_flag(self, compliance_client):
        caller = frequent_caller()
        assert compliance_client.get(reverse("callers:candidates")).status_code == 200
        url = reverse("callers:flag_new", args=[caller.pk])
        assert compliance_client.get(url).status_code == 403


class TestHomeCandidates:
    def test_the_home_page_counts_candidates_up_to_a_limit(
        self, manager_client, manager_user, monkeypatch
    ):
        """Tens of thousands of rule matches are not counted on every visit: past the limit
        the home page says 'or more'; below it, the number, less anyone flagged."""
        callers = [frequent_caller() for _ in range(3)]
        html = manager_client.get(reverse("home")).content.decode()
        assert "3 candidates" in link_texts(html)
        flag(callers[0], manager_user)
        html = manager_client.get(reverse("home")).content.decode()
        assert "2 candidates" in link_texts(html)
        monkeypatch.setattr("opcc_calls.home.CANDIDATES_COUNTED", 2)
        monkeypatch.setattr("callers.selectors.rules.CANDIDATES_COUNTED", 2)
        html = manager_client.get(reverse("home")).content.decode()
        assert "2 or more candidates" in link_texts(html)


class TestCandidatesNarrowed:
    def test_sorted_and_filtered_with_each_rule_sentence_once(self, manager_client):
        quiet, busy = frequent_caller(3), frequent_caller(6)
        url = reverse("callers:candidates")
        page = manager_client.get(url, {"sort": "30d"}).content.decode()
        assert page.index(busy.full_name) < page.index(quiet.full_name)
        sentence = "Frequent caller: 3 or more calls within any 24 hours"
        legend, table = page.split('<table class="table align-middle candidates">')
        assert sentence in legend.split("reason-legend")[1] and sentence not in table
        assert all("F1" in row[1].split(", ") for row in table_rows(page, "Candidates"))
        narrowed = manager_client.get(url, {"calls_30d": 5}).content.decode()
        assert busy.full_name in narrowed and quiet.full_name not in narrowed
        regular = manager_client.get(url, {"kind": "regular"}).content.decode()
        assert busy.full_name in regular and quiet.full_name not in regular
        bad = manager_client.get(url, {"calls_30d": "-3"})
        assert bad.status_code == 200
        assert "Ensure this value is greater than or equal to 0." in bad.content.decode()

    def test_narrowed_runs_fixed_queries(self, manager_client):
        counts = []
        for n in (1, 8):
            for _ in range(n):
                frequent_caller(4)
            counts.append(queries(manager_client, reverse("callers:candidates") + "?sort=7d"))
        assert counts[0] == counts[1]


class TestRules:
    def test_a_manager_changes_a_rule_and_candidates_follow(self, manager_client):
        caller = frequent_caller(3)
        rules = list(Rule.objects.order_by("kind", "window_hours", "threshold"))
        data = {
            "form-TOTAL_FORMS": len(rules) + 1,
            "form-INITIAL_FORMS": len(rules),
            "form-MIN_NUM_FORMS": 0,
            "form-MAX_NUM_FORMS": 1000,
        }
        for i, rule in enumerate(rules):
            for name in (
                "kind",
                "measure",
                "threshold",
                "call_group",
                "lookback_days",
                "why",
            ):
                data[f"form-{i}-{name}"] = getattr(rule, name)
            data[f"form-{i}-id"] = rule.pk
            in_days = rule.window_hours % 24 == 0
            data[f"form-{i}-period"] = rule.window_hours // 24 if in_days else rule.window_hours
            data[f"form-{i}-period_unit"] = "days" if in_days else "hours"
            if rule.is_active:
                data[f"form-{i}-is_active"] = "on"
            if rule.measure == "calls" and rule.window_hours == 24:
                data[f"form-{i}-threshold"] = 4
        # The blank "Add a rule" form, left as the browser shows it.
        extra = f"form-{len(rules)}-"
        data |= {
            extra + "lookback_days": 90,
            extra + "is_active": "on",
            extra + "call_group": "public",
            extra + "period_unit": "days",
        }
        response = manager_client.post(reverse("callers:rules"), data)
        assert response.status_code == 302, response.context["formset"].errors
        assert (
            "Working out candidates again is queued"
            in manager_client.get(reverse("callers:rules")).content.decode()
        )
        run_background_tasks()
        assert (
            "Candidates last worked out again"
            in manager_client.get(reverse("callers:rules")).content.decode()
        )
        day_rule = Rule.objects.get(measure="calls", window_hours=24)
        assert day_rule.threshold == 4
        assert not RuleMatch.objects.filter(caller=caller, rule=day_rule).exists()
        assert RuleMatch.objects.filter(caller=caller, rule__measure="staff").exists()

    def test_the_compliance_officer_reads_the_rules_but_may_not_change_them(
        self, compliance_client
    ):
        html = compliance_client.get(reverse("callers:rules")).content.decode()
        assert "Frequent caller: 3 or more calls within any 24 hours" in html
        assert compliance_client.post(reverse("callers:rules"), {}).status_code == 403


class TestRulePeriods:
    """A rule's period reads in days where it is days: "7 days", not "168 hours"."""

    def test_the_form_gives_days_where_the_period_is_whole_days(self):
        week = RuleForm(instance=Rule(window_hours=168))
        odd = RuleForm(instance=Rule(window_hours=36))
        assert (week.initial["period"], week.initial["period_unit"]) == (7, "days")
        assert (odd.initial["period"], odd.initial["period_unit"]) == (36, "hours")
        assert list(week.fields)[:5] == ["kind", "measure", "threshold", "period", "period_unit"]

    @pytest.mark.parametrize(
        ("period", "unit", "hours"), [("2", "days", 48), ("36", "hours", 36), ("366", "days", 8784)]
    )
    def test_a_period_in_days_or_hours_is_kept_in_hours(self, period, unit, hours):
        form = RuleForm(data=self._rule(period=period, period_unit=unit), instance=Rule())
        assert form.is_valid(), form.errors
        assert form.save(commit=False).window_hours == hours

    @pytest.mark.parametrize(
        ("period", "unit", "message"),
        [
            ("", "days", "Give the period the calls fall within."),
            ("0", "days", "greater than or equal to 1"),
            ("367", "days", "at most a year back"),
            ("seven", "days", "Enter a whole number."),
            ("7", "weeks", "Select a valid choice."),
        ],
    )
    def test_a_period_that_cannot_be_is_explained(self, period, unit, message):
        form = RuleForm(data=self._rule(period=period, period_unit=unit), instance=Rule())
        assert not form.is_valid()
        field = "period_unit" if unit == "weeks" else "period"
        assert any(message in error for error in form.errors[field])

    @staticmethod
    def _rule(**period) -> dict:
        return {
            "kind": "frequent",
            "measure": "calls",
            "threshold": 3,
            "call_group": "public",
            "lookback_days": 90,
            "is_active": "on",
            **period,
        }
