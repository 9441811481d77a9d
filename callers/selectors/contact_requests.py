"""Reads for requests to speak to someone: the signed, short-lived token in the emailed link,
and the request it opens."""

from django.core import signing
from django.db.models import QuerySet

from callers.models import (
    ContactRequest,
)

CONTACT_REQUEST_SALT = "callers.contact-request"

CONTACT_REQUEST_LINK_DAYS = 7


def contact_request_token(contact_request: ContactRequest) -> str:
    """The signed, expiring token in the link the person asked for is emailed (5.8d)."""
    return signing.dumps(contact_request.pk, salt=CONTACT_REQUEST_SALT)


def contact_requests() -> QuerySet[ContactRequest]:
    """Requests with what their page shows, in one query."""
    return ContactRequest.objects.select_related(
        "call__caller", "call__handler", "call__dmts_entry", "requested"
    )


def contact_request_from_token(token: str) -> ContactRequest | None:
    """The request a link's token names, or None for a token tampered with or expired."""
    try:
        pk = signing.loads(
            token[:200], salt=CONTACT_REQUEST_SALT, max_age=CONTACT_REQUEST_LINK_DAYS * 24 * 3600
        )
    except signing.BadSignature:
        return None
    return contact_request_for_link(pk)


def contact_request_for_link(pk: object) -> ContactRequest | None:
    """The request a followed link opened (kept in the session), if it still exists."""
    return contact_requests().filter(pk=pk).first() if isinstance(pk, int) else None
