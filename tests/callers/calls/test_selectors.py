from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from callers.selectors.calls import caller_changes, calls_per_day, find_callers, handling_card
from callers.services.calls import caller_update
from dmts.models import DmtsEntry
from tests.factories import CallerFactory, CallerPhoneFactory, CallFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestFindCallers:
    def test_a_misspelt_name_finds_the_caller(self):
        john = CallerFactory(full_name="John Smith")
        CallerFactory(full_name="Margaret Thompson")
        assert find_callers(name="Jon Smith")[0] == john
        assert find_callers(name="john smyth")[0] == john

    def test_the_closest_name_comes_first_among_many_alike(self):
        """Ties are not broken alphabetically: Mary Allen, misspelt, is not lost behind every
        Barry Allen (nor Aaron and Adam Allen, who come first in the alphabet)."""
        CallerFactory.create_batch(30, full_name="Barry Allen")
        CallerFactory.create_batch(5, full_name="Aaron Allen")
        mary = CallerFactory(full_name="Mary Allen")
        assert find_callers(name="Mlry Allen")[0] == mary

    def test_a_surname_alone_finds_everyone_of_that_name_and_no_other(self):
        """One word is a part of a name: it is matched within names, not against them."""
        allens = [CallerFactory(full_name=n) for n in ("Mary Allen", "Bob Allen", "Jo Allen")]
        CallerFactory(full_name="Mary Smith")
        found = find_callers(name="Allen")
        assert set(found) == set(allens)
        assert [c.pk for c in find_callers(name="allen")] == [c.pk for c in found]

    def test_recent_calls_leave_out_calls_logged_in_error(self, compliance_user):
        caller = CallerFactory(full_name="John Smith")
        kept, voided = CallFactory.create_batch(2, caller=caller)
        DmtsEntry.objects.create(
            call=voided,
            year=2026,
            number=voided.pk,
            reference=f"V-{voided.pk}",
            voided=True,
            void_reason="Logged in error",
        )
        [found] = find_callers(name="John Smith")
        assert found.calls_30d == 1

    def test_other_names_they_use_are_searched(self):
        caller = CallerFactory(full_name="Margaret Thompson", other_names="Peggy Thompson")
        assert caller in find_callers(name="Peggy Thompson")

    def test_unrelated_names_do_not_match(self):
        CallerFactory(full_name="John Smith")
        assert find_callers(name="Priya Shah") == []

    def test_a_partly_typed_number_finds_the_caller(self):
        phone = CallerPhoneFactory(number="+441234567890")
        assert find_callers(phone="01234 567") == [phone.caller]

    def test_a_name_in_the_one_search_box_is_searched_as_a_name(self):
        john = CallerFactory(full_name="John Smith")
        assert find_callers(phone="John Smith") == [john]

    def test_results_carry_recent_calls_and_last_contact(self):
        caller = CallerFactory(full_name="John Smith")
        CallFactory.create_batch(2, caller=caller)
        CallFactory(caller=caller, received_at=timezone.now() - timedelta(days=40))
        [found] = find_callers(name="John Smith")
        assert found.calls_30d == 2

    def test_too_short_a_query_finds_nothing(self):
        CallerFactory(full_name="John Smith")
        assert find_callers(name="J") == []


class TestHandlingCard:
    def test_counts_each_window_and_the_different_staff(self):
        now = timezone.now()
        caller = CallerFactory()
        alice, bob = UserFactory(), UserFactory()
        for hours, handler in [
            (1, alice),
            (23, bob),
            (25, alice),
            (24 * 6, bob),
            (24 * 29, alice),
            (24 * 89, bob),
            (24 * 91, alice),
        ]:
            CallFactory(caller=caller, handler=handler, received_at=now - timedelta(hours=hours))
        counts = handling_card(caller, now=now).counts
        assert (
            counts["calls_24h"],
            counts["calls_7d"],
            counts["calls_30d"],
            counts["calls_90d"],
        ) == (2, 4, 5, 6)
        assert counts["handlers_24h"] == 2 and counts["handlers_90d"] == 2

    def test_a_call_exactly_24_hours_ago_is_outside_the_window(self):
        now = timezone.now()
        caller = CallerFactory()
        CallFactory(caller=caller, received_at=now - timedelta(hours=24))
        assert handling_card(caller, now=now).counts["calls_24h"] == 0

    @pytest.mark.parametrize(
        ("window", "days", "counted"),
        [("30d", 30, True), ("30d", 31, False), ("90d", 90, True), ("90d", 91, False)],
    )
    def test_a_call_on_the_last_office_day_of_a_window_counts_and_the_day_before_does_not(
        self, window, days, counted
    ):
        """The card's 30 and 90 days are office days ending today: a call at 00:00 on the 30th
        day back counts (as the chart of calls per day beside it does), one at 23:59 on the
        31st does not."""
        london = timezone.get_current_timezone()
        now = datetime(2026, 6, 30, 9, 0, tzinfo=london)
        caller = CallerFactory()
        day = timezone.localdate(now) - timedelta(days=days - 1)
        moment = datetime.combine(day, time(0, 0) if counted else time(23, 59), tzinfo=london)
        CallFactory(caller=caller, received_at=moment)
        assert handling_card(caller, now=now).counts[f"calls_{window}"] == int(counted)

    def test_last_five_calls_newest_first(self):
        caller = CallerFactory()
        now = timezone.now()
        calls = [CallFactory(caller=caller, received_at=now - timedelta(hours=h)) for h in range(7)]
        assert handling_card(caller).recent_calls == calls[:5]


def test_calls_per_day_counts_by_office_day_with_zeros():
    caller = CallerFactory()
    today = timezone.localdate()
    noon = timezone.localtime().replace(hour=12, minute=0)
    CallFactory.create_batch(3, caller=caller, received_at=noon - timedelta(days=1))
    CallFactory(caller=caller, received_at=noon - timedelta(days=100))
    days = calls_per_day(caller, days=90, today=today)
    assert len(days) == 90 and days[-1][0] == today
    assert dict(days)[today - timedelta(days=1)] == 3
    assert sum(n for _, n in days) == 3


def test_caller_changes_show_field_changes_oldest_last():
    caller = CallerFactory(full_name="Jon Smith")
    caller_update(
        caller=caller, by=None, version=1, details={"full_name": "John Smith"}, phone_numbers=[]
    )
    changes = caller_changes(caller, limit=10)
    assert changes[0].what == "Details changed"
    assert ("Full name", "Jon Smith", "John Smith") in changes[0].fields
    assert changes[-1].what == "Caller created"


class TestSearchesAreBounded:
    """A 100 kB name took 9.8 s to search; a 1 MB one held a worker until it was killed."""

    def test_a_name_longer_than_any_is_refused_beside_the_field(self, handler_client):
        for field in ("full_name", "phone"):
            response = handler_client.post(reverse("callers:matches"), {field: "x" * 100_000})
            assert response.status_code == 200
            assert "longer than any name or number" in response.content.decode()

    def test_any_other_way_in_is_cut_to_a_name_s_length(self, django_assert_max_num_queries):
        with django_assert_max_num_queries(3):
            assert find_callers(name="Smith " * 200_000) == []
