"""Writes for requests to speak to the Commissioner or a named person (policy 5.8d): the email
to the person asked for (sent by the background worker, tried again while the mail server will
not take it), their decision, and each opening of the emailed link."""

import logging

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_tasks import task

from callers.models import (
    ContactRequest,
    ContactRequestOpening,
)
from callers.selectors.contact_requests import CONTACT_REQUEST_LINK_DAYS, contact_request_token
from opcc_calls.background import SENT, email_or_retry
from opcc_calls.history import history_user_set, save_with_history
from opcc_calls.models import User

logger = logging.getLogger(__name__)


@task()
def contact_request_email(contact_request_id: int, attempt: int = 1) -> str:
    """Background: email the person asked for the caller's details and the reason (5.8d), and
    again later while the mail server will not take it (the request is queued with the call,
    so it is never lost). Nothing is transferred; they decide whether to call back."""
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
    outcome = email_or_retry(
        contact_request_email,
        contact_request_id,
        attempt=attempt,
        subject=lambda: (
            _("A caller asked to speak to you (%(reference)s)")
            % {"reference": contact_request.call.reference}
        ),
        template="callers/contact_requests/email/contact_request.txt",
        context={
            "contact_request": contact_request,
            "call": contact_request.call,
            "caller": contact_request.call.caller,
            "phones": list(contact_request.call.caller.phones.all()),
            "link": link,
            "link_days": CONTACT_REQUEST_LINK_DAYS,
        },
        to=[contact_request.requested.email],
    )
    if outcome == SENT:
        contact_request.emailed_at = timezone.now()
        history_user_set(contact_request, None, "Emailed to the person asked for")
        contact_request.save(update_fields=["emailed_at"])
    return outcome


ALREADY_DECIDED = (
    "A decision has been recorded already. To change it, sign in to OPCC Calls, or ask the "
    "office to change it."
)


@transaction.atomic
def contact_request_decide(
    *, contact_request: ContactRequest, decision: str, note: str = "", by: User | None = None
) -> ContactRequest:
    """Record whether the person asked for will call back (5.8d). Through the emailed link
    (`decided_by` None: they may never sign in, like the Commissioner) a request is decided
    once; signed in, the person asked for (or whoever looks after requests) may change it."""
    if decision == ContactRequest.Decision.PENDING:
        raise ValidationError({"decision": _("Choose what you have decided.")})
    contact_request = (
        ContactRequest.objects.select_for_update(of=("self",))
        .select_related("requested")
        .get(pk=contact_request.pk)
    )
    if by is None and contact_request.is_decided:
        raise ValidationError(ALREADY_DECIDED)
    if by is not None and not contact_request.can_be_decided_by(by):
        raise PermissionDenied
    changing = contact_request.is_decided
    contact_request.decision, contact_request.decision_note = decision, note
    contact_request.decided_at = timezone.now()
    contact_request.decided_by = by
    contact_request.decided_through_link = by is None
    reason = (
        "Decision recorded through the emailed link"
        if by is None
        else ("Decision changed" if changing else "Decision recorded") + " after signing in"
    )
    return save_with_history(contact_request, user=by, reason=reason)


def contact_request_opened(*, contact_request: ContactRequest, by: User | AnonymousUser) -> None:
    """Record that the emailed link was followed (and who, if they were signed in)."""
    ContactRequestOpening.objects.create(
        contact_request=contact_request, signed_in_as=by if by.is_authenticated else None
    )
