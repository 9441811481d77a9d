"""Writes for screen pop: each signed event from the office's phone system moves its call on
(ringing, answered, ended) for the handler's screen to read."""

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from callers.models import (
    PhoneCall,
    TelephonyEvent,
)
from opcc_calls import phones
from opcc_calls.history import save_with_history
from opcc_calls.models import User
from opcc_calls.telephony import PhoneEvent

logger = logging.getLogger(__name__)

#: A reported call (with the caller's number) is screen data, not a record: it goes after this.
PHONE_CALL_KEPT = timedelta(days=2)


def telephony_event_record(event: PhoneEvent) -> str:
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


def _phone_call_move_on(event: PhoneEvent, handler: User) -> PhoneCall:
    number = "" if event.withheld else (phones.normalise(event.caller_number) or "")
    phone_call, _created = PhoneCall.objects.select_for_update().get_or_create(
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


#: Refused events each server process records a minute: enough to show that something is
#: sending them, too few for an unsigned sender to fill the database (the rest are counted
#: in the log, once a minute).
REFUSED_KEPT_PER_MINUTE = 10


@dataclass
class RefusedThisMinute:
    minute: int = 0
    count: int = 0


refused_this_minute = RefusedThisMinute()


def telephony_refused_record(outcome: str) -> bool:
    """Record an event refused before it was read (no body: it may hold anything), up to
    REFUSED_KEPT_PER_MINUTE a minute; returns whether it was recorded."""
    minute = int(time.time() // 60)
    if refused_this_minute.minute != minute:
        refused_this_minute.minute, refused_this_minute.count = minute, 0
    refused_this_minute.count += 1
    if refused_this_minute.count > REFUSED_KEPT_PER_MINUTE:
        if refused_this_minute.count == REFUSED_KEPT_PER_MINUTE + 1:
            logger.warning(
                "More than %s telephony events refused this minute: no more are recorded",
                REFUSED_KEPT_PER_MINUTE,
            )
        return False
    TelephonyEvent.objects.create(outcome=outcome)
    return True


def phone_call_dismiss(*, phone_call: PhoneCall, by: User) -> PhoneCall:
    """Close a popped call's notice without logging it (a reported call is screen data, not a
    record: no history)."""
    if phone_call.handler_id != by.pk:
        raise PermissionDenied
    phone_call.dismissed_at = timezone.now()
    phone_call.save(update_fields=["dismissed_at"])
    return phone_call
