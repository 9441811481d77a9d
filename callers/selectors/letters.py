"""Reads for letters to flagged callers and their appeals: the office's wording (as saved, or
as it starts), the placeholders it may use, the contact arrangements in plain words, and the
appeals waiting for a decision.

A letter says what the caller is asked to do, why, until when and how to challenge it. It
never says the agreed response, staff notes, concerns or referrals: those are for staff."""

import re
from collections.abc import Mapping

from django.conf import settings

from callers.models import (
    Appeal,
    Flag,
    LetterTemplate,
)
from opcc_calls.history import Change, record_changes

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

SIGN_OFF = "Yours sincerely\n\nBusiness and Compliance Manager\n{office}"

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
        "If you disagree with them, you can appeal. Write to us or email us within 28 days of "
        "this letter, saying why. A manager who was not involved in the decision will consider "
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
    return LetterTemplate(kind=kind, letterhead=settings.OFFICE_NAME, subject=subject, body=body)


def templates() -> list[LetterTemplate]:
    """Every kind of letter, saved or as it starts."""
    saved = {template.kind: template for template in LetterTemplate.objects.all()}
    return [saved.get(kind) or template_for(kind) for kind in LetterTemplate.Kind.values]


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(text)} - set(LetterTemplate.PLACEHOLDERS))


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with each known placeholder replaced; anything else in braces stays as typed
    (never Python formatting, which could reach into the objects behind the values)."""
    return PLACEHOLDER.sub(lambda found: values.get(found.group(1), found.group(0)), text)


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
        lines.append(
            f"{contact.get_full_name() or contact.get_username()} is your single point of "
            "contact: please ask for them when you contact us."
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
