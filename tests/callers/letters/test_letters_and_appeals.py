"""Telling a flagged caller in writing of their contact arrangements, hearing their appeal by a
manager who did not make the flag, and the office's wording for each letter."""

import io
from datetime import timedelta

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from callers.models import Appeal, Flag, Letter, LetterTemplate
from callers.services.flags import flag_change_arrangements
from callers.services.letters import (
    appeal_decide,
    appeal_record,
    letter_sent,
    letter_template_save,
    letter_write,
)
from callers.services.meetings import meeting_open
from opcc_calls.concurrency import StaleEdit
from opcc_calls.roles import Role
from tests.factories import CallerFactory, UserFactory
from tests.helpers import flag, frequent_caller, office_letterhead, pdf_text, queries, sign_in_fully

pytestmark = pytest.mark.django_db

STAFF_NOTE = "Staff only: shouts at the switchboard, see concern 12."

AGREED = "Log the call; Sam writes back within five working days."


@pytest.fixture
def other_manager(db):
    return UserFactory(
        username="other-manager",
        first_name="Olu",
        roles=[Role.CALL_HANDLER, Role.BUSINESS_AND_COMPLIANCE_MANAGER],
    )


@pytest.fixture
def other_manager_client(client, other_manager):
    return sign_in_fully(client, other_manager)


@pytest.fixture(autouse=True)
def letterhead(db):
    return office_letterhead()


@pytest.fixture
def restricted(manager_user):
    """A caller flagged with written contact only to one person, with staff-only notes."""
    caller = CallerFactory(
        full_name="Zoë O'Brien",
        postal_address="2 Low Road\nTownsville\nAB1 2CD",
        email="zoe@example.org",
    )
    return flag(
        caller,
        manager_user,
        agreed_response=AGREED,
        written_contact_only=True,
        single_point_of_contact=manager_user,
        adjustments_note=STAFF_NOTE,
    )


def notice(made: Flag, user, reason="You called 40 times in a week.") -> Letter:
    return letter_write(flag=made, by=user, kind="notice", reason=reason)


def appealed(made: Flag, user) -> Appeal:
    return appeal_record(flag=made, by=user, received_on=timezone.localdate(), grounds="g")


def test_the_notice_tells_the_arrangements_why_and_how_to_appeal_and_nothing_staff_only(
    restricted, manager_user
):
    letter = notice(restricted, manager_user)
    assert "Dear Zoë O'Brien" in letter.body
    assert "Please contact us in writing only" in letter.body
    assert "is your single point of contact: please address your letters and emails" in letter.body
    assert "You called 40 times in a week." in letter.body
    assert f"{restricted.review_date.day} {restricted.review_date:%B %Y}" in letter.body
    assert "appeal" in letter.body
    for secret in (AGREED, STAFF_NOTE, restricted.reason):
        assert secret not in letter.body
    assert letter.history.get().history_user == manager_user


def test_the_documents_hold_the_name_address_and_arrangements_but_no_staff_note(
    restricted, manager_user, manager_client
):
    letter = notice(restricted, manager_user)
    word = manager_client.get(reverse("callers:letter_docx", args=[letter.pk]))
    pdf = manager_client.get(reverse("callers:letter_pdf", args=[letter.pk]))
    assert word["Content-Type"].startswith("application/vnd.openxmlformats")
    assert pdf["Content-Type"] == "application/pdf"
    assert "Zoë" not in word["Content-Disposition"] and "Zoë" not in pdf["Content-Disposition"]
    word_text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    for text in (word_text, pdf_text(pdf.content)):
        assert "Zoë O'Brien" in text
        assert "AB1 2CD" in text
        assert "Please contact us in writing only" in text
        assert AGREED not in text and STAFF_NOTE not in text


def test_no_notice_for_a_flag_without_arrangements(manager_user, manager_client):
    plain = flag(frequent_caller(), manager_user)
    with pytest.raises(ValidationError):
        notice(plain, manager_user)
    response = manager_client.post(
        reverse("callers:notice_new", args=[plain.pk]), {"reason": "Many calls."}
    )
    assert "no contact arrangements" in response.content.decode()
    assert not Letter.objects.exists()


def test_the_reason_is_required_beside_its_field(restricted, manager_client):
    response = manager_client.post(reverse("callers:notice_new", args=[restricted.pk]), {})
    assert response.status_code == 200
    assert "Say why, in words for the caller." in response.content.decode()
    assert not Letter.objects.exists()


def test_recording_it_sent_tells_the_card_and_the_flags_history(
    restricted, manager_user, manager_client, handler_client
):
    letter = notice(restricted, manager_user)
    today = timezone.localdate()
    response = manager_client.post(
        reverse("callers:letter_sent", args=[letter.pk]),
        {"version": letter.version, "sent_on": today.strftime("%d/%m/%Y"), "sent_how": "post"},
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    restricted.refresh_from_db()
    assert (letter.sent_on, letter.sent_how, letter.sent_by) == (today, "post", manager_user)
    assert restricted.told_on == today
    latest = restricted.history.first()
    assert latest.history_change_reason.startswith("Notice of contact arrangements sent by post")
    card = handler_client.get(reverse("callers:card", args=[restricted.caller_id]))
    assert f"the caller was told on {today.day} {today:%b %Y}" in card.content.decode()


def test_a_letter_is_recorded_sent_once_and_never_in_the_future(restricted, manager_user):
    letter = notice(restricted, manager_user)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError):
        letter_sent(letter=letter, by=manager_user, sent_on=tomorrow, sent_how="post", version=1)
    letter_sent(
        letter=letter,
        by=manager_user,
        sent_on=timezone.localdate(),
        sent_how="email",
        version=1,
    )
    with pytest.raises(ValidationError):
        letter_sent(
            letter=letter,
            by=manager_user,
            sent_on=timezone.localdate(),
            sent_how="post",
            version=2,
        )


def test_changed_arrangements_need_telling_again_and_an_old_notice_does_not_count(
    restricted, manager_user
):
    old = notice(restricted, manager_user)
    changed = flag_change_arrangements(
        flag=restricted,
        by=manager_user,
        single_point_of_contact=manager_user,
        contact_times="Mondays 09:00 to 10:00",
        written_contact_only=False,
        reason="Agreed at Silver",
        version=restricted.version,
    )
    assert changed.told_on is None
    letter_sent(
        letter=old,
        by=manager_user,
        sent_on=timezone.localdate(),
        sent_how="post",
        version=old.version,
    )
    restricted.refresh_from_db()
    assert restricted.told_on is None  # it told of arrangements no longer in force
    new = notice(restricted, manager_user)
    assert "Please telephone us only at these times: Mondays 09:00 to 10:00." in new.body
    letter_sent(
        letter=new,
        by=manager_user,
        sent_on=timezone.localdate(),
        sent_how="post",
        version=new.version,
    )
    restricted.refresh_from_db()
    assert restricted.told_on == timezone.localdate()


def test_the_office_edits_the_wording_and_letters_already_written_keep_theirs(
    restricted, manager_user, manager_client
):
    before = notice(restricted, manager_user)
    url = reverse("callers:letter_template", args=["notice"])
    page = manager_client.get(url)
    assert "{arrangements}" in page.content.decode()
    refused = manager_client.post(
        url,
        {
            "version": 1,
            "subject": "Contact",
            "body": "Dear {name}\n\n{agreed_response} {name.__class__}",
            "reason": "New wording",
        },
    )
    assert "Not a placeholder this letter can fill: {agreed_response}" in refused.content.decode()
    assert not LetterTemplate.objects.exists()
    saved = manager_client.post(
        url,
        {
            "version": 1,
            "subject": "Your contact with us",
            "body": "Dear {name}\n\nFrom today:\n{arrangements}\n\nAppeal within 14 days.",
            "reason": "Plainer wording",
        },
    )
    assert saved.status_code == 302
    template = LetterTemplate.objects.get(kind="notice")
    assert template.history.get().history_change_reason == "Plainer wording"
    after = notice(restricted, manager_user)
    assert after.subject == "Your contact with us"
    assert after.letterhead.startswith("Office of the Police and Crime Commissioner\nPolice")
    assert "Appeal within 14 days." in after.body
    before.refresh_from_db()
    assert "Appeal within 14 days." not in before.body


def test_two_managers_saving_the_wording_at_once_do_not_overwrite_each_other(manager_user):
    arguments = {
        "kind": "notice",
        "by": manager_user,
        "subject": "S",
        "body": "Dear {name}",
        "reason": "r",
    }
    letter_template_save(version=1, **arguments)
    with pytest.raises(StaleEdit):
        letter_template_save(version=1, **arguments | {"body": "Hello {name}"})
    assert LetterTemplate.objects.get().body == "Dear {name}"


def test_an_appeal_is_recorded_and_shows_for_managers_and_at_silver(
    restricted, compliance_client, manager_client, manager_user
):
    response = compliance_client.post(
        reverse("callers:appeal_new", args=[restricted.pk]),
        {
            "received_on": timezone.localdate().strftime("%d/%m/%Y"),
            "grounds": "I only call about my case.",
        },
    )
    appeal = Appeal.objects.get()
    assert response.url == appeal.get_absolute_url()
    assert appeal.is_waiting
    home = manager_client.get(reverse("home")).content.decode()
    assert appeal.get_absolute_url() in home
    assert "you made the flag: another manager decides" in home
    meeting = meeting_open(kind="silver", day=timezone.localdate(), by=manager_user)
    agenda = manager_client.get(meeting.get_absolute_url()).content.decode()
    assert "Appeals waiting for a decision" in agenda and appeal.get_absolute_url() in agenda


def test_an_appeal_needs_what_the_caller_says_and_a_date_not_to_come(restricted, compliance_client):
    response = compliance_client.post(
        reverse("callers:appeal_new", args=[restricted.pk]),
        {"received_on": (timezone.localdate() + timedelta(days=2)).strftime("%d/%m/%Y")},
    )
    page = response.content.decode()
    assert "Write what the caller says." in page
    assert "cannot be in the future" in page
    assert not Appeal.objects.exists()


def test_one_appeal_waits_at_a_time(restricted, compliance_user):
    appealed(restricted, compliance_user)
    with pytest.raises(ValidationError):
        appealed(restricted, compliance_user)


def test_the_manager_who_made_the_flag_cannot_decide_its_appeal(
    restricted, compliance_user, manager_user, manager_client
):
    appeal = appealed(restricted, compliance_user)
    page = manager_client.get(appeal.get_absolute_url()).content.decode()
    assert "another manager must decide the appeal" in page
    assert reverse("callers:appeal_decide", args=[appeal.pk]) not in page
    response = manager_client.post(
        reverse("callers:appeal_decide", args=[appeal.pk]),
        {"version": 1, "outcome": "upheld_end", "reasons": "Fair."},
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        appeal_decide(appeal=appeal, by=manager_user, outcome="upheld_end", reasons="r", version=1)
    appeal.refresh_from_db()
    assert appeal.is_waiting
    assert Flag.objects.get(pk=restricted.pk).is_active


def test_another_manager_upholds_it_the_flag_ends_and_the_outcome_letter_is_written(
    restricted, compliance_user, other_manager, other_manager_client
):
    appeal = appealed(restricted, compliance_user)
    response = other_manager_client.post(
        reverse("callers:appeal_decide", args=[appeal.pk]),
        {"version": 1, "outcome": "upheld_end", "reasons": "The calls were about a new matter."},
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    restricted.refresh_from_db()
    assert (appeal.outcome, appeal.decided_by) == ("upheld_end", other_manager)
    assert not restricted.is_active
    assert restricted.end_reason.startswith("Appeal upheld")
    letter = appeal.letters.get()
    assert letter.kind == "appeal_upheld"
    assert "We have upheld your appeal. The calls were about a new matter." in letter.body
    assert "no longer apply" in letter.body
    assert AGREED not in letter.body


def test_upheld_by_changing_the_arrangements(restricted, compliance_user, other_manager):
    appeal = appealed(restricted, compliance_user)
    appeal_decide(
        appeal=appeal,
        by=other_manager,
        outcome="upheld_change",
        reasons="Calls at set times are enough.",
        version=1,
        contact_times="Weekdays 09:00 to 10:00",
        written_contact_only=False,
    )
    restricted.refresh_from_db()
    assert restricted.is_active and not restricted.written_contact_only
    assert restricted.contact_times == "Weekdays 09:00 to 10:00"
    assert restricted.told_on is None
    assert "Weekdays 09:00 to 10:00" in appeal.letters.get().body


def test_not_upheld_needs_reasons_and_is_decided_once(
    restricted, compliance_user, other_manager, other_manager_client
):
    appeal = appealed(restricted, compliance_user)
    url = reverse("callers:appeal_decide", args=[appeal.pk])
    refused = other_manager_client.post(url, {"version": 1, "outcome": "not_upheld"})
    assert refused.status_code == 400
    assert "Give the reasons for the decision." in refused.content.decode()
    other_manager_client.post(
        url, {"version": 1, "outcome": "not_upheld", "reasons": "Forty calls a week."}
    )
    again = other_manager_client.post(
        url, {"version": 1, "outcome": "upheld_end", "reasons": "Changed my mind."}
    )
    assert again.status_code == 302  # refused as a stale edit, said on the page
    appeal.refresh_from_db()
    assert appeal.outcome == "not_upheld"
    assert Flag.objects.get(pk=restricted.pk).is_active
    letter = appeal.letters.get()
    assert letter.kind == "appeal_not_upheld"
    assert "Forty calls a week." in letter.body


def test_the_pages_run_a_fixed_number_of_queries(
    manager_user, manager_client, compliance_user, other_manager
):
    counts = []
    for n in (1, 6):
        made = flag(frequent_caller(), manager_user, written_contact_only=True)
        for _ in range(n):
            notice(made, manager_user)
        appeal = None
        for _ in range(n):
            appeal = appealed(made, compliance_user)
            appeal_decide(
                appeal=appeal,
                by=other_manager,
                outcome="not_upheld",
                reasons="r",
                version=1,
            )
        letter = made.letters.first()
        counts.append(
            (
                queries(manager_client, made.get_absolute_url()),
                queries(manager_client, letter.get_absolute_url()),
                queries(manager_client, appeal.get_absolute_url()),
                queries(manager_client, reverse("callers:letter_templates")),
            )
        )
    assert counts[0] == counts[1]
