"""Reads for follow-ups: the queue's views, and one follow-up's history."""

from callers.models import FollowUp
from opcc_calls.history import Change, record_changes

HISTORY_SHOWN = 50


def follow_up_changes(follow_up: FollowUp, *, limit: int = HISTORY_SHOWN) -> list[Change]:
    return record_changes(
        follow_up.history.all(),
        FollowUp,
        limit=limit,
        what={"+": "Follow-up found", "~": "Follow-up changed", "-": "Follow-up deleted"},
    )
