import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pypdf import PdfReader

from callers.models import Concern, Flag, Meeting, Rule, RuleMatch
from callers.selectors import flags as selectors
from callers.services import flags as services
from callers.services.flags import dashboard_figures_refresh
from dmts.services import follow_up_add
from tests.factories import CallerFactory, CallFactory
from tests.helpers import flag, frequent_caller, queries, run_background_tasks

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
            services.meeting_open(
                kind="smt",
                day=timezone.localdate() - timedelta(weeks=weeks),
                created_by=manager_user,
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
        meeting = services.meeting_open(
            kind="smt", day=timezone.localdate(), created_by=manager_user
        )
        page = manager_client.get(f"{meeting.get_absolute_url()}?sort=7d").content.decode()
        assert page.index(busy.full_name) < page.index(quiet.full_name)
        page = manager_client.get(f"{meeting.get_absolute_url()}?sort=-7d").content.decode()
        assert page.index(quiet.full_name) < page.index(busy.full_name)
        assert 'aria-sort="ascending"' in page
        sentence = "Frequent caller: 3 or more calls within any 24 hours"
        assert page.count(sentence) == 1 + 2  # the legend once; the printed sections per caller
        assert '<dt class="col-sm-1">F1</dt>' in page

    def test_a_second_decision_for_one_caller_is_refused_and_said(
        self, manager_client, manager_user
    ):
        caller = frequent_caller()
        meeting = services.meeting_open(
            kind="smt", day=timezone.localdate(), created_by=manager_user
        )
        item = meeting.items.get(caller=caller)
        services.meeting_decide(item=item, decided_by=manager_user, decision="no_action")
        prefix = f"item-{item.pk}-"
        response = manager_client.post(
            reverse("callers:meeting_decide", args=[item.pk]),
            {prefix + "decision": "end", prefix + "note": "Another manager's page"},
        )
        html = response.content.decode()
        assert response.status_code == 400
        assert "already recorded “No action”" in html and "<strong>No action</strong>" in html
        item.refresh_from_db()
        assert (item.decision, item.decision_note) == ("no_action", "")

    def test_attendees_apologies_and_minutes_with_two_editors(self, manager_client, manager_user):
        meeting = services.meeting_open(
            kind="silver", day=timezone.localdate(), created_by=manager_user
        )
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
        meeting = services.meeting_open(kind="silver", day=today, created_by=manager_user)
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
        later = services.meeting_open(
            kind="silver", day=today + timedelta(days=14), created_by=manager_user
        )
        page = manager_client.get(later.get_absolute_url()).content.decode()
        assert "Still open from earlier meetings" in page
        assert "Ask adult social care for an update" in page

    def test_the_next_silver_meeting_is_proposed_a_fortnight_on(self, manager_client, manager_user):
        today = timezone.localdate()
        services.meeting_open(kind="silver", day=today, created_by=manager_user)
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
        services.meeting_open(kind="silver", day=today - timedelta(days=13), created_by=None)
        flag(frequent_caller(), manager_user)
        assert services.meetings_prepare(today=today - timedelta(days=1)) is None
        opened = services.meetings_prepare(today=today)
        assert opened.date == today + timedelta(days=1) and opened.items.count() == 1
        assert services.meetings_prepare(today=today) is None  # once
        run_background_tasks()
        [reminder] = smtp_server.messages
        assert reminder["To"] == manager_user.email
        assert opened.get_absolute_url() in reminder.get_content()

    def test_the_meeting_pack_runs_fixed_queries(self, manager_client, manager_user):
        counts = []
        for n in (1, 10):
            for _ in range(n):
                frequent_caller()
            meeting = services.meeting_open(
                kind="smt", day=timezone.localdate() - timedelta(days=n), created_by=manager_user
            )
            for _ in range(n):
                follow_up_add(
                    created_by=manager_user,
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


class TestDashboardAndRules:
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
        assert '<p class="display-5 mb-0 flagged-share">50%</p>' in response.content.decode()

    def test_before_and_since_leaves_out_weeks_not_yet_come(self, manager_user):
        now = timezone.now()
        made = flag(CallerFactory(), manager_user)
        Flag.objects.filter(pk=made.pk).update(flagged_at=now - timedelta(days=10))
        made.refresh_from_db()
        for days in (30, 20, 15, 12):  # four in the eight weeks before
            CallFactory(caller=made.caller, received_at=now - timedelta(days=days))
        CallFactory(caller=made.caller, received_at=now - timedelta(days=2))  # one since
        effect = selectors.before_and_after([made], now=now)[made.pk]
        assert effect.before_total == 4 and len(effect.before) == 8
        assert len(effect.since) == 2 and effect.since_total == 1  # 10 days: two weeks begun
        assert effect.change == round(100 * (1 / (10 / 7) - 0.5) / 0.5)
        ended = selectors.before_and_after([made], now=now + timedelta(days=30))[made.pk]
        assert len(ended.since) == 6  # still up to now, as the flag is in force

    def test_dashboard_runs_fixed_queries(self, manager_client, manager_user):
        counts = []
        for n in (1, 8):
            for _ in range(n):
                flag(frequent_caller(), manager_user)
            dashboard_figures_refresh.call()
            counts.append(queries(manager_client, reverse("callers:dashboard")))
        assert counts[0] == counts[1]

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
                "window_hours",
                "call_group",
                "lookback_days",
                "why",
            ):
                data[f"form-{i}-{name}"] = getattr(rule, name)
            data[f"form-{i}-id"] = rule.pk
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


class TestHomeCandidates:
    def test_the_home_page_counts_candidates_up_to_a_limit(
        self, manager_client, manager_user, monkeypatch
    ):
        """Tens of thousands of rule matches are not counted on every visit: past the limit
        the home page says 'or more'; below it, the number, less anyone flagged."""
        callers = [frequent_caller() for _ in range(3)]
        html = manager_client.get(reverse("home")).content.decode()
        assert '<strong class="candidate-count">3</strong> candidates' in html
        flag(callers[0], manager_user)
        html = manager_client.get(reverse("home")).content.decode()
        assert '<strong class="candidate-count">2</strong> candidates' in html
        monkeypatch.setattr("opcc_calls.views.CANDIDATES_COUNTED", 2)
        monkeypatch.setattr("callers.selectors.flags.CANDIDATES_COUNTED", 2)
        html = manager_client.get(reverse("home")).content.decode()
        assert '<strong class="candidate-count">2 or more</strong>' in html


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
                "written_contact_only": "on",
                "reason": "Agreed at the Silver meeting",
            },
        )
        assert response.status_code == 302
        made.refresh_from_db()
        assert made.single_point_of_contact == manager_user and made.written_contact_only
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


class TestCandidatesNarrowed:
    def test_sorted_and_filtered_with_each_rule_sentence_once(self, manager_client):
        quiet, busy = frequent_caller(3), frequent_caller(6)
        url = reverse("callers:candidates")
        page = manager_client.get(url, {"sort": "30d"}).content.decode()
        assert page.index(busy.full_name) < page.index(quiet.full_name)
        sentence = "Frequent caller: 3 or more calls within any 24 hours"
        legend, table = page.split('<table class="table align-middle candidates">')
        assert sentence in legend.split("reason-legend")[1] and sentence not in table
        assert '<td class="small">F1' in page
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


class TestMeetingPackPdf:
    def test_summary_first_then_each_caller_with_concerns_only_for_managers(
        self, manager_client, compliance_client, manager_user
    ):
        caller = frequent_caller(4)
        made = flag(caller, manager_user, agreed_response="Replies in writing only.")
        Concern.objects.create(caller=caller, raised_by=manager_user, kind="other", noticed="x")
        meeting = services.meeting_open(
            kind="silver", day=timezone.localdate(), created_by=manager_user
        )
        url = reverse("callers:meeting_pdf", args=[meeting.pk])

        def text(client) -> str:
            reader = PdfReader(io.BytesIO(client.get(url).content))
            return " ".join(" ".join(p.extract_text() for p in reader.pages).split())

        managers = text(manager_client)
        assert managers.index("Decision") < managers.index(
            f"Agreed response: {made.agreed_response}"
        )
        assert caller.full_name in managers and "Open concerns about vulnerability: 1" in managers
        assert "Open concerns" not in text(compliance_client)


def test_a_long_agenda_is_shown_a_page_at_a_time(manager_client, manager_user, monkeypatch):
    monkeypatch.setattr("callers.views.flags.AGENDA_PER_PAGE", 2)
    callers = [frequent_caller(calls) for calls in (3, 4, 5)]
    meeting = services.meeting_open(kind="smt", day=timezone.localdate(), created_by=manager_user)
    first = manager_client.get(f"{meeting.get_absolute_url()}?sort=7d").content.decode()
    assert first.count('class="agenda-row') == 2 and callers[0].full_name not in first
    assert "3 on the agenda" in first
    last = meeting.items.get(caller=callers[0])
    chosen = manager_client.get(f"{meeting.get_absolute_url()}?sort=7d&page=2&item={last.pk}")
    html = chosen.content.decode()
    assert html.count('class="agenda-row') == 1 and f"Decision for {callers[0].full_name}" in html


def test_deciding_opens_the_next_caller_on_its_own_page(manager_client, manager_user, monkeypatch):
    monkeypatch.setattr("callers.views.flags.AGENDA_PER_PAGE", 2)
    callers = [frequent_caller(calls) for calls in (5, 4, 3)]
    meeting = services.meeting_open(kind="smt", day=timezone.localdate(), created_by=manager_user)
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
