"""Reads for exports: one person's recent ones (theirs alone)."""

from dmts.models import CallLogExport
from opcc_calls.models import User

#: How many of one's other recent exports an export's page lists.
EXPORTS_SHOWN = 10


def exports_of(user: User, *, excluding: CallLogExport | None = None) -> list[CallLogExport]:
    """Someone's most recent call-log exports, newest first (theirs alone: nobody else's)."""
    mine = CallLogExport.objects.filter(requested_by=user)
    if excluding is not None:
        mine = mine.exclude(pk=excluding.pk)
    return list(mine.order_by("-requested_at", "-pk")[:EXPORTS_SHOWN])
