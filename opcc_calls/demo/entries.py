"""DMTS entries for the demo calls: older ones reviewed, the latest few waiting in the queue."""

from datetime import timedelta

from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from callers.models import Call
from dmts.models import DmtsCounter, DmtsEntry

WAITING_DAYS = 4


def seed_entries(*, reviewer) -> int:
    """Give every call without a DMTS entry one, in order received; returns how many."""
    last = dict(DmtsEntry.objects.values_list("year").annotate(n=Max("number")))
    recent = timezone.now() - timedelta(days=WAITING_DAYS)
    entries = []
    for call in Call.objects.filter(dmts_entry__isnull=True).order_by("received_at", "pk"):
        year = timezone.localtime(call.received_at).year
        last[year] = last.get(year, 0) + 1
        reviewed = call.received_at < recent
        entries.append(
            DmtsEntry(
                call=call,
                year=year,
                number=last[year],
                reference=f"DMTS-{year}-{last[year]:06d}",
                created_at=call.received_at,
                status=DmtsEntry.Status.REVIEWED if reviewed else DmtsEntry.Status.AWAITING_REVIEW,
                reviewed_by=reviewer if reviewed else None,
                reviewed_at=call.received_at + timedelta(days=1) if reviewed else None,
            )
        )
    bulk_create_with_history(entries, DmtsEntry, batch_size=1000)
    for year, number in last.items():
        DmtsCounter.objects.update_or_create(year=year, defaults={"last_number": number})
    return len(entries)
