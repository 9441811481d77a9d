"""Callers and calls (calls.py); frequent-caller rules, flags and meetings (flags.py);
concerns, referrals, merges and retention (safeguarding.py)."""

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
from callers.models.safeguarding import (
    CallerMerge,
    Concern,
    DisposalLog,
    Referral,
    RetentionRule,
    RiskWord,
    SensitiveAccess,
)

__all__ = [
    "CallerMerge",
    "Concern",
    "DisposalLog",
    "Referral",
    "RetentionRule",
    "RiskWord",
    "SensitiveAccess",
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
