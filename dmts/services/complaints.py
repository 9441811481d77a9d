"""Writes for complaints logged as calls (policy 5.8c): handed to the complaints process by
email with their DMTS reference, the complaints team's own reference recorded when they give
it, and chased when they have not."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from callers.models import Call, FollowUp
from callers.services.follow_ups import (
    follow_ups_close,
    follow_ups_found,
)
from dmts.models import DmtsEntry
from opcc_calls.background import SENT, email_or_retry
from opcc_calls.concurrency import locked_for_edit
from opcc_calls.history import save_with_history
from opcc_calls.models import User
from opcc_calls.windows import start_of_day
from opcc_calls.working_days import working_days_before

logger = logging.getLogger(__name__)


@task()
def complaint_handover_email(entry_id: int, attempt: int = 1) -> str:
    """Background: hand a complaint logged as a call to the complaints process (5.8c), by
    email to the office's complaints address with its DMTS reference, and record on the entry
    when and where it went. Tried again while the mail server will not take it; sent once."""
    entry = DmtsEntry.objects.select_related("call__caller", "call__handler").get(pk=entry_id)
    call = entry.call
    if entry.complaint_sent_at or call.call_type != Call.Type.COMPLAINT or entry.voided:
        return "not needed"
    if not settings.COMPLAINTS_EMAIL:
        logger.warning("No COMPLAINTS_EMAIL: complaint entry %s not handed over", entry_id)
        return "no complaints address"
    outcome = email_or_retry(
        complaint_handover_email,
        entry_id,
        attempt=attempt,
        subject=lambda: (
            _("Complaint %(reference)s for the complaints process") % {"reference": entry.reference}
        ),
        template="dmts/complaints/email/complaint_handover.txt",
        context={
            "entry": entry,
            "call": call,
            "link": settings.SITE_URL + entry.get_absolute_url(),
        },
        to=[settings.COMPLAINTS_EMAIL],
    )
    if outcome != SENT:
        return outcome
    with transaction.atomic():
        entry = DmtsEntry.objects.select_for_update().get(pk=entry_id)
        entry.complaint_sent_at, entry.complaint_sent_to = timezone.now(), settings.COMPLAINTS_EMAIL
        entry.version += 1
        save_with_history(
            entry,
            user=None,
            reason=f"Handed to the complaints process: emailed to {settings.COMPLAINTS_EMAIL}",
        )
    return SENT


@transaction.atomic
def complaint_reference_record(
    *, entry: DmtsEntry, reference: str, by: User, version: int
) -> DmtsEntry:
    """Record (or correct) the complaints team's own reference for a complaint, once they
    give it; refuses a page opened before someone else saved (StaleEdit)."""
    if not by.has_perm("dmts.review_dmtsentry"):
        raise PermissionDenied
    entry = locked_for_edit(DmtsEntry, entry.pk, version, related=("call",))
    if entry.call.call_type != Call.Type.COMPLAINT:
        raise ValidationError(
            {"reference": _("Only a complaint has a complaints team's reference.")}
        )
    entry.complaint_reference = reference.strip()
    return save_with_history(entry, user=by, reason="Complaints team's reference recorded")


#: A complaint handed over with no reference from the complaints team after this many.
COMPLAINT_WAITS_WORKING_DAYS = 5


def complaint_follow_ups_gather(now: datetime) -> int:
    """Complaints handed over with no reference from the complaints team after
    COMPLAINT_WAITS_WORKING_DAYS; closed once the reference is recorded or the entry voided."""
    today = timezone.localdate(now)
    cutoff = start_of_day(
        working_days_before(today, COMPLAINT_WAITS_WORKING_DAYS) + timedelta(days=1)
    )
    complaints = (
        DmtsEntry.objects.filter(complaint_sent_at__lt=cutoff, complaint_reference="", voided=False)
        .exclude(call__follow_ups__kind=FollowUp.Kind.COMPLAINT)
        .select_related("call")
    )
    found = follow_ups_found(
        [
            FollowUp(
                kind=FollowUp.Kind.COMPLAINT,
                what=f"Ask the complaints team for their reference for {entry.reference}",
                due_on=today,
                call_id=entry.pk,
                caller_id=entry.call.caller_id,
            )
            for entry in complaints
        ]
    )
    follow_ups_close(
        FollowUp.objects.filter(kind=FollowUp.Kind.COMPLAINT).filter(
            ~Q(call__dmts_entry__complaint_reference="") | Q(call__dmts_entry__voided=True)
        ),
        now=now,
    )
    return found
