"""What the office must come back to, found daily: callers' requests nobody decided, and dmts's
own DMTS entries marked as needing follow-up and complaints with no reference."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from callers.services.follow_ups import (
    request_follow_ups_gather,
)
from dmts.services.complaints import complaint_follow_ups_gather
from dmts.services.entries import entry_follow_ups_gather


@transaction.atomic
def follow_ups_gather(*, now: datetime | None = None) -> int:
    """Daily (and before each digest): find what has waited too long and give it a place in
    the Follow-ups queue (requests nobody decided, entries marked as needing follow-up,
    complaints with no reference from the complaints team); close those whose cause has been
    dealt with where it arose. Returns how many were found."""
    now = now or timezone.now()
    return (
        request_follow_ups_gather(now=now)
        + entry_follow_ups_gather(now)
        + complaint_follow_ups_gather(now)
    )
