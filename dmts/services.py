"""Writes to the DMTS call log: entries, reviews, corrections, voids, the daily digest, and
exports written by the background worker."""

import logging
import tempfile
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from simple_history.utils import bulk_update_with_history

from callers.models import Call, ContactRequest, DashboardFigure, start_of_day
from callers.services.activity import caller_activity_refresh
from dmts import exports, reports
from dmts.models import CallLogExport, DmtsCounter, DmtsEntry, FollowUp
from opcc_calls.background import retry_later
from opcc_calls.concurrency import locked_for_edit
from opcc_calls.exports import filename
from opcc_calls.history import save_with_history
from opcc_calls.working_days import working_days_after, working_days_before

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
    entry = DmtsEntry(call=call, year=year, number=number, reference=f"DMTS-{year}-{number:06d}")
    # Not validated: nothing here is typed by anyone, and the counter lock makes the number
    # unique without the three uniqueness queries full_clean() would add to every call logged.
    entry._history_user = call.handler
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
def entry_review(*, entry: DmtsEntry, reviewer, status: str, notes: str, version: int) -> DmtsEntry:
    """The Compliance Officer marks an entry reviewed or needing follow-up (5.8g, 5.8h)."""
    if not reviewer.has_perm("dmts.review_dmtsentry"):
        raise PermissionDenied
    if status == DmtsEntry.Status.AWAITING_REVIEW:
        raise ValidationError({"status": "Choose reviewed or needs follow-up."})
    entry = locked_for_edit(DmtsEntry, entry.pk, version, related=("call",))
    entry.status, entry.compliance_notes = status, notes
    entry.reviewed_by, entry.reviewed_at = reviewer, timezone.now()
    return save_with_history(
        entry, user=reviewer, reason=f"Marked {entry.get_status_display().lower()}"
    )


@transaction.atomic
def entry_void(*, entry: DmtsEntry, voided_by, reason: str, version: int) -> DmtsEntry:
    """Mark an entry logged in error. It stays in the log, visible to reviewers."""
    if not voided_by.has_perm("dmts.review_dmtsentry"):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Say why this entry was logged in error."})
    entry = locked_for_edit(DmtsEntry, entry.pk, version, related=("call",))
    entry.voided, entry.void_reason = True, reason.strip()
    save_with_history(entry, user=voided_by, reason=f"Voided: {reason.strip()}")
    caller_activity_refresh(entry.call.caller_id)
    return entry


@transaction.atomic
def call_correct(
    *, entry: DmtsEntry, corrected_by, reason: str, version: int, **changes
) -> DmtsEntry:
    """Correct what a call's entry records, keeping the reason with the change in history."""
    if not entry.can_be_corrected_by(corrected_by):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason for the correction."})
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not correctable: {sorted(unknown)}")
    entry = locked_for_edit(DmtsEntry, entry.pk, version, related=("call",))
    call = entry.call
    for name, value in changes.items():
        setattr(call, name, value)
    call.version += 1
    save_with_history(call, user=corrected_by, reason=f"Correction: {reason.strip()}")
    save_with_history(entry, user=corrected_by, reason=f"Correction: {reason.strip()}")
    caller_activity_refresh(call.caller_id)
    if call.call_type == Call.Type.COMPLAINT and not entry.complaint_sent_at:
        complaint_handover_send.enqueue(entry.pk)  # corrected into a complaint: hand it over
    return entry


@task()
def complaint_handover_send(entry_id: int, attempt: int = 1) -> str:
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
    body = render_to_string(
        "dmts/email/complaint_handover.txt",
        {
            "entry": entry,
            "call": call,
            "link": settings.SITE_URL + entry.get_absolute_url(),
            "office_name": settings.OFFICE_NAME,
        },
    )
    try:
        send_mail(
            f"Complaint {entry.reference} for the complaints process",
            body,
            None,
            [settings.COMPLAINTS_EMAIL],
        )
    except OSError:
        logger.exception("Could not email the complaints process about entry %s", entry_id)
        return retry_later(complaint_handover_send, entry_id, attempt=attempt)
    with transaction.atomic():
        entry = DmtsEntry.objects.select_for_update().get(pk=entry_id)
        entry.complaint_sent_at, entry.complaint_sent_to = timezone.now(), settings.COMPLAINTS_EMAIL
        entry.version += 1
        save_with_history(
            entry,
            user=None,
            reason=f"Handed to the complaints process: emailed to {settings.COMPLAINTS_EMAIL}",
        )
    return "sent"


@transaction.atomic
def complaint_reference_record(
    *, entry: DmtsEntry, reference: str, recorded_by, version: int
) -> DmtsEntry:
    """Record (or correct) the complaints team's own reference for a complaint, once they
    give it; refuses a page opened before someone else saved (StaleEdit)."""
    if not recorded_by.has_perm("dmts.review_dmtsentry"):
        raise PermissionDenied
    entry = locked_for_edit(DmtsEntry, entry.pk, version, related=("call",))
    if entry.call.call_type != Call.Type.COMPLAINT:
        raise ValidationError({"reference": "Only a complaint has a complaints team's reference."})
    entry.complaint_reference = reference.strip()
    return save_with_history(entry, user=recorded_by, reason="Complaints team's reference recorded")


def review_digest_send() -> int:
    """Queue, for each person who reviews entries, an email of what is waiting (5.8g: the
    queue replaces emails); the background worker sends them, trying again while the mail
    server will not take one. Returns how many were queued (none when nothing waits)."""
    if not DmtsEntry.objects.awaiting_review().exists():
        return 0
    perm = Q(user_permissions__codename="review_dmtsentry") | Q(
        groups__permissions__codename="review_dmtsentry"
    )
    reviewers = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(perm | Q(is_superuser=True))
        .exclude(email="")
        .distinct()
        .values_list("pk", flat=True)
    )
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
    context = {
        "count": count,
        "entries": list(waiting[:50]),
        "queue_url": settings.SITE_URL + reverse("dmts:queue"),
        "office_name": settings.OFFICE_NAME,
    }
    try:
        send_mail(
            subject=f"DMTS: {count} entr{'y' if count == 1 else 'ies'} awaiting review",
            message=render_to_string("dmts/email/review_digest.txt", context),
            from_email=None,
            recipient_list=[reviewer.email],
        )
    except OSError:
        logger.exception("Could not send the review digest to user %s", reviewer_id)
        return retry_later(review_digest_email, reviewer_id, attempt=attempt)
    return "sent"


def export_request(
    *, requested_by, format: str, filters: dict, submission_token: uuid.UUID
) -> CallLogExport:
    """Queue a copy of the call log as filtered, for the background worker to write. The same
    form sent twice (a double click) gives the one export."""
    if not requested_by.has_perm("dmts.export_dmtsentry"):
        raise PermissionDenied
    try:
        with transaction.atomic():
            export = CallLogExport.objects.create(
                requested_by=requested_by,
                submission_token=submission_token,
                format=format,
                filters=filters,
            )
            call_log_export_write.enqueue(export.pk)  # queued with the export
    except IntegrityError:
        return CallLogExport.objects.get(
            submission_token=submission_token, requested_by=requested_by
        )
    return export


@task()
def call_log_export_write(export_id: int) -> str:
    """Background: write an export's file, saying how far it has got as it goes, then keep it
    for `EXPORT_KEEP_HOURS`. Nothing about the rows goes in the log, only the export's number."""
    with transaction.atomic():
        export = (
            CallLogExport.objects.select_for_update()
            .select_related("requested_by")
            .get(pk=export_id)
        )
        if export.status != CallLogExport.Status.QUEUED:
            return f"already {export.status}"
        export.status = CallLogExport.Status.WRITING
        export.save(update_fields=["status"])
    requester = export.requested_by
    if not (requester.is_active and requester.has_perm("dmts.export_dmtsentry")):
        return _export_finish(export, CallLogExport.Status.FAILED)

    def progress(rows: int) -> None:
        CallLogExport.objects.filter(pk=export.pk).update(rows=rows)

    try:
        with tempfile.TemporaryFile() as target:
            export.rows = exports.export_file_write(export, target, progress)
            target.seek(0)
            name = filename(exports.STEM, export.format, at=export.requested_at)
            export.file.save(f"{export.pk}/{name}", File(target), save=False)
    except Exception:
        logger.exception("Could not write call log export %s", export.pk)
        return _export_finish(export, CallLogExport.Status.FAILED)
    return _export_finish(export, CallLogExport.Status.READY)


def _export_finish(export: CallLogExport, status: str) -> str:
    export.status, export.finished_at = status, timezone.now()
    export.save(update_fields=["status", "rows", "file", "finished_at"])
    call_log_export_expire.using(run_after=export.expires_at).enqueue(export.pk)
    return f"{export.get_status_display().lower()}: {export.rows} rows"


@task()
def call_log_export_expire(export_id: int) -> str:
    """Background: remove an export's file once its time is up, and the filters it was asked
    with (they may hold a name); the record of who exported what, when, stays."""
    export = CallLogExport.objects.get(pk=export_id)
    if export.file:
        export.file.delete(save=False)
    if export.status == CallLogExport.Status.READY:
        export.status = CallLogExport.Status.EXPIRED
    export.filters = {}
    export.save(update_fields=["file", "status", "filters"])
    return "removed"


# Follow-ups: what the office must come back to, each with an owner, a due date and a status.

#: A request to speak to a named person nobody decided within this many working days is chased.
REQUEST_WAITS_WORKING_DAYS = 2
#: A complaint handed over with no reference from the complaints team after this many.
COMPLAINT_WAITS_WORKING_DAYS = 5
#: An entry marked "needs follow-up" is due this many working days after it was marked.
ENTRY_DUE_WORKING_DAYS = 5


def _may_manage_follow_ups(user) -> bool:
    return user.has_perm("dmts.change_followup")


@transaction.atomic
def follow_up_add(*, created_by, what: str, owner, due_on, meeting=None, caller=None) -> FollowUp:
    """An action agreed at a meeting (or anywhere): what, who owns it and by when."""
    if not created_by.has_perm("dmts.add_followup"):
        raise PermissionDenied
    if not what.strip():
        raise ValidationError({"what": "Say what is to be done."})
    if owner is None:
        raise ValidationError({"owner": "Choose who owns it."})
    follow_up = FollowUp(
        kind=FollowUp.Kind.ACTION,
        what=what.strip(),
        owner=owner,
        due_on=due_on,
        meeting=meeting,
        caller=caller,
        created_by=created_by,
    )
    return save_with_history(
        follow_up, user=created_by, reason=f"Action agreed at the {meeting}" if meeting else ""
    )


@transaction.atomic
def follow_up_assign(*, follow_up: FollowUp, changed_by, owner, due_on, version: int) -> FollowUp:
    """Give a follow-up to someone (or to someone else), with its due date."""
    if not _may_manage_follow_ups(changed_by):
        raise PermissionDenied
    if owner is None:
        raise ValidationError({"owner": "Choose who owns it."})
    follow_up = locked_for_edit(FollowUp, follow_up.pk, version)
    if not follow_up.is_open:
        raise ValidationError("This follow-up is done.")
    before = follow_up.owner
    follow_up.owner, follow_up.due_on = owner, due_on
    reason = f"Reassigned from {before} to {owner}" if before else f"Assigned to {owner}"
    return save_with_history(follow_up, user=changed_by, reason=reason)


@transaction.atomic
def follow_up_done(*, follow_up: FollowUp, done_by, note: str, version: int) -> FollowUp:
    """Its owner (or a manager) marks it done, saying what was done."""
    if follow_up.owner_id != done_by.pk and not _may_manage_follow_ups(done_by):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"note": "Say what was done."})
    follow_up = locked_for_edit(FollowUp, follow_up.pk, version)
    if not follow_up.is_open:
        raise ValidationError("This follow-up is already done.")
    follow_up.status, follow_up.done_at = FollowUp.Status.DONE, timezone.now()
    follow_up.done_note = note.strip()
    return save_with_history(follow_up, user=done_by, reason="Done")


def _found(rows: list[FollowUp]) -> int:
    """Record new follow-ups; one already found (by an earlier run, or one at the same moment)
    is left as it is."""
    created = FollowUp.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


@transaction.atomic
def follow_ups_gather(*, now=None) -> int:
    """Daily (and before each digest): find what has waited too long and give it a place in
    the Follow-ups queue; close those whose cause has been dealt with at source. Returns how
    many were found."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    # Waiting since a day D, it comes up N working days after D: anything from before the
    # day after the N-th working day back.
    request_cutoff = start_of_day(
        working_days_before(today, REQUEST_WAITS_WORKING_DAYS) + timedelta(days=1)
    )
    complaint_cutoff = start_of_day(
        working_days_before(today, COMPLAINT_WAITS_WORKING_DAYS) + timedelta(days=1)
    )
    pending = ContactRequest.Decision.PENDING
    requests = (
        ContactRequest.objects.filter(
            decision=pending, call__received_at__lt=request_cutoff, call__call_type="named_person"
        )
        .exclude(follow_ups__kind=FollowUp.Kind.REQUEST)
        .select_related("requested", "call__dmts_entry", "call")
    )
    rows = [
        FollowUp(
            kind=FollowUp.Kind.REQUEST,
            what=f"Get a decision from {request.requested} on the caller's request to speak "
            f"to them ({request.call.dmts_entry.reference})",
            due_on=today,
            contact_request=request,
            caller_id=request.call.caller_id,
        )
        for request in requests
    ]
    entries = (
        DmtsEntry.objects.filter(status=DmtsEntry.Status.NEEDS_FOLLOW_UP, voided=False)
        .exclude(follow_ups__kind=FollowUp.Kind.ENTRY)
        .select_related("call")
    )
    rows += [
        FollowUp(
            kind=FollowUp.Kind.ENTRY,
            what=f"Follow up DMTS entry {entry.reference}",
            owner_id=entry.reviewed_by_id,
            due_on=working_days_after(
                timezone.localdate(entry.reviewed_at or now), ENTRY_DUE_WORKING_DAYS
            ),
            entry=entry,
            caller_id=entry.call.caller_id,
        )
        for entry in entries
    ]
    complaints = (
        DmtsEntry.objects.filter(
            complaint_sent_at__lt=complaint_cutoff, complaint_reference="", voided=False
        )
        .exclude(follow_ups__kind=FollowUp.Kind.COMPLAINT)
        .select_related("call")
    )
    rows += [
        FollowUp(
            kind=FollowUp.Kind.COMPLAINT,
            what=f"Ask the complaints team for their reference for {entry.reference}",
            due_on=today,
            entry=entry,
            caller_id=entry.call.caller_id,
        )
        for entry in complaints
    ]
    found = _found(rows)
    _close_dealt_with(now)
    return found


def _close_dealt_with(now) -> None:
    """Follow-ups whose cause was dealt with where it arose: the request decided, the entry
    reviewed again or voided, the complaint's reference recorded."""
    Kind = FollowUp.Kind
    dealt_with = FollowUp.objects.open().filter(
        Q(kind=Kind.REQUEST) & ~Q(contact_request__decision=ContactRequest.Decision.PENDING)
        | Q(kind=Kind.ENTRY)
        & (~Q(entry__status=DmtsEntry.Status.NEEDS_FOLLOW_UP) | Q(entry__voided=True))
        | Q(kind=Kind.COMPLAINT) & (~Q(entry__complaint_reference="") | Q(entry__voided=True))
    )
    closed = list(dealt_with)
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


def follow_up_digest_send(*, now=None) -> int:
    """Daily: gather follow-ups, then queue an email for each owner of an open one and each
    manager while any is unassigned or overdue (the background worker sends them)."""
    follow_ups_gather(now=now)
    today = timezone.localdate(now or timezone.now())
    owners = set(FollowUp.objects.open().exclude(owner=None).values_list("owner_id", flat=True))
    if FollowUp.objects.open().filter(Q(owner=None) | Q(due_on__lt=today)).exists():
        owners |= set(
            get_user_model()
            .objects.filter(is_active=True)
            .filter(
                Q(groups__permissions__codename="change_followup")
                | Q(user_permissions__codename="change_followup")
            )
            .values_list("pk", flat=True)
        )
    recipients = list(
        get_user_model()
        .objects.filter(pk__in=owners)
        .exclude(email="")
        .values_list("pk", flat=True)
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
    if person.has_perm("dmts.change_followup"):
        others = list(
            FollowUp.objects.open()
            .filter(Q(owner=None) | Q(due_on__lt=today))
            .exclude(owner=person)
            .select_related("owner")
            .order_by("due_on", "pk")[:DIGEST_LISTS]
        )
    if not mine and not others:
        return "nothing open"
    context = {
        "mine": mine,
        "others": others,
        "today": today,
        "queue_url": settings.SITE_URL + reverse("dmts:follow_ups"),
        "office_name": settings.OFFICE_NAME,
    }
    try:
        send_mail(
            subject=f"Follow-ups: {len(mine)} yours, {len(others)} unassigned or overdue",
            message=render_to_string("dmts/email/follow_up_digest.txt", context),
            from_email=None,
            recipient_list=[person.email],
        )
    except OSError:
        return retry_later(follow_up_digest_email, person_id, attempt=attempt)
    return "sent"


#: A request for a report older than this is made again (the worker was down).
REPORT_REQUEST_LAPSES = timedelta(minutes=10)


def report_request(*, start, end) -> None:
    """Queue the report for this period to be worked out, unless it is already on its way:
    of many people asking at once, one queues it."""
    now = timezone.now()
    key = reports.report_key(start, end)
    DashboardFigure.objects.get_or_create(key=key)
    claimed = (
        DashboardFigure.objects.filter(key=key)
        .filter(Q(requested_at__isnull=True) | Q(requested_at__lt=now - REPORT_REQUEST_LAPSES))
        .update(requested_at=now)
    )
    if claimed:
        report_compute.enqueue(start.isoformat(), end.isoformat())


@task()
def report_compute(start: str, end: str) -> None:
    """Background: the report for a period, stored for the page and its downloads."""
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    made = reports.report(first, last)
    DashboardFigure.objects.update_or_create(
        key=reports.report_key(first, last),
        defaults={
            "value": {"figures": [[f.section, f.label, f.value] for f in made.figures]},
            "computed_at": timezone.now(),
            "requested_at": None,
        },
    )
