"""Each caller's running counters (calls in all, first and last call) and rule matches, kept
current as calls are logged, corrected, voided or merged, so lists never rescan the call log.

Logging a call (callers), correcting or voiding its DMTS entry (dmts) and merging two callers
(data_protection) all write here; nothing here writes to them.
"""

from django.db.models import Count, F, Max, Min
from django.db.models.functions import Coalesce, Greatest, Least
from django_tasks import task

from callers.models import Call, Caller, CallerActivity
from callers.services.rules import matches_record_call, matches_refresh


def caller_activity_record(caller: Caller, call: Call) -> None:
    """Count one newly logged call on the caller's counters and rule matches. Updating the
    counters locks the caller's row until the call commits, so a refresh of everyone's
    matches (after a rule change) waits for it, or it for the refresh: never both at once."""
    received_at = call.received_at
    latest = (
        CallerActivity.objects.filter(caller=caller).values_list("last_call_at", flat=True).first()
    )
    counted = CallerActivity.objects.filter(caller=caller).update(
        calls_total=F("calls_total") + 1,
        first_call_at=Least(Coalesce("first_call_at", received_at), received_at),
        last_call_at=Greatest(Coalesce("last_call_at", received_at), received_at),
    )
    if not counted:  # a caller made some other way than caller_create
        CallerActivity.objects.get_or_create(
            caller=caller,
            defaults={"calls_total": 1, "first_call_at": received_at, "last_call_at": received_at},
        )
    if latest is None or received_at >= latest:
        matches_record_call(caller_id=caller.pk, received_at=received_at, call_type=call.call_type)
    else:  # logged late: an earlier window may now fire, or a later one fire sooner
        matches_refresh(caller_ids=[caller.pk])


def caller_activity_refresh(caller_id: int) -> None:
    """Recount one caller's counters and rule matches from the log (after a correction, a
    void or a merge)."""
    matches_refresh(caller_ids=[caller_id])
    totals = (
        Call.objects.filter(caller_id=caller_id)
        .counted()
        .aggregate(n=Count("pk"), first=Min("received_at"), last=Max("received_at"))
    )
    CallerActivity.objects.update_or_create(
        caller_id=caller_id,
        defaults={
            "calls_total": totals["n"],
            "first_call_at": totals["first"],
            "last_call_at": totals["last"],
        },
    )


@task()
def callers_recount(caller_ids: list[int]) -> None:
    """Background: recount callers whose calls moved (a merge)."""
    for caller_id in caller_ids:
        caller_activity_refresh(caller_id)
