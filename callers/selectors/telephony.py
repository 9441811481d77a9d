"""Reads for screen pop: the call the phone system reports on a handler's extension now."""

from datetime import timedelta

from django.utils import timezone

from callers.models import (
    PhoneCall,
)
from opcc_calls.models import User

#: A call the phone system reported stays on the handler's screen this long unless logged.
PHONE_CALL_SHOWN = timedelta(hours=1)


def phone_call_current(user: User) -> PhoneCall | None:
    """The call on this person's extension that their screen should show: the latest, still
    to be logged and not dismissed, whose last event came in the last hour (one indexed
    query)."""
    return (
        PhoneCall.objects.filter(
            handler=user,
            logged_as=None,
            dismissed_at=None,
            updated_at__gte=timezone.now() - PHONE_CALL_SHOWN,
        )
        .order_by("-updated_at", "-pk")
        .first()
    )


def phone_call_for(user: User, pk: int | None) -> PhoneCall | None:
    """The reported call a log-a-call form names, if it is this person's and not logged."""
    if not pk:
        return None
    return PhoneCall.objects.filter(pk=pk, handler=user, logged_as=None).first()
