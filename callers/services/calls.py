"""Writes: logging a call, keeping a caller's record, and requests to speak to someone.

Views, admin, commands and tests all call these. Each is atomic; mail goes out on commit.
Logging a call also gives it its DMTS entry: dmts builds on callers, so callers never calls it;
it says that a call was logged (`call_logged`), inside the call's transaction, and dmts, which
listens from the moment it loads, gives the call its entry and reference there.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from django.db import IntegrityError, transaction
from django.dispatch import Signal

from callers.models import (
    Call,
    Caller,
    CallerActivity,
    CallerPhone,
    ContactRequest,
    Language,
    PhoneCall,
    StaffContact,
)
from callers.services.activity import caller_activity_record
from callers.services.contact_requests import contact_request_email
from callers.services.safeguarding import concern_raise
from opcc_calls.concurrency import locked_for_edit
from opcc_calls.history import history_user_set, save_with_history
from opcc_calls.models import User

#: Sent with `call=` inside the transaction that logs a call, once it and everything about
#: it is saved. dmts gives the call its DMTS entry here (and hands a complaint over).
call_logged = Signal()


@dataclass(frozen=True)
class LoggedCall:
    call: Call
    created: bool  # False when the same form was submitted again (a double click)


def caller_create(*, full_name: str, by: User, phone: str | None = None, notes: str = "") -> Caller:
    """A new caller, with their number if they gave one; history names who added them."""
    caller = save_with_history(Caller(full_name=full_name, notes=notes), user=by)
    CallerActivity.objects.create(caller=caller)
    if phone:
        save_with_history(CallerPhone(caller=caller, number=phone), user=by)
    return caller


@transaction.atomic
def caller_language_record(caller: Caller, *, by: User, language: str, other: str) -> None:
    """The language a caller said they prefer, as a call is logged: another language means
    an interpreter is needed. Read again under a lock: an edit saved since the form was
    sent is kept, not overwritten."""
    current = Caller.objects.select_for_update().get(pk=caller.pk)
    current.language = language
    current.other_language = other if language == Language.OTHER else ""
    current.interpreter_needed = language == Language.OTHER
    current.version += 1
    save_with_history(current, user=by)


def call_log(
    *,
    by: User,
    submission_token: uuid.UUID,
    caller: Caller | None = None,
    new_caller_name: str = "",
    phone: str | None = None,
    requested: StaffContact | None = None,
    request_reason: str = "",
    concern_kind: str = "",
    concern_noticed: str = "",
    phone_call: PhoneCall | None = None,
    call_type: str,
    about: str,
    received_at: datetime,
    outcome: str = "",
    identity_check: str = Call.IdentityCheck.NOT_NEEDED,
    recognised: str = "",
    language: str = "",
    other_language: str = "",
    ended_at: datetime | None = None,
    complaint_status: str = "",
    police_department: str = "",
    published_route_given: bool = False,
    organisation: str = "",
    selling: str = "",
    abusive: bool = False,
    warning_given_at: datetime | None = None,
    terminated_at: datetime | None = None,
) -> LoggedCall:
    """Log one call (policy 5.5). `phone` is already normalised (E.164). A second submission
    of the same form (same token) returns the call the first one logged: the token is unique
    in the database, so the second insert fails, everything it did is rolled back, and the
    first call is found."""
    try:
        with transaction.atomic():
            if caller is None:
                caller = caller_create(full_name=new_caller_name, phone=phone, by=by)
            elif phone and not caller.phones.filter(number=phone).exists():
                save_with_history(CallerPhone(caller=caller, number=phone), user=by)
            if language:
                caller_language_record(caller, by=by, language=language, other=other_language)
            phone_call_id = ""
            if phone_call is not None:  # answered through screen pop: the phone system's times
                received_at = phone_call.answered_at or phone_call.ringing_at or received_at
                ended_at = phone_call.ended_at or ended_at
                phone_call_id = phone_call.call_id
            call = Call(
                caller=caller,
                handler=by,
                submission_token=submission_token,
                call_type=call_type,
                about=about,
                outcome=outcome,
                identity_check=identity_check,
                recognised=recognised,
                received_at=received_at,
                ended_at=ended_at,
                complaint_status=complaint_status,
                police_department=police_department,
                published_route_given=published_route_given,
                organisation=organisation,
                selling=selling,
                abusive=abusive,
                warning_given_at=warning_given_at,
                terminated_at=terminated_at,
                phone_call_id=phone_call_id,
            )
            # The log-a-call form checked what was typed; the database checks the rest.
            save_with_history(call, user=by, checks_in_database=True)
            asked = call.call_type in (Call.Type.COMMISSIONER, Call.Type.NAMED_PERSON)
            if asked or (call.call_type == Call.Type.SALES and requested):  # 5.9(b) too
                contact_request = ContactRequest(
                    call=call, requested=requested, reason=request_reason
                )
                save_with_history(contact_request, user=by)
                contact_request_email.enqueue(contact_request.pk)  # queued with the call
            caller_activity_record(caller, call)
            if concern_kind:
                concern_raise(
                    caller=caller,
                    by=by,
                    kind=concern_kind,
                    noticed=concern_noticed,
                    call=call,
                )
            if phone_call is not None:
                PhoneCall.objects.filter(pk=phone_call.pk, logged_as=None).update(logged_as=call)
            # Last: what a receiver locks (dmts: the year's reference counter) stays locked
            # only until the commit; a receiver that raises rolls the call back.
            call_logged.send(sender=Call, call=call)
    except IntegrityError:
        # The same form sent again (a double click, a resend): the first one logged it.
        existing = Call.objects.filter(submission_token=submission_token).first()
        if existing is None:
            raise
        return LoggedCall(existing, created=False)
    return LoggedCall(call, created=True)


class CallerDetails(TypedDict, total=False):
    """What a caller's record holds that staff may change (any of it, in one change)."""

    full_name: str
    other_names: str
    email: str
    postal_address: str
    reasonable_adjustments: str
    large_print: bool
    language: str
    other_language: str
    interpreter_needed: bool
    letter_language: str
    notes: str


@transaction.atomic
def caller_update(
    *, caller: Caller, by: User, version: int, phone_numbers: list[str], details: CallerDetails
) -> Caller:
    """Change a caller's details and numbers; refuses a form opened before someone else saved."""
    current = locked_for_edit(Caller, caller.pk, version)
    for name, value in details.items():
        setattr(current, name, value)
    save_with_history(current, user=by)
    wanted = list(dict.fromkeys(phone_numbers))
    for phone in current.phones.all():
        if str(phone.number) not in wanted:
            history_user_set(phone, by)
            phone.delete()
    held = {str(p.number) for p in current.phones.all()}
    for number in wanted:
        if number not in held:
            phone = CallerPhone(caller=current, number=number)
            history_user_set(phone, by)
            phone.save()
    return current
