"""Writes for the callers app: calls and callers (calls.py), frequent-caller detection
(detection.py), flags and meetings (flags.py). Views, admin, commands and tests call these."""

from callers.services.calls import (
    CONTACT_REQUEST_LINK_DAYS,
    LoggedCall,
    StaleEdit,
    call_log,
    caller_activity_refresh,
    caller_create,
    caller_update,
    contact_request_decide,
    contact_request_from_token,
    contact_request_notify,
    contact_request_token,
)
from callers.services.detection import current_matches, matches_refresh, rule_fired, rules_save
from callers.services.flags import (
    flag_change_response,
    flag_create,
    flag_end,
    flag_renew,
    meeting_decide,
    meeting_open,
)

__all__ = [
    "current_matches",
    "flag_change_response",
    "flag_create",
    "flag_end",
    "flag_renew",
    "matches_refresh",
    "rules_save",
    "meeting_decide",
    "meeting_open",
    "rule_fired",
    "CONTACT_REQUEST_LINK_DAYS",
    "LoggedCall",
    "StaleEdit",
    "call_log",
    "caller_activity_refresh",
    "caller_create",
    "caller_update",
    "contact_request_decide",
    "contact_request_from_token",
    "contact_request_notify",
    "contact_request_token",
]
