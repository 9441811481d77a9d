"""A caller's language (Welsh Language Standards): asked on the log-a-call form while it is not
known, kept with history, first on the handling card, counted on the dashboard and in the
quarterly report."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from callers.models import Call, Caller, Language, LetterLanguage
from callers.selectors import reports
from callers.services.calls import call_log
from callers.services.reports import dashboard_figures_refresh
from tests.factories import CallerFactory, CallFactory
from tests.helpers import log_call_data, under_heading

pytestmark = pytest.mark.django_db

LOG = reverse("callers:log")


def test_a_new_callers_language_is_kept_with_history(handler_client, handler_user):
    handler_client.post(LOG, log_call_data(language="cy"))
    caller = Call.objects.get().caller
    assert caller.language == Language.WELSH and not caller.interpreter_needed
    assert caller.history.first().history_user == handler_user


def test_another_language_means_an_interpreter_and_must_be_named(handler_client):
    response = handler_client.post(LOG, log_call_data(language="other"))
    html = response.content.decode()
    beside = html.split('id="error_1_id_other_language"', 1)
    assert len(beside) == 2 and "Say which language" in beside[1][:200]
    assert not Call.objects.exists() and not Caller.objects.exists()
    handler_client.post(LOG, log_call_data(language="other", other_language=" Polish "))
    caller = Caller.objects.get()
    assert (caller.language, caller.other_language, caller.interpreter_needed) == (
        "other",
        "Polish",
        True,
    )
    assert caller.language_advice == "Prefers Polish: interpreter needed."


def test_a_known_callers_answer_is_recorded_without_losing_an_edit_made_meanwhile(handler_user):
    caller = CallerFactory()
    stale = Caller.objects.get(pk=caller.pk)
    Caller.objects.filter(pk=caller.pk).update(notes="Added while the call was logged.")
    call_log(
        by=handler_user,
        submission_token=__import__("uuid").uuid4(),
        caller=stale,
        call_type=Call.Type.ENQUIRY,
        about="Asked in Welsh.",
        received_at=timezone.now(),
        language=Language.WELSH,
    )
    caller.refresh_from_db()
    assert caller.language == Language.WELSH
    assert caller.notes == "Added while the call was logged."


def test_the_handling_card_says_their_language_first(handler_client):
    welsh = CallerFactory(language=Language.WELSH)
    unknown = CallerFactory()
    english = CallerFactory(language=Language.ENGLISH)
    card = handler_client.get(reverse("callers:card", args=[welsh.pk])).content.decode()
    body = card.split('class="card-body', 1)[1]
    assert body.index("Prefers Welsh: offer a Welsh speaker.") < body.index("Calls")
    assert "data-language-known" in card
    card = handler_client.get(reverse("callers:card", args=[unknown.pk])).content.decode()
    assert "Language not asked yet" in card and "data-language-known" not in card
    card = handler_client.get(reverse("callers:card", args=[english.pk])).content.decode()
    assert "Prefers" not in card and "data-language-known" in card


def test_the_question_is_not_asked_again_once_the_caller_has_a_language(handler_client):
    asked = handler_client.get(LOG).content.decode()
    assert "data-language-question>" in asked and 'name="language"' in asked
    known = CallerFactory(language=Language.ENGLISH)
    chosen = handler_client.post(LOG, log_call_data(action=f"choose:{known.pk}")).content.decode()
    assert "data-language-question hidden" in chosen
    unknown = CallerFactory()
    chosen = handler_client.post(LOG, log_call_data(action=f"choose:{unknown.pk}")).content.decode()
    assert "data-language-question>" in chosen


def test_letters_follow_the_callers_choice_then_their_language_then_the_office():
    caller = Caller(language=Language.WELSH)
    assert caller.letters_in(LetterLanguage.ENGLISH) == LetterLanguage.WELSH
    caller.letter_language = LetterLanguage.BILINGUAL
    assert caller.letters_in(LetterLanguage.ENGLISH) == LetterLanguage.BILINGUAL
    assert Caller(language=Language.OTHER).letters_in("cy-en") == "cy-en"
    assert Caller().letters_in("en") == "en"
    assert LetterLanguage.wordings("cy-en") == ["cy", "en"]


def test_the_dashboard_and_the_report_count_callers_by_language(manager_client):
    now = timezone.now()
    for language, calls in [("cy", 3), ("cy", 1), ("en", 2), ("other", 1), ("", 1)]:
        caller = CallerFactory(language=language)
        for minutes in range(calls):
            CallFactory(caller=caller, received_at=now - timedelta(minutes=minutes + 1))
    CallFactory(caller=CallerFactory(language="cy"), received_at=now - timedelta(days=200))
    dashboard_figures_refresh.call()
    response = manager_client.get(reverse("callers:dashboard"))
    assert [(str(label), n) for label, n in response.context["languages"]] == [
        ("English", 1),
        ("Welsh", 2),
        ("Another language", 1),
        ("Not asked yet", 1),
    ]
    assert "English1Welsh2" in under_heading(response.content.decode(), "Callers' languages")
    today = timezone.localdate()
    made = reports.report(today - timedelta(days=30), today)
    figures = {f.label: f.value for f in made.figures if f.section == reports.LANGUAGES}
    assert figures == {
        "Callers who prefer English": 1,
        "Callers who prefer Welsh": 2,
        "Callers who need an interpreter": 1,
        "Callers not yet asked their language": 1,
    }
