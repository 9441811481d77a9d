"""Writes to the DMTS call log: each logged call's entry and reference, reviews, corrections
and voids, the review digest, and the entries that need following up."""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from callers.models import Call, FollowUp
from callers.services.activity import caller_activity_refresh
from callers.services.follow_ups import (
    follow_ups_close,
    follow_ups_found,
)
from dmts.models import DmtsCounter, DmtsEntry
from dmts.services.complaints import complaint_handover_email
from opcc_calls.background import email_or_retry
from opcc_calls.concurrency import StaleEdit, locked_for_edit
from opcc_calls.history import history_user_set, save_with_history
from opcc_calls.models import User
from opcc_calls.permissions import staff_holding
from opcc_calls.working_days import working_days_after

logger = logging.getLogger(__name__)

#: The fields of a call a correction may change (who took it and who called stay as logged).
CORRECTABLE_FIELDS = [
    "call_type",
    "received_at",
    "ended_at",
    "about",
    "outcome",
    "identity_check",
    "complaint_status",
    "police_department",
    "published_route_given",
    "organisation",
    "selling",
    "abusive",
    "warning_given_at",
    "terminated_at",
]


def entry_for_logged_call(sender: type[Call], *, call: Call, **kwargs: object) -> None:
    """Every call logged gets its DMTS entry (callers' `call_logged`, inside the call's
    transaction), and a complaint is handed to the complaints process once it commits."""
    if call.call_type == Call.Type.COMPLAINT:
        complaint_handover_email.enqueue(call.pk)  # its entry shares the call's key
    entry_create(call=call)  # last: the counter stays locked only until the commit


def entry_create(*, call: Call) -> DmtsEntry:
    """Give a newly logged call its DMTS entry and the next reference of the year. Runs inside
    the call's transaction, last: the counter row stays locked from here until it commits, so
    concurrent saves get distinct, consecutive numbers, a rolled-back save gives its number
    back unused, and the lock is held only for the moment it takes to commit."""
    year = timezone.localtime(call.logged_at).year
    number = _next_number(year)
    if number is None:  # the year's first call: make its counter, then take the number
        DmtsCounter.objects.bulk_create([DmtsCounter(year=year)], ignore_conflicts=True)
        number = _next_number(year)
    assert number is not None  # the counter exists now
    entry = DmtsEntry(call=call, year=year, number=number, reference=f"DMTS-{year}-{number:06d}")
    # Not validated: nothing here is typed by anyone, and the counter lock makes the number
    # unique without the three uniqueness queries full_clean() would add to every call logged.
    history_user_set(entry, call.handler)
    entry.save(force_insert=True)  # new: no UPDATE tried first
    return entry


def _next_number(year: int) -> int | None:
    """Take the year's next number in one statement, which also locks the counter row."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE dmts_dmtscounter SET last_number = last_number + 1 WHERE year = %s "
            "RETURNING last_number",
            [year],
        )
        row = cursor.fetchone()
    return row[0] if row else None


@transaction.atomic
def entry_review(*, entry: DmtsEntry, by: User, status: str, notes: str, version: int) -> DmtsEntry:
    """The Compliance Officer marks an entry reviewed or needing follow-up (5.8g, 5.8h)."""
    if not by.has_perm("dmts.review_dmtsentry"):
        raise PermissionDenied
    if status == DmtsEntry.Status.AWAITING_REVIEW:
        raise ValidationError({"status": _("Choose reviewed or needs follow-up.")})
    entry = locked_for_edit(DmtsEntry, entry.pk, version, related=("call",))
    entry.status, entry.compliance_notes = status, notes
    entry.reviewed_by, entry.reviewed_at = by, timezone.now()
    return save_with_history(entry, user=by, reason=f"Marked {entry.get_status_display().lower()}")


@dataclass(frozen=True)
class BulkReview:
    reviewed: list[DmtsEntry]
    stale: list[int]  # changed by someone since the queue was read: still to look at
    not_routine: list[int]  # complaints and abusive calls are reviewed one at a time


def entries_review(*, chosen: list[tuple[int, int]], by: User) -> BulkReview:
    """Mark several routine entries reviewed at once from the queue (5.8g): each `(entry id,
    version as read)` with its own history row and the same check as one at a time, so an
    entry someone changed meanwhile is left for a look rather than overwritten."""
    if not by.has_perm("dmts.review_dmtsentry"):
        raise PermissionDenied
    reviewed, stale, not_routine = [], [], []
    for pk, version in dict(chosen).items():
        try:
            with transaction.atomic():
                entry = locked_for_edit(DmtsEntry, pk, version, related=("call",))
                if not entry.is_routine:
                    not_routine.append(pk)
                    continue
                entry.status = DmtsEntry.Status.REVIEWED
                entry.reviewed_by, entry.reviewed_at = by, timezone.now()
                reviewed.append(
                    save_with_history(entry, user=by, reason="Marked reviewed, with others")
                )
        except (StaleEdit, DmtsEntry.DoesNotExist):
            stale.append(pk)
    return BulkReview(reviewed, stale, not_routine)


@transaction.atomic
def entry_void(*, entry: DmtsEntry, by: User, reason: str, version: int) -> DmtsEntry:
    """Mark an entry logged in error. It stays in the log, visible to reviewers."""
    if not by.has_perm("dmts.review_dmtsentry"):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why this entry was logged in error.")})
    entry = locked_for_edit(DmtsEntry, entry.pk, version, related=("call",))
    entry.voided, entry.void_reason = True, reason.strip()
    save_with_history(entry, user=by, reason=f"Voided: {reason.strip()}")
    caller_activity_refresh(entry.call.caller_id)
    return entry


@transaction.atomic
def call_correct(
    *, entry: DmtsEntry, by: User, reason: str, version: int, changes: Mapping[str, object]
) -> DmtsEntry:
    """Correct what a call's entry records (`changes`: new values of CORRECTABLE_FIELDS by
    name), keeping the reason with the change in history."""
    if not entry.can_be_corrected_by(by):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for the correction.")})
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not correctable: {sorted(unknown)}")
    entry = locked_for_edit(DmtsEntry, entry.pk, version, related=("call",))
    call = entry.call
    for name, value in changes.items():
        setattr(call, name, value)
    call.version += 1
    save_with_history(call, user=by, reason=f"Correction: {reason.strip()}")
    save_with_history(entry, user=by, reason=f"Correction: {reason.strip()}")
    caller_activity_refresh(call.caller_id)
    if call.call_type == Call.Type.COMPLAINT and not entry.complaint_sent_at:
        complaint_handover_email.enqueue(entry.pk)  # corrected into a complaint: hand it over
    return entry


def review_digest_send() -> int:
    """Queue, for each person who reviews entries, an email of what is waiting (5.8g: the
    queue replaces emails); the background worker sends them, trying again while the mail
    server will not take one. Returns how many were queued (none when nothing waits)."""
    if not DmtsEntry.objects.awaiting_review().exists():
        return 0
    reviewers = staff_holding("dmts.review_dmtsentry", superusers=True).values_list("pk", flat=True)
    queued = 0
    for reviewer_id in reviewers:
        review_digest_email.enqueue(reviewer_id)
        queued += 1
    return queued


@task()
def review_digest_email(reviewer_id: int, attempt: int = 1) -> str:
    """Background: email one reviewer what is waiting now, oldest first: references and dates
    only, no caller's name."""
    reviewer = get_user_model().objects.get(pk=reviewer_id)
    waiting = (
        DmtsEntry.objects.awaiting_review().select_related("call").order_by("created_at", "pk")
    )
    count = waiting.count()
    if not count:
        return "nothing waiting"
    return email_or_retry(
        review_digest_email,
        reviewer_id,
        attempt=attempt,
        subject=lambda: (
            ngettext(
                "DMTS: %(count)s entry awaiting review",
                "DMTS: %(count)s entries awaiting review",
                count,
            )
            % {"count": count}
        ),
        template="dmts/entries/email/review_digest.txt",
        context={
            "count": count,
            "entries": list(waiting[:50]),
            "queue_url": settings.SITE_URL + reverse("dmts:queue"),
        },
        to=[reviewer.email],
    )


#: An entry marked "needs follow-up" is due this many working days after it was marked.
ENTRY_DUE_WORKING_DAYS = 5


def entry_follow_ups_gather(now: datetime) -> int:
    """Entries marked "needs follow-up", due ENTRY_DUE_WORKING_DAYS after; closed once the
    entry is reviewed again or voided."""
    entries = (
        DmtsEntry.objects.filter(status=DmtsEntry.Status.NEEDS_FOLLOW_UP, voided=False)
        .exclude(call__follow_ups__kind=FollowUp.Kind.ENTRY)
        .select_related("call")
    )
    found = follow_ups_found(
        [
            FollowUp(
                kind=FollowUp.Kind.ENTRY,
                what=f"Follow up DMTS entry {entry.reference}",
                owner_id=entry.reviewed_by_id,
                due_on=working_days_after(
                    timezone.localdate(entry.reviewed_at or now), ENTRY_DUE_WORKING_DAYS
                ),
                call_id=entry.pk,
                caller_id=entry.call.caller_id,
            )
            for entry in entries
        ]
    )
    follow_ups_close(
        FollowUp.objects.filter(kind=FollowUp.Kind.ENTRY).filter(
            ~Q(call__dmts_entry__status=DmtsEntry.Status.NEEDS_FOLLOW_UP)
            | Q(call__dmts_entry__voided=True)
        ),
        now=now,
    )
    return found
