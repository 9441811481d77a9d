"""The periods calls are counted over (the handling card, the lists, the charts), in office
days (Europe/London): each is defined once, here."""

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

#: The windows, with the office days each spans: the last 24 hours is elapsed time; 7, 30 and
#: 90 days are that many office days ending today, so a chart of calls per day adds up to the
#: count beside it. (The frequent-caller rules count over ANY period of their own length
#: instead: see callers' `Rule`.)
WINDOWS = {"24h": None, "7d": 7, "30d": 30, "90d": 90}


def start_of_day(day: date) -> datetime:
    """Midnight at the start of an office day (Europe/London)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def window_start(window: str, *, now: datetime) -> tuple[str, datetime]:
    """Where one of the WINDOWS starts as it stands at `now`, and whether a call received at
    that moment is in it ("gt": exactly 24 hours ago is not) or not ("gte": from midnight at
    the start of the window's first office day)."""
    days = WINDOWS[window]
    if days is None:
        return "gt", now - timedelta(hours=24)
    return "gte", start_of_day(timezone.localdate(now) - timedelta(days=days - 1))


def in_window(window: str, *, now: datetime, field: str = "received_at") -> Q:
    """Calls received within one of the WINDOWS as it stands at `now` (never after it)."""
    lookup, start = window_start(window, now=now)
    return Q(**{f"{field}__{lookup}": start, f"{field}__lte": now})
