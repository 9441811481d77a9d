"""One module per concern: callers and calls (calls.py), requests to speak to someone
(contact_requests.py), screen pop (telephony.py), frequent-caller rules (rules.py), flags
(flags.py), SMT and Silver meetings (meetings.py), what the office must come back to
(follow_ups.py), letters and appeals (letters.py), figures
worked out in the background (reports.py), concerns, referrals and risk words
(safeguarding.py), and the access log, merges, retention and disposal (data_protection.py)."""

from callers.models.calls import (
    EARLIEST_CALL,
    Call,
    Caller,
    CallerActivity,
    CallerPhone,
    CallerQuerySet,
    CallQuerySet,
    Tally,
    entries_visible_to,
)
from callers.models.contact_requests import ContactRequest, ContactRequestOpening, StaffContact
from callers.models.data_protection import (
    REMOVED,
    CallerMerge,
    DisposalLog,
    RetentionRule,
    RetentionRun,
    SensitiveAccess,
)
from callers.models.flags import Flag, FlagReview
from callers.models.follow_ups import FollowUp
from callers.models.languages import Language, LetterLanguage
from callers.models.letters import Appeal, Letter, Letterhead, LetterTemplate
from callers.models.meetings import Meeting, MeetingCycle, MeetingItem
from callers.models.reports import DashboardFigure
from callers.models.rules import MatchesRefresh, Rule, RuleMatch
from callers.models.safeguarding import Concern, ManagerAlert, Referral, RiskWord
from callers.models.subject_access import SubjectAccessRequest, SubjectAccessResponse
from callers.models.telephony import PhoneCall, TelephonyEvent

__all__ = [
    "REMOVED",
    "Appeal",
    "Language",
    "Letter",
    "LetterLanguage",
    "LetterTemplate",
    "Letterhead",
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
    "DashboardFigure",
    "Flag",
    "FollowUp",
    "FlagReview",
    "ManagerAlert",
    "MatchesRefresh",
    "Meeting",
    "MeetingCycle",
    "MeetingItem",
    "PhoneCall",
    "Referral",
    "RetentionRule",
    "RetentionRun",
    "RiskWord",
    "Rule",
    "RuleMatch",
    "SensitiveAccess",
    "SubjectAccessRequest",
    "SubjectAccessResponse",
    "EARLIEST_CALL",
    "StaffContact",
    "Tally",
    "TelephonyEvent",
    "entries_visible_to",
]
