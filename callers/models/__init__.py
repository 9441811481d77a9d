"""Callers and calls (calls.py); frequent-caller rules, flags and meetings (flags.py)."""

from callers.models.calls import (
    WINDOWS,
    Call,
    Caller,
    CallerActivity,
    CallerPhone,
    CallerQuerySet,
    CallQuerySet,
    ContactRequest,
    StaffContact,
)
from callers.models.flags import Flag, FlagReview, Meeting, MeetingItem, Rule, RuleMatch

__all__ = [
    "WINDOWS",
    "Call",
    "CallQuerySet",
    "Caller",
    "CallerActivity",
    "CallerPhone",
    "CallerQuerySet",
    "ContactRequest",
    "Flag",
    "FlagReview",
    "Meeting",
    "MeetingItem",
    "Rule",
    "RuleMatch",
    "StaffContact",
]
