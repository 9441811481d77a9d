"""Concerns, referrals and risk words (policy 5.3b, 5.8i, 5.8j): detail only for those with
the permission, and a record of who opened it."""

import importlib
import re
import uuid

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from callers.models import Concern, ManagerAlert, Referral, RiskWord, SensitiveAccess
from callers.selectors.safeguarding import risk_words_in
from callers.services.calls import call_log
from callers.services.safeguarding import concern_decide, concern_raise
from opcc_calls.concurrency import StaleEdit
from opcc_calls.roles import Role
from tests.factories import CallerFactory, CallFactory, UserFactory
from tests.helpers import run_background_tasks, sign_in_fully

pytestmark = pytest.mark.django_db
NOTICED = "Said they had not eaten for days and sounded confused about the date."


def raise_concern(user, caller=None) -> Concern:
    return concern_raise(
        caller=caller or CallerFactory(),
        by=user,
        kind=Concern.Kind.MENTAL_HEALTH,
        noticed=NOTICED,
    )


class TestConcerns:
    def test_a_handler_raises_a_concern_and_managers_are_emailed_without_the_detail(
        self, handler_client, manager_user
    ):
        caller = CallerFactory()
        response = handler_client.post(
            reverse("callers:concern_new", args=[caller.pk]),
            {"kind": "mental_health", "noticed": NOTICED},
        )
        assert response.status_code == 302
        run_background_tasks()
        concern = Concern.objects.get()
        [message] = mail.outbox
        assert message.to == [manager_user.email]
        assert NOTICED not in message.body and caller.full_name not in message.body
        assert concern.get_absolute_url() in message.body

    def test_a_concern_without_what_was_noticed_is_explained(self, handler_client):
        caller = CallerFactory()
        html = handler_client.post(
            reverse("callers:concern_new", args=[caller.pk]), {"kind": "other", "noticed": ""}
        ).content.decode()
        assert "Say what you noticed." in html and not Concern.objects.exists()

    def test_a_possible_physical_disability_can_be_raised(self, handler_client):
        """Recorded for reasonable adjustments, beside the conditions 5.8i names."""
        caller = CallerFactory()
        url = reverse("callers:concern_new", args=[caller.pk])
        assert "Possible physical disability" in handler_client.get(url).content.decode()
        assert "Possible physical disability" in (
            handler_client.get(reverse("callers:log")).content.decode()
        )
        handler_client.post(url, {"kind": "physical_disability", "noticed": NOTICED})
        assert Concern.objects.get().get_kind_display() == "Possible physical disability"

    def test_logging_a_call_can_raise_a_concern_with_it(self, handler_user):
        call = call_log(
            by=handler_user,
            submission_token=uuid.uuid4(),
            new_caller_name="Ann Example",
            call_type="enquiry",
            about="x",
            received_at=timezone.now(),
            concern_kind="risk_to_caller",
            concern_noticed=NOTICED,
        ).call
        assert Concern.objects.get().call == call

    def test_a_manager_decides_and_closes_with_the_handling_shown_on_the_card(
        self, manager_client, handler_client, handler_user
    ):
        concern = raise_concern(handler_user)
        response = manager_client.post(
            concern.get_absolute_url(),
            {
                "decision": "Spoke to adult social care",
                "handling": "Speak slowly; one topic a call.",
                "close": "on",
                "version": 1,
            },
        )
        assert response.status_code == 302
        concern.refresh_from_db()
        assert not concern.is_open
        card = handler_client.get(
            reverse("callers:card", args=[concern.caller_id])
        ).content.decode()
        assert "Speak slowly; one topic a call." in card
        assert NOTICED not in card and "Spoke to adult social care" not in card

    def test_opening_the_detail_is_logged(self, manager_client, manager_user, handler_user):
        concern = raise_concern(handler_user)
        manager_client.get(concern.get_absolute_url())
        access = SensitiveAccess.objects.get()
        assert (access.user, access.caller_id) == (manager_user, concern.caller_id)

    def test_handlers_and_the_compliance_officer_cannot_see_concerns(
        self, handler_client, compliance_client, handler_user
    ):
        concern = raise_concern(handler_user)
        for client in (handler_client, compliance_client):
            assert client.get(reverse("callers:concerns")).status_code == 403
            assert client.get(concern.get_absolute_url()).status_code == 403
        html = handler_client.get(concern.caller.get_absolute_url()).content.decode()
        assert "A concern about this caller is with a manager." in html
        assert NOTICED not in html and "Concerns and referrals" not in html

    def test_the_queue_lists_open_concerns_oldest_first(self, manager_client, handler_user):
        first, second = raise_concern(handler_user), raise_concern(handler_user)
        html = manager_client.get(reverse("callers:concerns")).content.decode()
        assert html.index(first.get_absolute_url()) < html.index(second.get_absolute_url())


class TestReferrals:
    def test_a_manager_records_a_referral(self, manager_client):
        caller = CallerFactory()
        url = reverse("callers:referral_new", args=[caller.pk])
        data = {
            "referred_to": "other",
            "other_body": "",
            "referred_on": timezone.localdate().isoformat(),
            "their_reference": "ASC-123",
            "lawful_basis": "vital_interests",
            "consent": "not_asked",
            "outcome": "",
        }
        html = manager_client.post(url, data).content.decode()
        assert "Say who the referral went to." in html
        response = manager_client.post(url, data | {"referred_to": "adult_social_care"})
        referral = Referral.objects.get()
        assert response.url == referral.get_absolute_url()
        assert referral.history.get().history_user is not None

    def test_handlers_cannot_record_or_see_referrals(self, handler_client, manager_user):
        caller = CallerFactory()
        referral = Referral.objects.create(
            caller=caller,
            referred_to="force",
            lawful_basis="public_task",
            consent="yes",
            made_by=manager_user,
        )
        assert (
            handler_client.get(reverse("callers:referral_new", args=[caller.pk])).status_code == 403
        )
        assert handler_client.get(referral.get_absolute_url()).status_code == 403


class TestTwoManagersAtOnce:
    """Two managers with the same concern or referral open: the second to save is told, and
    the first one's decision stands (nothing is overwritten unseen)."""

    def test_a_concern_decided_meanwhile_is_not_overwritten(
        self, manager_client, manager_user, handler_user
    ):
        concern = raise_concern(handler_user)
        other = _second_manager()
        for client in (manager_client, other):
            assert (
                'name="version" value="1"'
                in client.get(concern.get_absolute_url()).content.decode()
            )
        manager_client.post(concern.get_absolute_url(), {"decision": "First", "version": 1})
        html = other.post(
            concern.get_absolute_url(), {"decision": "Second", "version": 1}, follow=True
        ).content.decode()
        assert "Someone else changed this concern while you had it open" in html
        concern.refresh_from_db()
        assert (concern.decision, concern.version) == ("First", 2)

    def test_a_referral_updated_meanwhile_is_not_overwritten(self, manager_client, manager_user):
        referral = Referral.objects.create(
            caller=CallerFactory(),
            referred_to="force",
            lawful_basis="public_task",
            consent="yes",
            made_by=manager_user,
        )
        other = _second_manager()
        data = {"their_reference": "", "version": 1}
        manager_client.post(referral.get_absolute_url(), data | {"outcome": "Visited"})
        html = other.post(
            referral.get_absolute_url(), data | {"outcome": "Not visited"}, follow=True
        ).content.decode()
        assert "Someone else changed this referral while you had it open" in html
        referral.refresh_from_db()
        assert referral.outcome == "Visited"

    def test_the_services_refuse_a_stale_version(self, manager_user, handler_user):
        concern = raise_concern(handler_user)
        concern_decide(concern=concern, by=manager_user, decision="First", version=1)
        with pytest.raises(StaleEdit):
            concern_decide(concern=concern, by=manager_user, decision="x", version=1)


def _second_manager():
    client = Client()
    sign_in_fully(
        client, UserFactory(roles=[Role.CALL_HANDLER, Role.BUSINESS_AND_COMPLIANCE_MANAGER])
    )
    return client


class TestRiskWords:
    def test_words_and_phrases_match_whole_words_in_any_case(self):
        assert risk_words_in("She said she took an OVERDOSE last night") == ["overdose"]
        assert risk_words_in("wants to end my life") == ["end my life"]
        assert risk_words_in("Gunnar called about his gunnery club") == []

    @pytest.mark.parametrize(
        ("said", "found"),
        [
            ("Said her son might kill himself tonight", "kill myself"),
            ("She talked about wanting to take her own life", "take my own life"),
            ("Mentioned self harm more than once", "self-harm"),
            ("He sounded suicidal", "suicidal"),
            ("Says he wants to end it", "want to end it"),
            ("They were talking about ending their life", "end my life"),
            ("He has stabbed someone before", "stab"),
        ],
    )
    def test_phrases_match_in_any_person_and_form(self, said, found):
        RiskWord.objects.get_or_create(word="stab")
        assert found in risk_words_in(said)

    @pytest.mark.parametrize(
        ("said", "found"),
        [
            ("Said she will not be here tomorrow", "won't be here tomorrow"),
            ("He won’t be around much longer, he says", "won't be around much longer"),
            ("Talked about jumping off the Severn bridge", "jump off * bridge"),
            ("Said he would jump in front of a train", "jump in front of * train"),
            ("Threatened to harm the neighbour's children", "harm * children"),
            ("Says he will kill them all", "kill him"),
            ("Feels everyone is better off without her", "better off without me"),
            ("Thinks he has no reason to live", "no reason to live"),
        ],
    )
    def test_a_risk_said_without_saying_it_and_a_risk_to_others(self, said, found):
        assert found in risk_words_in(said)

    @pytest.mark.parametrize(
        "said",
        [
            "I went to the end of it",
            "The end of my life insurance",
            "A gunnery club",
            "Kills time",
            "Will be here tomorrow at ten",
            "Jumped off the bus by the bridge",  # "the bus by the" is more than the gap
            "Children's centre hours",
        ],
    )
    def test_near_misses_do_not(self, said):
        assert risk_words_in(said) == []

    def test_an_office_already_running_gets_the_indirect_phrases_once(self):
        migration = importlib.import_module("callers.migrations.0028_risk_phrases_said_indirectly")
        RiskWord.objects.filter(word__in=migration.ADDED).delete()
        RiskWord.objects.filter(word="gun").update(is_active=False)
        for _ in range(2):
            migration.add_phrases(django_apps, None)
        words = dict(RiskWord.objects.values_list("word", "is_active"))
        assert all(words[word] for word in migration.ADDED) and words["gun"] is False
        added = RiskWord.history.filter(word="harm * children", history_type="+")
        assert [row.history_change_reason for row in added.order_by("history_date")][-1] == (
            "Risk phrases said indirectly, and risk to others, added"
        )
        assert RiskWord.objects.filter(word="harm * children").count() == 1

    def test_an_office_already_running_gets_the_new_phrases_once(self):
        """Its own list stays as its managers left it; what is missing is added, with history."""
        migration = importlib.import_module("callers.migrations.0014_risk_phrases_in_any_person")
        RiskWord.objects.filter(word__in=migration.ADDED).delete()
        RiskWord.objects.filter(word="knife").update(is_active=False)
        for _ in range(2):
            migration.add_phrases(django_apps, None)
        words = dict(RiskWord.objects.values_list("word", "is_active"))
        assert all(words[word] for word in migration.ADDED) and words["knife"] is False
        added = RiskWord.history.filter(word="take my own life", history_type="+")
        assert [row.history_change_reason for row in added][0] == (
            "Risk phrases that any person says added"
        )
        assert added.filter(history_change_reason__contains="any person").count() == 1

    def test_the_page_shows_what_to_do_at_once(self, handler_client):
        html = handler_client.post(
            reverse("callers:risk_check"), {"about": "He has a knife"}
        ).content.decode()
        assert "Call 999" in html and "knife" in html
        html = handler_client.post(
            reverse("callers:risk_check"), {"about": "Asked about bins"}
        ).content.decode()
        assert "Call 999" not in html

    def test_without_javascript_the_confirmation_shows_it(self, handler_client, handler_user):
        call = CallFactory(handler=handler_user, about="Threatened suicide if nobody called back")
        html = handler_client.get(reverse("callers:logged", args=[call.pk])).content.decode()
        assert "Call 999" in html


def test_a_double_clicked_concern_is_kept_once(handler_client):
    caller = CallerFactory()
    url = reverse("callers:concern_new", args=[caller.pk])
    for _ in range(2):
        handler_client.post(url, {"kind": "other", "noticed": NOTICED})
    assert Concern.objects.count() == 1


def test_without_javascript_a_form_with_errors_still_shows_the_risk_guidance(handler_client):
    html = handler_client.post(
        reverse("callers:log"),
        {"action": "save", "about": "Said they have a gun at home", "call_type": ""},
    ).content.decode()
    assert "Choose the type of call." in html and "Call 999" in html


class TestTellAManagerNow:
    """One click from the immediate-risk prompt or the confirmation emails every manager to
    come to the handler (5.3b); the email names the member of staff, never the caller."""

    def button(self, html: str) -> dict:
        assert "Tell a manager now</button>" in html
        token = re.search(r'name="token" value="([0-9a-f-]+)" form="tell-manager-form"', html)
        call = re.search(r'name="call" value="(\d+)" form="tell-manager-form"', html)
        return {"token": token.group(1), **({"call": call.group(1)} if call else {})}

    def test_from_the_confirmation_with_the_call(self, handler_client, handler_user, manager_user):
        call = CallFactory(
            handler=handler_user,
            caller__full_name="Ruth Example",
            about="Said her son might kill himself",
        )
        html = handler_client.get(reverse("callers:logged", args=[call.pk])).content.decode()
        data = self.button(html)
        assert data["call"] == str(call.pk) and 'id="tell-manager-form"' in html
        response = handler_client.post(
            reverse("callers:tell_manager"), data, headers={"HX-Request": "true"}
        )
        assert "Every manager has been emailed" in response.content.decode()
        alert = ManagerAlert.objects.get()
        assert (alert.raised_by, alert.call) == (handler_user, call)
        run_background_tasks()
        [message] = mail.outbox
        assert message.to == [manager_user.email]
        assert handler_user.get_full_name() in message.subject
        assert call.get_absolute_url() in message.body
        assert "Ruth Example" not in message.body + message.subject
        assert "kill" not in message.body
        alert.refresh_from_db()
        assert alert.emailed_at is not None
        emailed = alert.history.first()  # the record of it, too, like every write
        assert emailed.history_change_reason == "Emailed to every manager"
        assert emailed.emailed_at == alert.emailed_at

    def test_from_the_prompt_before_the_call_is_logged(self, handler_client):
        html = handler_client.post(
            reverse("callers:risk_check"), {"about": "Wants to end it all"}
        ).content.decode()
        data = self.button(html)
        assert "call" not in data
        response = handler_client.post(reverse("callers:tell_manager"), data)
        # Without JavaScript the answer opens in a tab of its own: the form is kept.
        assert "Close this tab" in response.content.decode()
        assert ManagerAlert.objects.get().call is None

    def test_a_double_click_tells_them_once(self, handler_client, manager_user):
        data = {"token": str(uuid.uuid4())}
        for _ in range(2):
            handler_client.post(reverse("callers:tell_manager"), data)
        assert ManagerAlert.objects.count() == 1
        run_background_tasks()
        assert len(mail.outbox) == 1

    def test_a_tampered_button_says_to_go_in_person(self, handler_client):
        response = handler_client.post(reverse("callers:tell_manager"), {"token": "x"})
        assert response.status_code == 400
        assert "Go to a manager, or phone them, now." in response.content.decode()
        assert not ManagerAlert.objects.exists()


class TestSensitiveAccessLog:
    """The concerns queue (caller name and kind of concern) and a concern or referral shown
    again after an invalid POST were not recorded."""

    def test_the_concerns_queue_records_each_caller_shown(self, manager_client, manager_user):
        concerns = [
            Concern.objects.create(
                caller=CallerFactory(), raised_by=manager_user, kind="other", noticed="x"
            )
            for _ in range(3)
        ]
        manager_client.get(reverse("callers:concerns"))
        seen = set(SensitiveAccess.objects.values_list("caller_id", "what"))
        assert seen == {(c.caller_id, "the concerns queue") for c in concerns}

    def test_a_concern_shown_again_beside_errors_is_recorded(self, manager_client, manager_user):
        concern = Concern.objects.create(
            caller=CallerFactory(), raised_by=manager_user, kind="other", noticed="x"
        )
        response = manager_client.post(concern.get_absolute_url(), {"decision": "", "version": 1})
        assert "Record what you decided." in response.content.decode()
        assert SensitiveAccess.objects.filter(caller_id=concern.caller_id).exists()
