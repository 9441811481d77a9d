"""Writes: logging a call, keeping a caller's record, and requests to speak to someone.

Views, admin, commands and tests all call these. Each is atomic; mail goes out on commit.
Logging a call also gives it its DMTS entry: this module calls `dmts.services`, which in turn
builds only on callers' models and activity counters, never on this module.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_tasks import task

from callers import phones
from callers.models import (
    Call,
    Caller,
    CallerActivity,
    CallerPhone,
    ContactRequest,
    ContactRequestOpening,
    PhoneCall,
    StaffContact,
    TelephonyEvent,
)
from callers.selectors.calls import CONTACT_REQUEST_LINK_DAYS, contact_request_token
from callers.services.activity import caller_activity_record
from callers.services.safeguarding import concern_raise
from dmts.services import complaint_handover_send, entry_create
from opcc_calls.background import retry_later
from opcc_calls.concurrency import locked_for_edit
from opcc_calls.history import save_with_history
from opcc_calls.models import User
from opcc_calls.telephony import PhoneEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoggedCall:
    call: Call
    created: bool  # False when the same form was submitted again (a double click)


def caller_create(*, full_name: str, created_by, phone: str | None = None, **fields) -> Caller:
    """A new caller, with their number if they gave one; history names who added them."""
    caller = save_with_history(Caller(full_name=full_name, **fields), user=created_by)
    CallerActivity.objects.create(caller=caller)
    if phone:
        save_with_history(CallerPhone(caller=caller, number=phone), user=created_by)
    return caller


def call_log(
    *,
    handler,
    submission_token: uuid.UUID,
    caller: Caller | None = None,
    new_caller_name: str = "",
    phone: str | None = None,
    requested: StaffContact | None = None,
    request_reason: str = "",
    concern_kind: str = "",
    concern_noticed: str = "",
    phone_call: PhoneCall | None = None,
    **details,
) -> LoggedCall:
    """Log one call (policy 5.5). `phone` is already normalised (E.164). A second submission
    of the same form (same token) returns the call the first one logged: the token is unique
    in the database, so the second insert fails, everything it did is rolled back, and the
    first call is found."""
    try:
        with transaction.atomic():
            if caller is None:
                caller = caller_create(full_name=new_caller_name, phone=phone, created_by=handler)
            elif phone and not caller.phones.filter(number=phone).exists():
                save_with_history(CallerPhone(caller=caller, number=phone), user=handler)
            if phone_call is not None:  # answered through screen pop: the phone system's times
                details["received_at"] = (
                    phone_call.answered_at or phone_call.ringing_at or details["received_at"]
                )
                details["ended_at"] = phone_call.ended_at or details.get("ended_at")
                details["phone_call_id"] = phone_call.call_id
            call = Call(
                caller=caller, handler=handler, submission_token=submission_token, **details
            )
            # The log-a-call form checked what was typed; the database checks the rest.
            save_with_history(call, user=handler, checks_in_database=True)
            if call.call_type in (Call.Type.COMMISSIONER, Call.Type.NAMED_PERSON):
                contact_request = ContactRequest(
                    call=call, requested=requested, reason=request_reason
                )
                save_with_history(contact_request, user=handler)
                contact_request_send.enqueue(contact_request.pk)  # queued with the call
            caller_activity_record(caller, call)
            if concern_kind:
                concern_raise(
                    caller=caller,
                    raised_by=handler,
                    kind=concern_kind,
                    noticed=concern_noticed,
                    call=call,
                )
            if call.call_type == Call.Type.COMPLAINT:
                complaint_handover_send.enqueue(call.pk)  # its entry shares the call's key
            if phone_call is not None:
                PhoneCall.objects.filter(pk=phone_call.pk, logged_as=None).update(logged_as=call)
            entry_create(call=call)  # last: the counter stays locked only until the commit
    except IntegrityError:
        # The same form sent again (a double click, a resend): the first one logged it.
        existing = Call.objects.filter(submission_token=submission_token).first()
        if existing is None:
            raise
        return LoggedCall(existing, created=False)
    return LoggedCall(call, created=True)


@transaction.atomic
def caller_update(
    *, caller: Caller, changed_by, version: int, phone_numbers: list[str], **fields
) -> Caller:
    """Change a caller's details and numbers; refuses a form opened before someone else saved."""
    current = locked_for_edit(Caller, caller.pk, version)
    for name, value in fields.items():
        setattr(current, name, value)
    save_with_history(current, user=changed_by)
    wanted = list(dict.fromkeys(phone_numbers))
    for phone in current.phones.all():
        if str(phone.number) not in wanted:
            phone._history_user = changed_by
            phone.delete()
    held = {str(p.number) for p in current.phones.all()}
    for number in wanted:
        if number not in held:
            phone = CallerPhone(caller=current, number=number)
            phone._history_user = changed_by
            phone.save()
    return current


@task()
def contact_request_send(contact_request_id: int, attempt: int = 1) -> str:
    """Background: email the person asked for, and again later while the mail server will
    not take it (the request is queued with the call, so it is never lost)."""
    if contact_request_notify(contact_request_id):
        return "sent"
    return retry_later(contact_request_send, contact_request_id, attempt=attempt)


def contact_request_notify(contact_request_id: int) -> bool:
    """Email the person asked for the caller's details and the reason (5.8d). Nothing is
    transferred; they decide whether to call back. A mail failure never loses the call."""
    contact_request = ContactRequest.objects.select_related(
        "call__caller", "call__handler", "requested"
    ).get(pk=contact_request_id)
    # The token goes in the query string, which the access log leaves out (gunicorn.conf.py),
    # and the page it opens moves it to the session and drops it from the address at once.
    link = (
        settings.SITE_URL
        + reverse("callers:request_decide")
        + "?"
        + urlencode({"t": contact_request_token(contact_request)})
    )
    context = {
        "contact_request": contact_request,
        "call": contact_request.call,
        "caller": contact_request.call.caller,
        "phones": list(contact_request.call.caller.phones.all()),
        "link": link,
        "office_name": settings.OFFICE_NAME,
        "link_days": CONTACT_REQUEST_LINK_DAYS,
    }
    try:
        send_mail(
            subject=f"A caller asked to speak to you ({contact_request.call.reference})",
            message=render_to_string("callers/calls/email/contact_request.txt", context),
            from_email=None,
            recipient_list=[contact_request.requested.email],
        )
    except OSError:
        logger.exception("Could not email contact request %s", contact_request.pk)
        return False
    contact_request.emailed_at = timezone.now()
    contact_request._change_reason = "Emailed to the person asked for"
    contact_request.save(update_fields=["emailed_at"])
    return True


ALREADY_DECIDED = (
    "A decision has been recorded already. To change it, sign in to OPCC Calls, or ask the "
    "office to change it."
)


@transaction.atomic
def contact_request_decide(
    *, contact_request: ContactRequest, decision: str, note: str = "", decided_by=None
) -> ContactRequest:
    """Record whether the person asked for will call back (5.8d). Through the emailed link
    (`decided_by` None: they may never sign in, like the Commissioner) a request is decided
    once; signed in, the person asked for (or whoever looks after requests) may change it."""
    if decision == ContactRequest.Decision.PENDING:
        raise ValidationError({"decision": "Choose what you have decided."})
    contact_request = (
        ContactRequest.objects.select_for_update(of=("self",))
        .select_related("requested")
        .get(pk=contact_request.pk)
    )
    if decided_by is None and contact_request.is_decided:
        raise ValidationError(ALREADY_DECIDED)
    if decided_by is not None and not contact_request.can_be_decided_by(decided_by):
        raise PermissionDenied
    changing = contact_request.is_decided
    contact_request.decision, contact_request.decision_note = decision, note
    contact_request.decided_at = timezone.now()
    contact_request.decided_by = decided_by
    contact_request.decided_through_link = decided_by is None
    reason = (
        "Decision recorded through the emailed link"
        if decided_by is None
        else ("Decision changed" if changing else "Decision recorded") + " after signing in"
    )
    return save_with_history(contact_request, user=decided_by, reason=reason)


def contact_request_opened(*, contact_request: ContactRequest, user) -> None:
    """Record that the emailed link was followed (and who, if they were signed in)."""
    ContactRequestOpening.objects.create(
        contact_request=contact_request, signed_in_as=user if user.is_authenticated else None
    )


#: A reported call (with the caller's number) is screen data, not a record: it goes after this.
PHONE_CALL_KEPT = timedelta(days=2)


def phone_event_record(event: PhoneEvent) -> str:
    """Take one signed event from the phone system (screen pop) and say what was done with it:
    the call for that extension is created or moved on (ringing, answered, ended) for the
    handler's screen to read. Each call's each event is taken once (a replay is refused, in
    the database); an extension nobody has is recorded and otherwise ignored. Reported calls
    older than PHONE_CALL_KEPT go as each event comes: the call logged keeps what matters."""
    PhoneCall.objects.filter(updated_at__lt=timezone.now() - PHONE_CALL_KEPT).delete()
    outcome = TelephonyEvent.Outcome
    record = {"event": event.event, "call_id": event.call_id, "extension": event.extension}
    handler = User.objects.filter(extension=event.extension, is_active=True).first()
    if handler is None:
        TelephonyEvent.objects.create(outcome=outcome.UNKNOWN_EXTENSION, **record)
        return outcome.UNKNOWN_EXTENSION
    try:
        with transaction.atomic():
            TelephonyEvent.objects.create(outcome=outcome.ACCEPTED, **record)
            _phone_call_move_on(event, handler)
    except IntegrityError:
        TelephonyEvent.objects.create(outcome=outcome.REPLAY, **record)
        return outcome.REPLAY
    return outcome.ACCEPTED


def _phone_call_move_on(event: PhoneEvent, handler) -> PhoneCall:
    number = "" if event.withheld else (phones.normalise(event.caller_number) or "")
    phone_call, _ = PhoneCall.objects.select_for_update().get_or_create(
        call_id=event.call_id,
        defaults={
            "extension": event.extension,
            "handler": handler,
            "caller_number": event.caller_number,
            "number": number,
            "state": event.event,
        },
    )
    setattr(phone_call, f"{event.event}_at", event.at)
    order = [state.value for state in PhoneCall.State]
    if order.index(event.event) >= order.index(phone_call.state):  # never back (late ringing)
        phone_call.state = event.event
    if event.event == PhoneCall.State.ANSWERED:  # answered here: a transferred call follows
        phone_call.extension, phone_call.handler = event.extension, handler
    phone_call.updated_at = timezone.now()
    phone_call.save()
    logged = phone_call.logged_as
    if event.event == PhoneCall.State.ENDED and logged is not None and logged.ended_at is None:
        logged.ended_at = event.at
        save_with_history(logged, user=None, reason="Ended time from the phone system")
    return phone_call
