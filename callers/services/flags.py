"""Writes for flags (policy 5.3c, 5.6): flagging a caller with the agreed response every
handler follows, renewing at review, changing the agreed response or the contact
arrangements, ending a flag, and importing an office's frequent calls spreadsheet."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from callers.models import (
    Call,
    Caller,
    Flag,
    FlagReview,
    Meeting,
)
from callers.models.flags import default_review_date
from callers.selectors.flags import Row, import_check
from callers.services.calls import caller_create
from opcc_calls.concurrency import locked_for_edit
from opcc_calls.history import save_with_history
from opcc_calls.models import User
from opcc_calls.permissions import permission_check

#: Who may flag callers, renew, change and end flags, and run the meetings that decide.
FLAG_CALLER = "callers.flag_caller"


def _locked(flag: Flag, version: int) -> Flag:
    current = locked_for_edit(Flag, flag.pk, version)
    if not current.is_active:
        raise ValidationError(_("This flag has ended."))
    return current


@transaction.atomic
def flag_create(
    *,
    caller: Caller,
    by: User,
    kind: str,
    reason: str,
    agreed_response: str,
    meeting: Meeting | None = None,
    review_date: date | None = None,
    single_point_of_contact: User | None = None,
    contact_times: str = "",
    written_contact_only: bool = False,
    adjustments_considered: bool = False,
    adjustments_note: str = "",
    flagged_at: datetime | None = None,
) -> Flag:
    """Flag a caller as frequent or regular with the agreed response (5.6), and any contact
    arrangements; reviewed by `review_date` (six months on when not given). Records the calls
    that led to it as they stood. `flagged_at`: when it was agreed, if not now (a flag agreed
    before the office used the system)."""
    permission_check(by, FLAG_CALLER)
    already = "This caller is already flagged: review or change that flag."
    if Flag.objects.active().filter(caller=caller).exists():
        raise ValidationError(already)
    if not agreed_response.strip():
        raise ValidationError({"agreed_response": _("Write the agreed response handlers follow.")})
    _arrangements_check(contact_times or "", written_contact_only)
    # The calls that led to it as they stood when it was agreed (a flag agreed before the
    # office used the system counts the calls up to then, not those since).
    counts = Call.objects.for_caller(caller).window_counts(now=flagged_at)
    flag = Flag(
        caller=caller,
        flagged_by=by,
        kind=kind,
        reason=reason,
        agreed_response=agreed_response.strip(),
        meeting=meeting,
        counts_at_flag=counts,
        review_date=review_date or default_review_date(),
        single_point_of_contact=single_point_of_contact,
        contact_times=contact_times or "",
        written_contact_only=written_contact_only,
        adjustments_considered=adjustments_considered,
        adjustments_note=adjustments_note or "",
        flagged_at=flagged_at or timezone.now(),
    )
    try:
        with transaction.atomic():
            return save_with_history(flag, user=by, reason=f"Flagged: {reason}")
    except IntegrityError as error:
        raise ValidationError(
            _("This caller is already flagged: review or change that flag.")
        ) from error


@transaction.atomic
def flag_renew(
    *,
    flag: Flag,
    by: User,
    reason: str,
    new_review_date: date,
    version: int,
    meeting: Meeting | None = None,
) -> Flag:
    """Renew a flag at review, with reasons and a new review date."""
    permission_check(by, FLAG_CALLER)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reasons for renewing.")})
    if new_review_date <= timezone.localdate():
        raise ValidationError({"new_review_date": _("The next review must be in the future.")})
    flag = _locked(flag, version)
    FlagReview.objects.create(
        flag=flag,
        reviewed_by=by,
        reason=reason.strip(),
        previous_review_date=flag.review_date,
        new_review_date=new_review_date,
        meeting=meeting,
    )
    flag.review_date = new_review_date
    return save_with_history(flag, user=by, reason=f"Renewed: {reason.strip()}")


@transaction.atomic
def flag_change_response(
    *, flag: Flag, by: User, agreed_response: str, reason: str, version: int
) -> Flag:
    permission_check(by, FLAG_CALLER)
    if not agreed_response.strip():
        raise ValidationError({"agreed_response": _("Write the agreed response handlers follow.")})
    flag = _locked(flag, version)
    flag.agreed_response = agreed_response.strip()
    return save_with_history(
        flag, user=by, reason=f"Agreed response changed: {reason.strip() or 'no reason'}"
    )


def _arrangements_check(contact_times: str, written_contact_only: bool) -> None:
    """Refuse arrangements a caller could not follow (told to telephone at set times and to
    contact the office in writing only)."""
    if Flag.arrangements_contradict(
        contact_times=contact_times, written_contact_only=written_contact_only
    ):
        raise ValidationError({"written_contact_only": Flag.CONTRADICTORY_ARRANGEMENTS})


@transaction.atomic
def flag_change_arrangements(
    *,
    flag: Flag,
    by: User,
    single_point_of_contact: User | None,
    contact_times: str,
    written_contact_only: bool,
    reason: str,
    version: int,
) -> Flag:
    """Change how the caller may contact the office after flagging (5.6); the reason and the
    change go in the flag's history."""
    permission_check(by, FLAG_CALLER)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the arrangements are changing.")})
    _arrangements_check(contact_times, written_contact_only)
    flag = _locked(flag, version)
    flag.single_point_of_contact = single_point_of_contact
    flag.contact_times = contact_times.strip()
    flag.written_contact_only = written_contact_only
    flag.told_on = None  # the caller is to be told of the new arrangements
    return save_with_history(
        flag, user=by, reason=f"Contact arrangements changed: {reason.strip()}"
    )


@transaction.atomic
def flag_end(*, flag: Flag, by: User, reason: str, version: int) -> Flag:
    permission_check(by, FLAG_CALLER)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the flag is ending.")})
    flag = _locked(flag, version)
    flag.ended_at, flag.ended_by, flag.end_reason = timezone.now(), by, reason.strip()
    return save_with_history(flag, user=by, reason=f"Ended: {reason.strip()}")


IMPORT_REASON = "Imported from the frequent calls spreadsheet"


@transaction.atomic
def flags_import(rows: list[dict[str, str]], *, by: User) -> list[Row]:
    """Import every row, or nothing if any row would be rejected."""
    results = import_check(rows)
    rejected = [r for r in results if r.action == "reject"]
    if rejected:
        raise ValidationError(f"{len(rejected)} row(s) would be rejected: nothing was imported.")
    for result in results:
        values = result.values
        caller = result.caller or caller_create(
            full_name=result.name,
            phone=values["phone"] or None,
            notes=values["notes"],
            by=by,
        )
        flag_create(
            caller=caller,
            by=by,
            kind=values["kind"],
            reason=IMPORT_REASON,
            agreed_response=values["agreed_response"],
            review_date=values["review_date"],
        )
    return results
