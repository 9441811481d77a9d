"""Writes for follow-ups: what the office must come back to, each with an owner, a due date and
a status. Actions agreed at meetings are added here; requests nobody decided are found here
(dmts finds the DMTS entries and complaints); the daily digest chases them all."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from simple_history.utils import bulk_update_with_history

from callers.models import Call, Caller, ContactRequest, FollowUp
from callers.models.meetings import Meeting
from opcc_calls.background import email_or_retry
from opcc_calls.concurrency import locked_for_edit
from opcc_calls.history import save_with_history
from opcc_calls.models import User
from opcc_calls.permissions import staff_holding
from opcc_calls.windows import start_of_day
from opcc_calls.working_days import working_days_before

#: A request to speak to a named person nobody decided within this many working days is chased.
REQUEST_WAITS_WORKING_DAYS = 2


def _may_manage_follow_ups(user: User) -> bool:
    return user.has_perm("callers.change_followup")


@transaction.atomic
def follow_up_add(
    *,
    by: User,
    what: str,
    owner: User | None,
    due_on: date,
    meeting: Meeting | None = None,
    caller: Caller | None = None,
) -> FollowUp:
    """An action agreed at a meeting (or anywhere): what, who owns it and by when."""
    if not by.has_perm("callers.add_followup"):
        raise PermissionDenied
    if not what.strip():
        raise ValidationError({"what": _("Say what is to be done.")})
    if owner is None:
        raise ValidationError({"owner": _("Choose who owns it.")})
    follow_up = FollowUp(
        kind=FollowUp.Kind.ACTION,
        what=what.strip(),
        owner=owner,
        due_on=due_on,
        meeting=meeting,
        caller=caller,
        created_by=by,
    )
    return save_with_history(
        follow_up, user=by, reason=f"Action agreed at the {meeting}" if meeting else ""
    )


@transaction.atomic
def follow_up_assign(
    *, follow_up: FollowUp, by: User, owner: User | None, due_on: date, version: int
) -> FollowUp:
    """Give a follow-up to someone (or to someone else), with its due date."""
    if not _may_manage_follow_ups(by):
        raise PermissionDenied
    if owner is None:
        raise ValidationError({"owner": _("Choose who owns it.")})
    follow_up = locked_for_edit(FollowUp, follow_up.pk, version)
    if not follow_up.is_open:
        raise ValidationError(_("This follow-up is done."))
    before = follow_up.owner
    follow_up.owner, follow_up.due_on = owner, due_on
    reason = f"Reassigned from {before} to {owner}" if before else f"Assigned to {owner}"
    return save_with_history(follow_up, user=by, reason=reason)


@transaction.atomic
def follow_up_done(*, follow_up: FollowUp, by: User, note: str, version: int) -> FollowUp:
    """Its owner (or a manager) marks it done, saying what was done."""
    if follow_up.owner_id != by.pk and not _may_manage_follow_ups(by):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"note": _("Say what was done.")})
    follow_up = locked_for_edit(FollowUp, follow_up.pk, version)
    if not follow_up.is_open:
        raise ValidationError(_("This follow-up is already done."))
    follow_up.status, follow_up.done_at = FollowUp.Status.DONE, timezone.now()
    follow_up.done_note = note.strip()
    return save_with_history(follow_up, user=by, reason="Done")


#: Why a follow-up found by the daily run is there, in its history.
FOUND = "Found waiting too long"


def follow_ups_found(rows: list[FollowUp]) -> int:
    """Record follow-ups just found, each with its history; one already found (by a run at
    the same moment) is left as it is. Returns how many are new. A day finds a few."""
    found = 0
    for row in rows:
        try:
            with transaction.atomic():
                save_with_history(row, user=None, reason=FOUND, checks_in_database=True)
        except IntegrityError:  # the same request or entry, found by another run meanwhile
            continue
        found += 1
    return found


def follow_ups_close(dealt_with: QuerySet[FollowUp], *, now: datetime) -> None:
    """Close these open follow-ups: their cause was dealt with where it arose."""
    closed = list(dealt_with.filter(status=FollowUp.Status.OPEN))
    for follow_up in closed:
        follow_up.status, follow_up.done_at = FollowUp.Status.DONE, now
        follow_up.done_note = "Dealt with where it arose."
        follow_up.version += 1
    bulk_update_with_history(
        closed,
        FollowUp,
        ["status", "done_at", "done_note", "version"],
        default_change_reason="Dealt with where it arose",
    )


@transaction.atomic
def request_follow_ups_gather(*, now: datetime) -> int:
    """Requests to speak to a named person nobody decided within REQUEST_WAITS_WORKING_DAYS
    get a place in the queue; those decided since are closed. Returns how many were found.
    (dmts finds the DMTS entries and complaints: `dmts.services.follow_ups_gather` runs both.)"""
    today = timezone.localdate(now)
    # Waiting since a day D, it comes up N working days after D: anything from before the
    # day after the N-th working day back.
    cutoff = start_of_day(
        working_days_before(today, REQUEST_WAITS_WORKING_DAYS) + timedelta(days=1)
    )
    requests = (
        ContactRequest.objects.filter(
            decision=ContactRequest.Decision.PENDING,
            call__received_at__lt=cutoff,
            call__call_type__in=[Call.Type.NAMED_PERSON, Call.Type.SALES],
        )
        .exclude(follow_ups__kind=FollowUp.Kind.REQUEST)
        .select_related("requested", "call__dmts_entry", "call")
    )
    found = follow_ups_found(
        [
            FollowUp(
                kind=FollowUp.Kind.REQUEST,
                what=f"Get a decision from {request.requested} on the caller's request to "
                f"speak to them ({request.call.reference})",
                due_on=today,
                contact_request=request,
                caller_id=request.call.caller_id,
            )
            for request in requests
        ]
    )
    follow_ups_close(
        FollowUp.objects.filter(kind=FollowUp.Kind.REQUEST).exclude(
            contact_request__decision=ContactRequest.Decision.PENDING
        ),
        now=now,
    )
    return found


def follow_up_digest_send(*, now: datetime | None = None) -> int:
    """Daily, once they are gathered: queue an email for each owner of an open follow-up and
    each manager while any is unassigned or overdue (the background worker sends them)."""
    today = timezone.localdate(now or timezone.now())
    owners = set(FollowUp.objects.open().exclude(owner=None).values_list("owner_id", flat=True))
    if FollowUp.objects.open().filter(Q(owner=None) | Q(due_on__lt=today)).exists():
        owners |= set(staff_holding("callers.change_followup").values_list("pk", flat=True))
    recipients = list(
        User.objects.filter(pk__in=owners).exclude(email="").values_list("pk", flat=True)
    )
    for person_id in recipients:
        follow_up_digest_email.enqueue(person_id)
    return len(recipients)


#: Follow-ups listed in one digest email; the queue has the rest.
DIGEST_LISTS = 50


@task()
def follow_up_digest_email(person_id: int, attempt: int = 1) -> str:
    """Background: one person's follow-ups (and, for a manager, those unassigned or overdue),
    references and dates only, no caller's name."""
    person = get_user_model().objects.get(pk=person_id)
    today = timezone.localdate()
    mine = list(
        FollowUp.objects.open()
        .filter(owner=person)
        .select_related("meeting")
        .order_by("due_on", "pk")[:DIGEST_LISTS]
    )
    others = []
    if person.has_perm("callers.change_followup"):
        others = list(
            FollowUp.objects.open()
            .filter(Q(owner=None) | Q(due_on__lt=today))
            .exclude(owner=person)
            .select_related("owner")
            .order_by("due_on", "pk")[:DIGEST_LISTS]
        )
    if not mine and not others:
        return "nothing open"
    return email_or_retry(
        follow_up_digest_email,
        person_id,
        attempt=attempt,
        subject=lambda: (
            _("Follow-ups: %(mine)s yours, %(others)s unassigned or overdue")
            % {"mine": len(mine), "others": len(others)}
        ),
        template="callers/follow_ups/email/follow_up_digest.txt",
        context={
            "mine": mine,
            "others": others,
            "today": today,
            "site_url": settings.SITE_URL,
            # Only for those who may open the queue; the rest find theirs on their home page.
            "queue_url": settings.SITE_URL + reverse("callers:follow_ups")
            if person.has_perm("callers.view_followup")
            else "",
            "home_url": settings.SITE_URL + reverse("home"),
        },
        to=[person.email],
    )
