"""Forms for logging a call (log_call.py) and for finding and editing callers (callers.py)."""

from callers.forms.calls.callers import CallerFinderForm, CallerForm, CallerSearchForm
from callers.forms.calls.log_call import LATE_LOGGING_DAYS, LogCallForm, PhoneField

__all__ = [
    "LATE_LOGGING_DAYS",
    "CallerFinderForm",
    "CallerForm",
    "CallerSearchForm",
    "LogCallForm",
    "PhoneField",
]
