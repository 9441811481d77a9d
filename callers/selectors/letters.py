"""Reads for letters to flagged callers and their appeals: the office's wording (as saved, or
as it starts), the placeholders it may use, the contact arrangements in plain words, and the
appeals waiting for a decision.

A letter says what the caller is asked to do, why, until when and how to challenge it. It
never says the agreed response, staff notes, concerns or referrals: those are for staff."""

import re
from collections.abc import Mapping
from datetime import date

from django.conf import settings
from django.utils import timezone

from callers.models import (
    Appeal,
    Flag,
    Letterhead,
    LetterTemplate,
)
from opcc_calls.history import Change, record_changes

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

SIGN_OFF = "Yours sincerely\n\nBusiness and Compliance Manager\n{office_name}"

#: How to appeal, as the notice says it (the letterhead repeats the address and telephone).
APPEAL_HOW = (
    "Write to us at {address}, or email us at {email}, within 28 days of this letter, "
    "quoting your reference {reference} and saying why."
)

DEFAULT_WORDING: dict[str, tuple[str, str]] = {
    LetterTemplate.Kind.NOTICE: (
        "How you may contact us",
        "Dear {name}\n\n"
        "We are writing to tell you about the arrangements we have made for your contact with "
        "{office}, and why.\n\n"
        "From the date of this letter:\n{arrangements}\n\n"
        "Why: {reason}\n\n"
        "These arrangements do not stop you raising something new with us, and we will still "
        "deal with it. If you need us to make a reasonable adjustment so that you can contact "
        "us, please tell us.\n\n"
        "We will review these arrangements by {review_date} and write to you if they change.\n\n"
        "If you disagree with them, you can appeal. "
        + APPEAL_HOW
        + " A manager who was not involved in the decision will consider "
        "what you say and write to you with the outcome.\n\n" + SIGN_OFF,
    ),
    LetterTemplate.Kind.APPEAL_UPHELD: (
        "Your appeal about how you may contact us",
        "Dear {name}\n\n"
        "Thank you for your appeal, which we received on {appeal_received}. It has been "
        "considered by a manager who was not involved in the original decision.\n\n"
        "We have upheld your appeal. {outcome_reasons}\n\n"
        "{arrangements}\n\n" + SIGN_OFF,
    ),
    LetterTemplate.Kind.APPEAL_NOT_UPHELD: (
        "Your appeal about how you may contact us",
        "Dear {name}\n\n"
        "Thank you for your appeal, which we received on {appeal_received}. It has been "
        "considered by a manager who was not involved in the original decision.\n\n"
        "We have not upheld your appeal, for these reasons: {outcome_reasons}\n\n"
        "The arrangements stay as they are:\n{arrangements}\n\n"
        "We will review them by {review_date}.\n\n" + SIGN_OFF,
    ),
}


def template_for(kind: str) -> LetterTemplate:
    """The office's template for this kind of letter: as it was last saved, or the wording
    it starts with (unsaved until someone edits it)."""
    saved = LetterTemplate.objects.filter(kind=kind).first()
    if saved:
        return saved
    subject, body = DEFAULT_WORDING[kind]
    return LetterTemplate(kind=kind, subject=subject, body=body)


def in_a_sentence(name: str) -> str:
    """An office's name as a sentence says it: "the Office of …" (a name that brings its own
    article, or reads without one, is set on the letterhead page)."""
    name = name.strip()
    return name if name[:4].lower() == "the " else f"the {name}"


def letterhead_current() -> Letterhead:
    """The office's letterhead as a manager set it, or as it starts (the office's name only,
    unsaved and incomplete: no letter is written until a manager completes it)."""
    saved = Letterhead.objects.filter(pk=1).first()
    if saved:
        return saved
    return Letterhead(
        name=settings.OFFICE_NAME, name_in_sentence=in_a_sentence(settings.OFFICE_NAME)
    )


def templates() -> list[LetterTemplate]:
    """Every kind of letter, saved or as it starts."""
    saved = {template.kind: template for template in LetterTemplate.objects.all()}
    return [saved.get(kind) or template_for(kind) for kind in LetterTemplate.Kind.values]


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def letter_problems(
    flag: Flag, kind: str, template: LetterTemplate, letterhead: Letterhead
) -> list[str]:
    """Why this letter cannot be written now, in words for the manager (none: it can). A
    letter gives the caller a way to reach the office and appeal, arrangements they can
    follow and, when it names one, a review date still to come."""
    problems = []
    if not letterhead.is_complete:
        problems.append(
            "The office's letterhead is not complete: a manager sets the office's address, "
            "telephone and email (Letters, Letterhead) before any letter is written."
        )
    if kind == LetterTemplate.Kind.NOTICE:
        if not flag.is_active:
            problems.append("This flag has ended: there are no arrangements to tell of.")
        elif not flag.has_arrangements:
            problems.append(
                "This flag has no contact arrangements to tell the caller of: set them first."
            )
        elif Flag.arrangements_contradict(
            contact_times=flag.contact_times, written_contact_only=flag.written_contact_only
        ):
            problems.append(
                "This flag's arrangements ask for contact at set times by telephone and for "
                "written contact only: change them so the caller can follow them, then write."
            )
    says_review_date = "{review_date}" in template.subject + template.body
    if flag.is_active and says_review_date and flag.review_date <= timezone.localdate():
        problems.append(
            f"The flag's review date, {long_date(flag.review_date)}, has come: review it first "
            "(renew it with a new review date, or end it), so the letter gives the caller a "
            "date still to come."
        )
    return problems


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(text)} - set(LetterTemplate.PLACEHOLDERS))


#: Placeholders whose value starts with a lower-case article ("the Office of …"): a capital
#: where a sentence or a line begins.
SENTENCE_CASED = {"office"}


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with each known placeholder replaced; anything else in braces stays as typed
    (never Python formatting, which could reach into the objects behind the values)."""

    def value(found: re.Match) -> str:
        name = found.group(1)
        if name not in values:
            return found.group(0)
        filled = values[name]
        before = text[: found.start()].rstrip(" ")
        if name in SENTENCE_CASED and (not before or before[-1] in ".!?\n"):
            filled = filled[:1].upper() + filled[1:]
        return filled

    return PLACEHOLDER.sub(value, text)


def arrangements_text(flag: Flag) -> str:
    """The contact arrangements in force, one sentence a line, in words for the caller."""
    if not flag.is_active:
        return (
            "The arrangements we wrote to you about no longer apply: you may contact us in "
            "the usual way."
        )
    lines = []
    if flag.single_point_of_contact_id:
        contact = flag.single_point_of_contact
        assert contact is not None
        name = contact.get_full_name() or contact.get_username()
        lines.append(
            f"{name} is your single point of contact: please address your letters and emails "
            "to them."
            if flag.written_contact_only
            else f"{name} is your single point of contact: please ask for them when you contact us."
        )
    if flag.contact_times:
        lines.append(f"Please telephone us only at these times: {flag.contact_times}.")
    if flag.written_contact_only:
        lines.append("Please contact us in writing only, by letter or email, not by telephone.")
    return "\n".join(lines) or "You may contact us in the usual way."


#: Appeals listed on a page; a manager's home page says when there are more.
APPEALS_LISTED = 20


def appeals_waiting() -> list[Appeal]:
    """Appeals waiting for a decision, the oldest first: on managers' home page and the Silver
    meeting's agenda."""
    return list(
        Appeal.objects.waiting()
        .select_related("flag__caller", "flag__flagged_by")
        .order_by("received_on", "pk")[:APPEALS_LISTED]
    )


def letter_template_changes(template: LetterTemplate) -> list[Change]:
    """The wording's history, newest first (none before it was first saved)."""
    if not template.pk:
        return []
    return record_changes(
        template.history.all(),
        LetterTemplate,
        limit=20,
        what={"+": "Wording saved", "~": "Wording changed", "-": "Wording deleted"},
    )
