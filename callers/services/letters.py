"""Writes for telling a flagged caller in writing: the office's wording, letters written from it
and recorded as sent, and the caller's appeal, decided by a manager who did not make the flag."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from callers.models import (
    Appeal,
    Flag,
    Letter,
    Letterhead,
    LetterLanguage,
    LetterTemplate,
)
from callers.selectors.letters import (
    arrangements_text,
    fill,
    letter_problems,
    letterhead_current,
    long_date,
    template_for,
    unknown_placeholders,
)
from callers.services.flags import flag_change_arrangements, flag_end
from opcc_calls import phones
from opcc_calls.concurrency import StaleEdit, locked_for_edit
from opcc_calls.history import save_with_history
from opcc_calls.models import User
from opcc_calls.permissions import permission_check


@transaction.atomic
def letterhead_save(
    *,
    by: User,
    name: str,
    name_in_sentence: str,
    address: str,
    telephone: str,
    email: str,
    web: str,
    version: int,
    reason: str,
    welsh_name: str = "",
    welsh_name_in_sentence: str = "",
    welsh_address: str = "",
    letter_language: str = LetterLanguage.ENGLISH,
) -> Letterhead:
    """Set the office's letterhead, which every letter written from now on carries (the first
    save makes it). Letters already written keep theirs."""
    permission_check(by, "callers.change_letterhead")
    saved = Letterhead.objects.select_for_update().filter(pk=1).first()
    letterhead = saved or letterhead_current()
    if letterhead.version != version:
        raise StaleEdit
    letterhead.name, letterhead.name_in_sentence = name.strip(), name_in_sentence.strip()
    letterhead.address, letterhead.telephone = address.strip(), telephone
    letterhead.email, letterhead.web = email.strip(), web.strip()
    letterhead.welsh_name = welsh_name.strip()
    letterhead.welsh_name_in_sentence = welsh_name_in_sentence.strip()
    letterhead.welsh_address = welsh_address.strip()
    letterhead.letter_language = letter_language
    letterhead.version = version + 1
    letterhead.full_clean()
    try:
        with transaction.atomic():
            return save_with_history(letterhead, user=by, reason=reason.strip())
    except IntegrityError as error:  # two first saves at once
        raise StaleEdit from error


@transaction.atomic
def letter_template_save(
    *,
    kind: str,
    by: User,
    subject: str,
    body: str,
    version: int,
    reason: str,
    language: str = LetterLanguage.ENGLISH,
) -> LetterTemplate:
    """Save the office's wording for one kind of letter in one language (the first save
    makes it)."""
    permission_check(by, "callers.change_lettertemplate")
    unknown = unknown_placeholders(subject + body)
    if unknown:
        raise ValidationError(
            {
                "body": _(
                    "These placeholders are not known: %(placeholders)s. Use only those listed."
                )
                % {"placeholders": ", ".join(f"{{{name}}}" for name in unknown)}
            }
        )
    template = template_for(kind, language)
    if template.pk:
        template = locked_for_edit(LetterTemplate, template.pk, version)
    elif version != template.version:
        raise StaleEdit
    else:  # the first save: a form opened on the starting wording is now out of date
        template.version = version + 1
    template.subject, template.body = subject, body
    try:
        with transaction.atomic():
            return save_with_history(template, user=by, reason=reason.strip())
    except IntegrityError as error:  # two first saves at once
        raise StaleEdit from error


@transaction.atomic
def letter_write(
    *,
    flag: Flag,
    by: User,
    kind: str,
    reason: str = "",
    welsh_reason: str = "",
    appeal: Appeal | None = None,
    language: str = "",
) -> Letter:
    """Write a letter to a flagged caller from the office's template, filled from the flag:
    the arrangements in plain words, the reason, the review date (never the agreed response
    or any note, concern or referral). In `language` (by default the caller's language for
    letters, or the office's): a bilingual letter is the Welsh, then the English. Kept as
    written."""
    permission_check(by, "callers.write_letter")
    flag = Flag.objects.select_related("caller", "single_point_of_contact").get(pk=flag.pk)
    caller = flag.caller
    letterhead = letterhead_current()
    language = language or caller.letters_in(letterhead.letter_language)
    wordings = LetterLanguage.wordings(language)
    templates = {wording: template_for(kind, wording) for wording in wordings}
    problems = letter_problems(flag, kind, templates[wordings[0]], letterhead, language)
    if problems:
        raise ValidationError(problems)
    reasons: dict[str, str] = {"en": reason.strip(), "cy": welsh_reason.strip()}
    if appeal is not None:
        reasons = {"en": appeal.reasons, "cy": appeal.welsh_reasons.strip()}
    if kind == Letter.Kind.NOTICE:
        for wording in wordings:
            if not reasons[wording]:
                field = "reason" if wording == LetterLanguage.ENGLISH else "welsh_reason"
                raise ValidationError({field: _why_missing(wording)})
    written = [
        _filled(templates[wording], wording, flag, letterhead, reasons[wording], appeal)
        for wording in wordings
    ]
    letter = Letter(
        flag=flag,
        appeal=appeal,
        kind=kind,
        language=language,
        arrangements=arrangements_text(flag),  # in English, to compare with the flag's later
        letterhead="\n".join(letterhead.lines_in(language)),
        reference=caller.reference,
        subject=written[0][0],
        body=written[0][1],
        english_subject=written[1][0] if len(written) > 1 else "",
        english_body=written[1][1] if len(written) > 1 else "",
        written_by=by,
    )
    return save_with_history(letter, user=by, reason="Written from the office's template")


def _why_missing(wording: str) -> str:
    if wording == LetterLanguage.WELSH:
        return _("Say why in Welsh, in words for the caller: the letter is in Welsh.")
    return _("Say why, in words for the caller.")


def _filled(
    template: LetterTemplate,
    language: str,
    flag: Flag,
    letterhead: Letterhead,
    reason: str,
    appeal: Appeal | None,
) -> tuple[str, str]:
    """One language's subject and body, its placeholders filled in that language."""
    caller = flag.caller
    welsh = language == LetterLanguage.WELSH
    address = letterhead.welsh_address if welsh and letterhead.welsh_address.strip() else ""
    values = {
        "name": caller.full_name,
        "reference": caller.reference,
        "office": letterhead.welsh_name_in_sentence if welsh else letterhead.name_in_sentence,
        "office_name": letterhead.name_in(language),
        "address": ", ".join(
            [line.strip() for line in address.splitlines() if line.strip()]
            or letterhead.address_lines
        ),
        "telephone": phones.as_national(str(letterhead.telephone)),
        "email": letterhead.email,
        "date": long_date(timezone.localdate(), language),
        "arrangements": arrangements_text(flag, language),
        "reason": reason,
        "review_date": long_date(flag.review_date, language),
        "appeal_received": long_date(appeal.received_on, language) if appeal else "",
        "outcome_reasons": reason if appeal else "",
    }
    return fill(template.subject, values), fill(template.body, values)


@transaction.atomic
def letter_sent(*, letter: Letter, by: User, sent_on: date, sent_how: str, version: int) -> Letter:
    """Record that a letter went to the caller: when, how and by whom. A notice of the
    arrangements in force marks the flag as told, in the flag's own history too."""
    permission_check(by, "callers.write_letter")
    letter = locked_for_edit(Letter, letter.pk, version)
    if letter.sent_on:
        raise ValidationError(_("This letter is already recorded as sent."))
    if sent_on > timezone.localdate():
        raise ValidationError({"sent_on": _("The date it was sent cannot be in the future.")})
    if sent_on < timezone.localdate(letter.written_at):
        raise ValidationError({"sent_on": _("It cannot have been sent before it was written.")})
    caller = letter.flag.caller
    if sent_how == Letter.Sent.POST and not caller.postal_address.strip():
        raise ValidationError(
            {
                "sent_how": _(
                    "There is no postal address on the caller's record: add it first (the "
                    "letter is addressed from it), or send the letter by email."
                )
            }
        )
    if sent_how == Letter.Sent.EMAIL and not caller.email:
        raise ValidationError(
            {
                "sent_how": _(
                    "There is no email address on the caller's record: add it first, or send "
                    "the letter by post."
                )
            }
        )
    letter.sent_on, letter.sent_how, letter.sent_by = sent_on, sent_how, by
    save_with_history(letter, user=by, reason="Recorded as sent")
    flag = (
        Flag.objects.select_for_update(of=("self",))
        .select_related("single_point_of_contact")
        .get(pk=letter.flag_id)
    )
    how = Letter.Sent(sent_how).label.lower()
    if (
        letter.kind == Letter.Kind.NOTICE
        and flag.is_active
        and letter.arrangements == arrangements_text(flag)  # not since changed
    ):
        flag.told_on = sent_on
    flag.version += 1
    save_with_history(
        flag,
        user=by,
        reason=f"{letter.get_kind_display()} sent {how} on {long_date(sent_on)}",
    )
    return letter


@transaction.atomic
def appeal_record(*, flag: Flag, by: User, received_on: date, grounds: str) -> Appeal:
    """Record a caller's appeal against their contact arrangements, for a manager who did not
    make the flag to decide."""
    permission_check(by, "callers.add_appeal")
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    if not flag.is_active:
        raise ValidationError(_("This flag has ended: there is nothing to appeal."))
    if received_on > timezone.localdate():
        raise ValidationError(
            {"received_on": _("The date it was received cannot be in the future.")}
        )
    if not grounds.strip():
        raise ValidationError({"grounds": _("Write what the caller says.")})
    if flag.appeals.waiting().exists():
        raise ValidationError(_("An appeal against this flag is already waiting for a decision."))
    appeal = Appeal(flag=flag, recorded_by=by, received_on=received_on, grounds=grounds)
    return save_with_history(appeal, user=by, reason="Appeal received")


@transaction.atomic
def appeal_decide(
    *,
    appeal: Appeal,
    by: User,
    outcome: str,
    reasons: str,
    version: int,
    welsh_reasons: str = "",
    single_point_of_contact: User | None = None,
    contact_times: str = "",
    written_contact_only: bool = False,
) -> Appeal:
    """Decide an appeal, carry out an upheld one on the flag (it ends, or the arrangements
    change) and write the letter of outcome from its own template."""
    permission_check(by, "callers.decide_appeal")
    appeal = locked_for_edit(Appeal, appeal.pk, version, related=("flag",))
    if appeal.flag.flagged_by_id == by.pk:
        raise PermissionDenied(
            _("The appeal must be decided by a manager who did not make the flag.")
        )
    if not appeal.is_waiting:
        raise ValidationError(_("This appeal has already been decided."))
    if not reasons.strip():
        raise ValidationError({"reasons": _("Give the reasons for the decision.")})
    flag = appeal.flag
    letters_in = flag.caller.letters_in(letterhead_current().letter_language)
    if LetterLanguage.WELSH in LetterLanguage.wordings(letters_in) and not welsh_reasons.strip():
        raise ValidationError(
            {
                "welsh_reasons": _(
                    "Give the reasons in Welsh too: the caller's letters are in Welsh."
                )
            }
        )
    Outcome = Appeal.Outcome
    if outcome == Outcome.UPHELD_END:
        flag_end(flag=flag, by=by, reason=f"Appeal upheld: {reasons}", version=flag.version)
    elif outcome == Outcome.UPHELD_CHANGE:
        flag_change_arrangements(
            flag=flag,
            by=by,
            reason=f"appeal upheld: {reasons}",
            single_point_of_contact=single_point_of_contact,
            contact_times=contact_times,
            written_contact_only=written_contact_only,
            version=flag.version,
        )
    appeal.outcome, appeal.reasons = outcome, reasons.strip()
    appeal.welsh_reasons = welsh_reasons.strip()
    appeal.decided_by, appeal.decided_at = by, timezone.now()
    save_with_history(appeal, user=by, reason=f"Decided: {appeal.get_outcome_display()}")
    upheld = outcome != Outcome.NOT_UPHELD
    kind = Letter.Kind.APPEAL_UPHELD if upheld else Letter.Kind.APPEAL_NOT_UPHELD
    letter_write(flag=flag, by=by, kind=kind, appeal=appeal, language=letters_in)
    return appeal
