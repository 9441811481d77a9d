"""Reads for the DMTS call log: an entry's history, and the review queue's next entry."""

from django.utils.translation import gettext_lazy as _

from dmts.models import DmtsEntry
from opcc_calls.history import Change, merged, record_changes

HISTORY_SHOWN = 50


def entry_changes(entry: DmtsEntry, *, limit: int = HISTORY_SHOWN) -> list[Change]:
    """The entry's and its call's changes as one timeline, newest first."""
    call_changes = record_changes(
        entry.call.history.all(),
        type(entry.call),
        limit=limit,
        what={"+": _("Call logged"), "~": _("Call corrected"), "-": _("Call deleted")},
    )
    review_changes = record_changes(
        entry.history.all(),
        DmtsEntry,
        limit=limit,
        what={
            "+": _("DMTS entry created"),
            "~": _("DMTS entry updated"),
            "-": _("DMTS entry deleted"),
        },
    )
    return merged(call_changes, review_changes, limit=limit)


def next_awaiting_review(*, after: DmtsEntry | None = None) -> DmtsEntry | None:
    """The oldest entry still awaiting review (after the one just done, if given)."""
    queue = DmtsEntry.objects.awaiting_review().order_by("created_at", "pk")
    if after is not None:
        queue = queue.exclude(pk=after.pk)
    return queue.first()
