"""Reads for letters to flagged callers and their appeals: the office's wording (as saved, or
as it starts), the placeholders it may use, the contact arrangements in plain words, and the
appeals waiting for a decision.

A letter says what the caller is asked to do, why, until when and how to challenge it. It
never says the agreed response, staff notes, concerns or referrals: those are for staff."""

import re
from collections.abc import Mapping
from datetime import date

from django.conf import settings
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _

from callers.models import (
    Appeal,
    Flag,
    Letterhead,
    LetterLanguage,
    LetterTemplate,
)
from opcc_calls.history import Change, record_changes

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

SIGN_OFF = "Yours sincerely\n\nBusiness and Compliance Manager\n{office_name}"
SIGN_OFF_WELSH = "Yn gywir\n\nRheolwr Busnes a Chydymffurfio\n{office_name}"

#: How to appeal, as the notice says it (the letterhead repeats the address and telephone).
APPEAL_HOW = (
    "Write to us at {address}, or email us at {email}, within 28 days of this letter, "
    "quoting your reference {reference} and saying why."
)
APPEAL_HOW_WELSH = (
    "Ysgrifennwch atom yn {address}, neu anfonwch e-bost atom yn {email}, o fewn 28 diwrnod i "
    "ddyddiad y llythyr hwn, gan ddyfynnu eich cyfeirnod {reference} a dweud pam."
)
CONSIDERED_WELSH = (
    "Annwyl {name}\n\n"
    "Diolch am eich apêl, a gawsom ar {appeal_received}. Mae wedi cael ei hystyried gan reolwr "
    "nad oedd yn rhan o'r penderfyniad gwreiddiol.\n\n"
)

#: The wording each letter starts with, in English and in Welsh (the Welsh Language
#: Standards: a Welsh speaker's letter no less favourable than an English one's).
DEFAULT_WORDING: dict[tuple[str, str], tuple[str, str]] = {
    (LetterTemplate.Kind.NOTICE, LetterLanguage.ENGLISH): (
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
    (LetterTemplate.Kind.APPEAL_UPHELD, LetterLanguage.ENGLISH): (
        "Your appeal about how you may contact us",
        "Dear {name}\n\n"
        "Thank you for your appeal, which we received on {appeal_received}. It has been "
        "considered by a manager who was not involved in the original decision.\n\n"
        "We have upheld your appeal. {outcome_reasons}\n\n"
        "{arrangements}\n\n" + SIGN_OFF,
    ),
    (LetterTemplate.Kind.APPEAL_NOT_UPHELD, LetterLanguage.ENGLISH): (
        "Your appeal about how you may contact us",
        "Dear {name}\n\n"
        "Thank you for your appeal, which we received on {appeal_received}. It has been "
        "considered by a manager who was not involved in the original decision.\n\n"
        "We have not upheld your appeal, for these reasons: {outcome_reasons}\n\n"
        "The arrangements stay as they are:\n{arrangements}\n\n"
        "We will review them by {review_date}.\n\n" + SIGN_OFF,
    ),
    (LetterTemplate.Kind.NOTICE, LetterLanguage.WELSH): (
        "Sut y cewch gysylltu â ni",
        "Annwyl {name}\n\n"
        "Rydym yn ysgrifennu i roi gwybod i chi am y trefniadau rydym wedi'u gwneud ar gyfer eich "
        "cysylltiad â {office}, a pham.\n\n"
        "O ddyddiad y llythyr hwn:\n{arrangements}\n\n"
        "Pam: {reason}\n\n"
        "Nid yw'r trefniadau hyn yn eich atal rhag codi rhywbeth newydd gyda ni, a byddwn yn dal "
        "i ymdrin ag ef. Os oes angen i ni wneud addasiad rhesymol er mwyn i chi allu cysylltu â "
        "ni, rhowch wybod i ni.\n\n"
        "Byddwn yn adolygu'r trefniadau hyn erbyn {review_date} ac yn ysgrifennu atoch os byddant "
        "yn newid.\n\n"
        "Os ydych yn anghytuno â nhw, gallwch apelio. "
        + APPEAL_HOW_WELSH
        + " Bydd rheolwr nad oedd yn rhan o'r penderfyniad yn ystyried yr hyn a ddywedwch ac yn "
        "ysgrifennu atoch gyda'r canlyniad.\n\n" + SIGN_OFF_WELSH,
    ),
    (LetterTemplate.Kind.APPEAL_UPHELD, LetterLanguage.WELSH): (
        "Eich apêl ynghylch sut y cewch gysylltu â ni",
        CONSIDERED_WELSH + "Rydym wedi caniatáu eich apêl. {outcome_reasons}\n\n"
        "{arrangements}\n\n" + SIGN_OFF_WELSH,
    ),
    (LetterTemplate.Kind.APPEAL_NOT_UPHELD, LetterLanguage.WELSH): (
        "Eich apêl ynghylch sut y cewch gysylltu â ni",
        CONSIDERED_WELSH + "Nid ydym wedi caniatáu eich apêl, am y rhesymau hyn: "
        "{outcome_reasons}\n\n"
        "Mae'r trefniadau'n aros fel y maent:\n{arrangements}\n\n"
        "Byddwn yn eu hadolygu erbyn {review_date}.\n\n" + SIGN_OFF_WELSH,
    ),
}

#: The languages the office keeps wording in (a bilingual letter is made of both).
WORDING_LANGUAGES = [LetterLanguage.ENGLISH, LetterLanguage.WELSH]


def template_for(kind: str, language: str = LetterLanguage.ENGLISH) -> LetterTemplate:
    """The office's template for this kind of letter in `language`: as it was last saved,
    or the wording it starts with (unsaved until someone edits it)."""
    saved = LetterTemplate.objects.filter(kind=kind, language=language).first()
    if saved:
        return saved
    subject, body = DEFAULT_WORDING[(kind, language)]
    return LetterTemplate(kind=kind, language=language, subject=subject, body=body)


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
    """Every kind of letter in each language, saved or as it starts."""
    saved = {(t.kind, t.language): t for t in LetterTemplate.objects.all()}
    return [
        saved.get((kind, language)) or template_for(kind, language)
        for kind in LetterTemplate.Kind.values
        for language in WORDING_LANGUAGES
    ]


def long_date(day: date, language: str = LetterLanguage.ENGLISH) -> str:
    """A date as a letter in `language` says it: 4 December 2026, 4 Rhagfyr 2026."""
    with translation.override("cy" if language == LetterLanguage.WELSH else "en-gb"):
        return dateformat.format(day, "j F Y")


def letter_problems(
    flag: Flag,
    kind: str,
    template: LetterTemplate,
    letterhead: Letterhead,
    language: str = LetterLanguage.ENGLISH,
) -> list[str]:
    """Why this letter cannot be written now, in words for the manager and in their language
    (none: it can). A letter gives the caller a way to reach the office and appeal,
    arrangements they can follow and, when it names one, a review date still to come; a Welsh
    one names the office in Welsh."""
    problems = []
    if not letterhead.is_complete:
        problems.append(
            _(
                "The office's letterhead is not complete: a manager sets the office's address, "
                "telephone and email (Letters, Letterhead) before any letter is written."
            )
        )
    if language != LetterLanguage.ENGLISH and not (
        letterhead.welsh_name.strip() and letterhead.welsh_name_in_sentence.strip()
    ):
        problems.append(
            _(
                "The letterhead has no Welsh name for the office, so no letter can be written "
                "in Welsh yet: a manager adds it (Letters, Letterhead), or write this one in "
                "English."
            )
        )
    if kind == LetterTemplate.Kind.NOTICE:
        if not flag.is_active:
            problems.append(_("This flag has ended: there are no arrangements to tell of."))
        elif not flag.has_arrangements:
            problems.append(
                _("This flag has no contact arrangements to tell the caller of: set them first.")
            )
        elif Flag.arrangements_contradict(
            contact_times=flag.contact_times, written_contact_only=flag.written_contact_only
        ):
            problems.append(
                _(
                    "This flag's arrangements ask for contact at set times by telephone and for "
                    "written contact only: change them so the caller can follow them, then "
                    "write."
                )
            )
    says_review_date = "{review_date}" in template.subject + template.body
    if flag.is_active and says_review_date and flag.review_date <= timezone.localdate():
        problems.append(
            _(
                "The flag's review date, %(date)s, has come: review it first (renew it with a "
                "new review date, or end it), so the letter gives the caller a date still to "
                "come."
            )
            # In the reader's language: the manager's, not the letter's.
            % {"date": dateformat.format(flag.review_date, "j F Y")}
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


def arrangements_text(flag: Flag, language: str = LetterLanguage.ENGLISH) -> str:
    """The contact arrangements in force, one sentence a line, in words for the caller, in
    the language of their letter (English unless asked: what a letter told is compared in
    English)."""
    with translation.override("cy" if language == LetterLanguage.WELSH else "en-gb"):
        return _arrangements(flag)


def _arrangements(flag: Flag) -> str:
    if not flag.is_active:
        return _(
            "The arrangements we wrote to you about no longer apply: you may contact us in "
            "the usual way."
        )
    lines = []
    if flag.single_point_of_contact_id:
        contact = flag.single_point_of_contact
        assert contact is not None
        name = contact.get_full_name() or contact.get_username()
        lines.append(
            _(
                "%(name)s is your single point of contact: please address your letters and "
                "emails to them."
            )
            % {"name": name}
            if flag.written_contact_only
            else _(
                "%(name)s is your single point of contact: please ask for them when you contact us."
            )
            % {"name": name}
        )
    if flag.contact_times:
        lines.append(
            _("Please telephone us only at these times: %(times)s.") % {"times": flag.contact_times}
        )
    if flag.written_contact_only:
        lines.append(_("Please contact us in writing only, by letter or email, not by telephone."))
    return "\n".join(lines) or _("You may contact us in the usual way.")


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
        what={"+": _("Wording saved"), "~": _("Wording changed"), "-": _("Wording deleted")},
    )
