"""Reads for subject access: everything held about one caller, gathered in a fixed number of
queries however much there is."""

from dataclasses import dataclass

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
)
from opcc_calls.history import Change, object_changes

WHAT = {"+": "Created", "~": "Changed", "-": "Deleted"}


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
