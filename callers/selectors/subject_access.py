"""Reads for subject access: everything held about one caller, gathered in a fixed number of
queries however much there is."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import F, QuerySet
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _

from callers.models import (
    Appeal,
    Call,
    Caller,
    CallerMerge,
    Concern,
    Flag,
    FlagReview,
    Letter,
    MeetingItem,
    Referral,
    SubjectAccessRequest,
)
from opcc_calls.history import Change, object_changes, record_changes

WHAT = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


@dataclass
class SubjectAccess:
    caller: Caller
    merged_records: list[Caller]
    phones: list
    calls: list[Call]
    flags: list[Flag]
    flag_reviews: list[FlagReview]
    letters: list[Letter]
    appeals: list[Appeal]
    meeting_items: list[MeetingItem]
    concerns: list[Concern]
    referrals: list[Referral]
    history: dict[str, dict[int, list[Change]]]


def subject_access(caller: Caller) -> SubjectAccess:
    """Gather the record in a fixed number of queries, however much there is."""
    ids = [caller.pk, *Caller.objects.filter(merged_into=caller).values_list("pk", flat=True)]
    calls = list(
        Call.objects.filter(caller=caller)
        .select_related("handler", "dmts_entry__reviewed_by", "contact_request__requested")
        .order_by("received_at")
    )
    call_ids = [c.pk for c in calls]
    flags = list(Flag.objects.filter(caller=caller).select_related("meeting", "flagged_by"))
    concerns = list(Concern.objects.filter(caller=caller).select_related("raised_by", "decided_by"))
    referrals = list(Referral.objects.filter(caller=caller).select_related("made_by"))
    return SubjectAccess(
        caller=caller,
        merged_records=list(Caller.objects.filter(pk__in=ids[1:])),
        phones=list(caller.phones.all()),
        calls=calls,
        flags=flags,
        flag_reviews=list(
            FlagReview.objects.filter(flag__caller=caller).select_related("reviewed_by")
        ),
        letters=list(Letter.objects.filter(flag__caller=caller).select_related("sent_by")),
        appeals=list(Appeal.objects.filter(flag__caller=caller).select_related("decided_by")),
        meeting_items=list(MeetingItem.objects.filter(caller=caller).select_related("meeting")),
        concerns=concerns,
        referrals=referrals,
        history={
            "caller": object_changes(Caller.history.filter(id__in=ids), Caller, what=WHAT),
            "calls": object_changes(Call.history.filter(id__in=call_ids), Call, what=WHAT),
            "flags": object_changes(
                Flag.history.filter(id__in=[f.pk for f in flags]), Flag, what=WHAT
            ),
            "concerns": object_changes(
                Concern.history.filter(id__in=[c.pk for c in concerns]), Concern, what=WHAT
            ),
            "referrals": object_changes(
                Referral.history.filter(id__in=[r.pk for r in referrals]), Referral, what=WHAT
            ),
        },
    )


def merges_for(caller: Caller) -> list[CallerMerge]:
    return list(CallerMerge.objects.filter(survivor=caller).select_related("merged"))


@dataclass(frozen=True)
class RecordHistory:
    label: str  # which record: "Call CALL-12 of 3 Mar 2026"
    changes: list[Change]  # oldest first


@dataclass(frozen=True)
class HistorySummary:
    """The records' change history, summarised once per record: a record changed after it was
    made is listed with each change; those never changed are counted, not repeated."""

    changed: list[RecordHistory]
    never_changed: int


def _short(moment: date | datetime) -> str:
    """4 Dec 2026, 4 Rhag 2026: a date as the history of a record gives it."""
    return dateformat.format(moment, "j M Y")


def history_summary(record: SubjectAccess) -> HistorySummary:
    # In the reader's language (the response is written in theirs), dates included.
    labels = {
        "caller": {
            c.pk: _("Your record %(reference)s") % {"reference": c.reference}
            for c in [record.caller, *record.merged_records]
        },
        "calls": {
            c.pk: _("Call %(reference)s of %(date)s")
            % {"reference": c.reference, "date": _short(c.received_at)}
            for c in record.calls
        },
        "flags": {
            f.pk: _("%(kind)s flag of %(date)s")
            % {"kind": f.get_kind_display(), "date": _short(f.flagged_at)}
            for f in record.flags
        },
        "concerns": {
            c.pk: _("Concern of %(date)s") % {"date": _short(c.raised_at)} for c in record.concerns
        },
        "referrals": {
            r.pk: _("Referral of %(date)s") % {"date": _short(r.referred_on)}
            for r in record.referrals
        },
    }
    changed, never_changed = [], 0
    for kind, by_id in record.history.items():
        for pk, changes in by_id.items():
            if len(changes) <= 1:
                never_changed += 1
                continue
            label = labels[kind].get(pk, f"{kind.rstrip('s').title()} {pk}")
            changed.append(RecordHistory(label, sorted(changes, key=lambda c: c.when)))
    return HistorySummary(changed, never_changed)


STAFF_NOTE = " (staff note: review before release)"


def _day(value: date | datetime | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _moment(value: datetime | None) -> str:
    return f"{timezone.localtime(value):%d/%m/%Y %H:%M}" if value else ""


def subject_access_rows(record: SubjectAccess) -> dict[str, list[dict[str, str]]]:
    """The same record as the document, section by section, one row per record: for the
    machine-readable copy (JSON, and a CSV per section)."""
    caller = record.caller
    return {
        "details": [
            {
                "Our reference": caller.reference,
                "Full name": caller.full_name,
                "Other names": caller.other_names,
                "Phone numbers": ", ".join(p.number.as_national for p in record.phones),
                "Email address": caller.email,
                "Postal address": caller.postal_address,
                "Reasonable adjustments": caller.reasonable_adjustments,
                "Letters in large print": "yes" if caller.large_print else "no",
                "Language": caller.language_shown,
                "Interpreter needed": "yes" if caller.interpreter_needed else "no",
                "Language for letters": caller.get_letter_language_display(),
                "Notes" + STAFF_NOTE: caller.notes,
                "Records merged into this one": ", ".join(
                    m.reference for m in record.merged_records
                ),
            }
        ],
        "calls": [
            {
                "Reference": call.reference,
                "Received": _moment(call.received_at),
                "Type of call": call.get_call_type_display(),
                "Taken by": str(call.handler),
                "What the call was about": call.about,
                "Outcome": call.outcome,
                "Recorded as abusive": "yes" if call.abusive else "no",
                "Asked to speak to": call.contact_request.requested.name
                if getattr(call, "contact_request", None)
                else "",
                "Review": call.dmts_entry.get_status_display()
                if getattr(call, "dmts_entry", None)
                else "",
                "Compliance Officer's notes" + STAFF_NOTE: call.dmts_entry.compliance_notes
                if getattr(call, "dmts_entry", None)
                else "",
            }
            for call in record.calls
        ],
        "flags": [
            {
                "Kind": flag.get_kind_display(),
                "From": _day(flag.flagged_at),
                "Ended": _day(flag.ended_at),
                "Agreed response": flag.agreed_response,
                "Reason": flag.reason,
                "Review date": _day(flag.review_date),
            }
            for flag in record.flags
        ],
        "letters": [
            {
                "Subject": letter.subject,
                "Kind": letter.get_kind_display(),
                "Written": _day(letter.written_at),
                "Sent": _day(letter.sent_on),
                "Letter": letter.body,
            }
            for letter in record.letters
        ],
        "appeals": [
            {
                "Received": _day(appeal.received_on),
                "Grounds": appeal.grounds,
                "Outcome": "" if appeal.is_waiting else appeal.get_outcome_display(),
                "Reasons": appeal.reasons,
            }
            for appeal in record.appeals
        ],
        "meeting_decisions": [
            {
                "Meeting": str(item.meeting),
                "Decision": item.get_decision_display(),
                "Note": item.decision_note,
            }
            for item in record.meeting_items
        ],
        "concerns": [
            {
                "Kind": concern.get_kind_display(),
                "Raised": _day(concern.raised_at),
                "What was noticed" + STAFF_NOTE: concern.noticed,
                "Decision" + STAFF_NOTE: concern.decision,
                "Agreed handling": concern.handling,
            }
            for concern in record.concerns
        ],
        "referrals": [
            {
                "Referred to": str(referral),
                "On": _day(referral.referred_on),
                "Lawful basis": referral.get_lawful_basis_display(),
                "Consent": referral.get_consent_display(),
                "Outcome" + STAFF_NOTE: referral.outcome,
            }
            for referral in record.referrals
        ],
    }


def subject_access_register() -> QuerySet[SubjectAccessRequest]:
    """Every request, open ones first by when they are due, then those done, newest first."""
    return SubjectAccessRequest.objects.select_related("caller").order_by(
        F("completed_on").desc(nulls_first=True), "due_on", "pk"
    )


def subject_access_due_soon(
    *, today: date | None = None, days: int = 7
) -> list[SubjectAccessRequest]:
    """Open requests due within `days` days, or overdue: for the home page."""
    today = today or timezone.localdate()
    return list(
        SubjectAccessRequest.objects.filter(
            completed_on__isnull=True, due_on__lt=today + timedelta(days=days)
        )
        .select_related("caller")
        .order_by("due_on", "pk")[:20]
    )


def request_changes(request: SubjectAccessRequest, *, limit: int = 50) -> list[Change]:
    """A request's own history, newest first: received, verified, extended, answered."""
    return record_changes(
        request.history.all(),
        SubjectAccessRequest,
        limit=limit,
        what={"+": _("Request logged"), "~": _("Request changed"), "-": _("Request deleted")},
    )
