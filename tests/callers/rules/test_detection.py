"""Each rule fires exactly at its threshold and not one call before, on PostgreSQL and SQLite,
across midnight and the clock change (policy 5.2; issue 5)."""

import random
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from callers.models import Call, Rule, RuleMatch
from callers.models.rules import reason_said
from callers.selectors.rules import current_matches
from callers.services.calls import call_log
from callers.services.rules import matches_refresh
from dmts.services.entries import entry_void
from tests.factories import CallerFactory, CallFactory, UserFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def rule(kind="frequent", measure="calls", threshold=3, hours=24, group="public") -> Rule:
    return Rule.objects.get(
        kind=kind, measure=measure, threshold=threshold, window_hours=hours, call_group=group
    )


def fired(caller, the_rule, now) -> bool:
    matches_refresh(caller_ids=[caller.pk], now=now)
    return RuleMatch.objects.filter(caller=caller, rule=the_rule).exists()


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def test_the_defaults_are_installed():
    reasons = {r.reason for r in Rule.objects.filter(is_active=True)}
    assert reasons == {
        "Frequent caller: 3 or more calls within any 24 hours",
        "Frequent caller: 3 or more different staff reached within any 7 days",
        "Regular caller: 5 or more calls within any 30 days",
        "Regular caller: 12 or more calls within any 90 days",
    }
    # Stored with a meeting's agenda and matched against the rules: the same in any language,
    # and said in the reader's (a reason a manager wrote stays as written).
    with translation.override("cy"):
        assert {r.reason for r in Rule.objects.filter(is_active=True)} == reasons
        said = {reason_said(reason) for reason in reasons}
        assert "Galwr mynych: 3 neu fwy o alwadau o fewn unrhyw 24 awr" in said
        assert "Galwr rheolaidd: 12 neu fwy o alwadau o fewn unrhyw 90 diwrnod" in said
        assert reason_said("Asked at the meeting") == "Asked at the meeting"
    assert {reason_said(reason) for reason in reasons} == reasons


class TestThreeCallsWithin24Hours:
    def test_fires_on_the_third_call_and_not_the_second(self):
        caller, now = CallerFactory(), at(2026, 6, 10, 17, 0)
        for hour in (9, 12):
            CallFactory(caller=caller, received_at=at(2026, 6, 10, hour, 0))
        assert not fired(caller, rule(), now)
        CallFactory(caller=caller, received_at=at(2026, 6, 10, 16, 0))
        assert fired(caller, rule(), now)

    def test_across_midnight(self):
        caller, now = CallerFactory(), at(2026, 6, 11, 9, 0)
        for moment in (at(2026, 6, 10, 23, 0), at(2026, 6, 10, 23, 30)):
            CallFactory(caller=caller, received_at=moment)
        assert not fired(caller, rule(), now)
        CallFactory(caller=caller, received_at=at(2026, 6, 11, 0, 15))
        assert fired(caller, rule(), now)

    def test_three_calls_exactly_24_hours_apart_end_to_end_do_not_fire(self):
        caller, now = CallerFactory(), at(2026, 6, 12, 9, 0)
        for moment in (at(2026, 6, 10, 9, 0), at(2026, 6, 10, 20, 0), at(2026, 6, 11, 9, 0)):
            CallFactory(caller=caller, received_at=moment)
        assert not fired(caller, rule(), now)

    def test_across_the_clock_change_time_is_elapsed_time(self):
        """Clocks go back at 02:00 BST on 25 October 2026. 01:30 BST on the 24th to 01:10 GMT
        on the 25th looks like less than a day on the clock but is 24 h 40 min."""
        caller, now = CallerFactory(), at(2026, 10, 26, 9, 0)
        CallFactory(caller=caller, received_at=at(2026, 10, 24, 1, 30))
        CallFactory(caller=caller, received_at=at(2026, 10, 24, 18, 0))
        CallFactory(caller=caller, received_at=datetime(2026, 10, 25, 1, 10, tzinfo=LONDON, fold=1))
        assert not fired(caller, rule(), now)
        # A fourth call 23 h 50 min after the second, across the change, does fire.
        CallFactory(caller=caller, received_at=at(2026, 10, 25, 16, 50))
        assert fired(caller, rule(), now)

    def test_sales_calls_are_counted_separately(self):
        caller, now = CallerFactory(), at(2026, 6, 10, 17, 0)
        for hour in (9, 12, 15):
            CallFactory(
                caller=caller,
                call_type=Call.Type.SALES,
                organisation="Acme",
                selling="Toner",
                received_at=at(2026, 6, 10, hour, 0),
            )
        assert not fired(caller, rule(), now)
        sales_rule = Rule.objects.create(
            kind="frequent", measure="calls", threshold=3, window_hours=24, call_group="sales"
        )
        assert fired(caller, sales_rule, now)

    def test_voided_calls_do_not_count(self, compliance_user):
        handler, caller = UserFactory(), CallerFactory()
        calls = [
            call_log(
                by=handler,
                submission_token=uuid.uuid4(),
                caller=caller,
                call_type="enquiry",
                about="x",
                received_at=timezone.now() - timedelta(hours=h),
            ).call
            for h in (3, 2, 1)
        ]
        assert RuleMatch.objects.filter(caller=caller, rule=rule()).exists()
        entry_void(entry=calls[0].dmts_entry, by=compliance_user, reason="Test", version=1)
        assert not RuleMatch.objects.filter(caller=caller, rule=rule()).exists()


class TestThreeStaffWithin7Days:
    def test_fires_when_the_third_different_member_of_staff_is_reached(self):
        caller, now = CallerFactory(), at(2026, 6, 20, 12, 0)
        alice, bob, carol = UserFactory(), UserFactory(), UserFactory()
        for day, handler in ((10, alice), (12, alice), (14, bob)):
            CallFactory(caller=caller, handler=handler, received_at=at(2026, 6, day, 10, 0))
        assert not fired(caller, rule(measure="staff", hours=168), now)
        CallFactory(caller=caller, handler=carol, received_at=at(2026, 6, 16, 9, 0))
        assert fired(caller, rule(measure="staff", hours=168), now)

    def test_staff_seven_days_apart_are_not_within_seven_days(self):
        caller, now = CallerFactory(), at(2026, 6, 20, 12, 0)
        for day, handler in ((10, UserFactory()), (13, UserFactory()), (17, UserFactory())):
            CallFactory(caller=caller, handler=handler, received_at=at(2026, 6, day, 10, 0))
        assert not fired(caller, rule(measure="staff", hours=168), now)


class TestRegularCallers:
    def test_five_calls_within_30_days(self):
        caller, now = CallerFactory(), at(2026, 7, 30, 12, 0)
        for week in range(4):
            CallFactory(caller=caller, received_at=at(2026, 7, 1, 10) + timedelta(weeks=week))
        assert not fired(caller, rule("regular", threshold=5, hours=720), now)
        CallFactory(caller=caller, received_at=at(2026, 7, 29, 10))
        assert fired(caller, rule("regular", threshold=5, hours=720), now)

    def test_twelve_calls_within_90_days(self):
        caller, now = CallerFactory(), at(2026, 9, 30, 12, 0)
        for fortnight in range(11):
            CallFactory(
                caller=caller, received_at=at(2026, 5, 1, 10) + timedelta(days=8 * fortnight)
            )
        assert not fired(caller, rule("regular", threshold=12, hours=2160), now)
        CallFactory(caller=caller, received_at=at(2026, 5, 1, 10) + timedelta(days=88))
        assert fired(caller, rule("regular", threshold=12, hours=2160), now)


def test_logging_calls_keeps_matches_current_without_a_rescan():
    handler, caller = UserFactory(), CallerFactory()
    for _ in range(3):
        call_log(
            by=handler,
            submission_token=uuid.uuid4(),
            caller=caller,
            call_type="enquiry",
            about="Again",
            received_at=timezone.now(),
        )
    assert current_matches().filter(caller=caller, rule=rule()).exists()


def test_a_match_lapses_after_its_look_back():
    caller = CallerFactory()
    for hour in (9, 10, 11):
        CallFactory(caller=caller, received_at=at(2026, 1, 5, hour))
    matches_refresh(now=at(2026, 1, 6, 9))
    assert current_matches(now=at(2026, 1, 6, 9)).filter(caller=caller).exists()
    assert not current_matches(now=at(2026, 4, 10, 9)).filter(caller=caller).exists()


def test_counting_each_new_call_finds_what_a_full_refresh_would():
    """Logging a call counts it against every rule in one query; whatever the calls (types,
    staff, gaps, a call logged late), the matches are those a full refresh finds."""
    rng = random.Random(2015)
    staff = [UserFactory() for _ in range(4)]
    caller = CallerFactory()
    moment = timezone.now() - timedelta(days=80)
    for n in range(70):
        moment = min(moment + timedelta(hours=rng.choice([0.5, 1, 3, 20, 40, 150])), timezone.now())
        late = n % 17 == 16  # now and then a call logged after a later one
        call_log(
            by=rng.choice(staff),
            submission_token=uuid.uuid4(),
            caller=caller,
            call_type=rng.choice(["enquiry", "enquiry", "complaint", "sales"]),
            complaint_status="referred",
            organisation="Acme",
            selling="Windows",
            about="Again",
            received_at=moment - timedelta(hours=30) if late else moment,
        )
        counted = set(RuleMatch.objects.filter(caller=caller).values_list("rule", "last_fired_at"))
        matches_refresh(caller_ids=[caller.pk])
        refreshed = set(
            RuleMatch.objects.filter(caller=caller).values_list("rule", "last_fired_at")
        )
        assert counted == refreshed, n


class TestTheProceduresEdgesExactly:
    """Each rule's window holds its N-th call when it comes less than the window's length after
    the first (SOP 5.2 and the ambulance services' criteria): a call on the 30th day of a
    month counts towards the month, one on the 31st does not; the 90th day and the 91st; and a
    day is 24 hours, to the second."""

    @pytest.mark.parametrize(
        ("last", "fires"),
        [
            (at(2026, 6, 30, 10, 0), True),  # the 30th day: 29 days on
            (at(2026, 7, 1, 9, 59, 59), True),  # a second inside 30 days
            (at(2026, 7, 1, 10, 0), False),  # the 31st day: 30 days on, outside
        ],
    )
    def test_five_calls_the_fifth_on_the_30th_day_or_the_31st(self, last, fires):
        caller, now = CallerFactory(), at(2026, 7, 2, 12, 0)  # no clock change in between
        first = at(2026, 6, 1, 10, 0)
        for moment in (first, at(2026, 6, 8, 10), at(2026, 6, 15, 10), at(2026, 6, 22, 10), last):
            CallFactory(caller=caller, received_at=moment)
        assert fired(caller, rule("regular", threshold=5, hours=720), now) is fires

    @pytest.mark.parametrize(("days_on", "fires"), [(89, True), (90, False)])
    def test_twelve_calls_the_twelfth_on_the_90th_day_or_the_91st(self, days_on, fires):
        caller, now = CallerFactory(), at(2026, 9, 30, 12, 0)
        first = at(2026, 5, 1, 10, 0)
        for n in range(11):
            CallFactory(caller=caller, received_at=first + timedelta(days=8 * n))
        CallFactory(caller=caller, received_at=first + timedelta(days=days_on))
        assert fired(caller, rule("regular", threshold=12, hours=2160), now) is fires

    @pytest.mark.parametrize(
        ("third", "fires"),
        [(timedelta(hours=24) - timedelta(seconds=1), True), (timedelta(hours=24), False)],
    )
    def test_three_calls_the_third_a_second_inside_24_hours_or_on_it(self, third, fires):
        caller, now = CallerFactory(), at(2026, 6, 12, 9, 0)
        first = at(2026, 6, 10, 9, 0)
        for moment in (first, first + timedelta(hours=5), first + third):
            CallFactory(caller=caller, received_at=moment)
        assert fired(caller, rule(), now) is fires

    def test_different_staff_leaves_out_a_call_logged_in_error(self, compliance_user):
        """The third member of staff was reached only by a call voided as logged in error."""
        caller, staff = CallerFactory(), [UserFactory() for _ in range(3)]
        calls = [
            call_log(
                by=handler,
                submission_token=uuid.uuid4(),
                caller=caller,
                call_type="enquiry",
                about="Again",
                received_at=timezone.now() - timedelta(days=days),
            ).call
            for handler, days in zip(staff, (5, 3, 1), strict=True)
        ]
        staff_rule = rule(measure="staff", hours=168)
        assert RuleMatch.objects.filter(caller=caller, rule=staff_rule).exists()
        entry_void(entry=calls[2].dmts_entry, by=compliance_user, reason="Wrong caller", version=1)
        assert not RuleMatch.objects.filter(caller=caller, rule=staff_rule).exists()

    def test_different_staff_counts_sales_calls_apart(self):
        """A member of staff reached only by a sales call is not a third for the public rule."""
        caller, now = CallerFactory(), at(2026, 6, 20, 12, 0)
        first, second, salesman_took = UserFactory(), UserFactory(), UserFactory()
        CallFactory(caller=caller, handler=first, received_at=at(2026, 6, 15, 10))
        CallFactory(caller=caller, handler=second, received_at=at(2026, 6, 16, 10))
        CallFactory(
            caller=caller,
            handler=salesman_took,
            call_type=Call.Type.SALES,
            organisation="Acme",
            selling="Toner",
            received_at=at(2026, 6, 17, 10),
        )
        assert not fired(caller, rule(measure="staff", hours=168), now)
        CallFactory(caller=caller, handler=salesman_took, received_at=at(2026, 6, 18, 10))
        assert fired(caller, rule(measure="staff", hours=168), now)
