"""The subject access document: everything held about one caller, for those who may read it."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from callers.models import Referral, SensitiveAccess
from callers.services.letters import appeal_record, letter_write
from callers.services.safeguarding import concern_raise
from tests.factories import CallerFactory, CallFactory
from tests.helpers import flag, frequent_caller, office_letterhead, queries

pytestmark = pytest.mark.django_db


class TestSubjectAccess:
    def test_holds_every_record_about_the_caller_and_nothing_about_anyone_else(
        self, manager_client, manager_user
    ):
        caller = frequent_caller()
        made = flag(
            caller,
            manager_user,
            agreed_response="Written replies only, agreed in May.",
            written_contact_only=True,
        )
        office_letterhead()
        letter_write(flag=made, by=manager_user, kind="notice", reason="Forty calls.")
        appeal_record(
            flag=made,
            by=manager_user,
            received_on=timezone.localdate(),
            grounds="I call about one matter only",
        )
        concern_raise(caller=caller, by=manager_user, kind="other", noticed="Seemed distressed")
        Referral.objects.create(
            caller=caller,
            referred_to="force",
            lawful_basis="public_task",
            consent="yes",
            made_by=manager_user,
            outcome="Visited",
        )
        other = CallFactory(about="Someone else's very private business").caller
        html = manager_client.get(
            reverse("callers:subject_access", args=[caller.pk])
        ).content.decode()
        calls = list(caller.calls.all())
        assert len(calls) == 3 and html.count('class="border-bottom pb-2 mb-2 sar-call"') == 3
        for call in calls:
            assert escape(call.about) in html
        for expected in (
            "Written replies only, agreed in May.",
            "Seemed distressed",
            "Visited",
            "Why: Forty calls.",
            "I call about one matter only",
            "Staff note: review before release",
            "Change history",
        ):
            assert escape(expected) in html
        assert escape(other.full_name) not in html
        assert "very private business" not in html
        assert SensitiveAccess.objects.filter(caller=caller, what="subject access export").exists()

    def test_only_those_who_may_read_concern_detail_may_export(
        self, handler_client, compliance_client, manager_client
    ):
        """It holds concerns and referrals, which the README keeps for managers: the
        Compliance Officer (who may not read them) may not export it either."""
        caller = CallerFactory()
        url = reverse("callers:subject_access", args=[caller.pk])
        assert handler_client.get(url).status_code == 403
        assert compliance_client.get(url).status_code == 403
        assert manager_client.get(url).status_code == 200


def test_subject_access_runs_fixed_queries_however_many_records(manager_client, manager_user):
    counts = []
    for n in (2, 25):
        caller = CallerFactory()
        CallFactory.create_batch(n, caller=caller)
        for i in range(n // 5 + 1):
            concern_raise(caller=caller, by=manager_user, kind="other", noticed=f"x{i}")
        counts.append(queries(manager_client, reverse("callers:subject_access", args=[caller.pk])))
    assert counts[0] == counts[1]
