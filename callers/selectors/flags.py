"""Reads for frequent and regular callers: the rule matches in force, candidates, the frequent
calls log, the dashboard.

Every function runs a fixed number of grouped queries for a page of callers, however many
calls they have made.
"""

from callers.models import (
    Flag,
)
from callers.selectors.calls import counts_for


def flags_with_activity(flags: list[Flag]) -> list[tuple[Flag, dict]]:
    """Each flag beside its caller's current counts (for the frequent calls log)."""
    counts = counts_for([f.caller_id for f in flags])
    return [(flag, counts[flag.caller_id]) for flag in flags]
