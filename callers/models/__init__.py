"""One module per concern: callers and calls (calls.py); frequent-caller rules, flags and
meetings (flags.py); concerns, referrals and risk words (safeguarding.py); the access log,
merges, retention and disposal (data_protection.py)."""

from callers.models.calls import (
    EARLIEST_CALL,
    WINDOWS,
    Call,
    Caller,
    CallerActivity,
    CallerPhone,
    CallerQuerySet,
    CallQuerySet,
    ContactRequest,
    ContactRequestOpening,
    StaffContact,
    entries_visible_to,
    in_window,
    start_of_day,
)
from callers.models.data_protection import (
    REMOVED,
    CallerMerge,
    DisposalLog,
    RetentionRule,
    SensitiveAccess,
)
from callers.models.flags import Flag, FlagReview, Meeting, MeetingItem, Rule, RuleMatch
from callers.models.safeguarding import Concern, Referral, RiskWord

__all__ = [
    "REMOVED",
    "WINDOWS",
    "Call",
    "CallQuerySet",
    "Caller",
    "CallerActivity",
    "CallerMerge",
    "CallerPhone",
    "CallerQuerySet",
    "Concern",
    "ContactRequest",
    "ContactRequestOpening",
    "DisposalLog",
    "Flag",
    "FlagReview",
    "Meeting",
    "MeetingItem",
    "Referral",
    "RetentionRule",
    "RiskWord",
    "Rule",
    "RuleMatch",
    "SensitiveAccess",
    "EARLIEST_CALL",
    "StaffContact",
    "entries_visible_to",
    "in_window",
    "start_of_day",
]
