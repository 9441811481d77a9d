"""The periods calls are counted over (the handling card, the lists, the charts, the
quarterly report and what it is compared with), in office days (Europe/London): each is
defined once, here."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Q, QuerySet
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


def quarter_of(day: date) -> tuple[date, date]:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    following = date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
    return first, following - timedelta(days=1)


def last_quarters(count: int = 4, *, today: date | None = None) -> list[tuple[date, date]]:
    """The last `count` complete quarters, the most recent first."""
    start, _ = quarter_of(today or timezone.localdate())
    quarters = []
    for _ in range(count):
        start, end = quarter_of(start - timedelta(days=1))
        quarters.append((start, end))
    return quarters


def comparison_periods(start: date, end: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """The period before (the quarter before a quarter, else as many days just before) and the
    same period a year before (29 February becomes the 28th)."""
    if (start, end) == quarter_of(start):
        previous = quarter_of(start - timedelta(days=1))
    else:
        previous = (start - (end - start) - timedelta(days=1), start - timedelta(days=1))

    def year_before(day: date) -> date:
        return day.replace(year=day.year - 1, day=min(day.day, 28 if day.month == 2 else day.day))

    return previous, (year_before(start), year_before(end))


@dataclass(frozen=True)
class Tally:
    """One count for `tallies`: of the calls (or of the different staff who took them)
    received after `after` (or from it, if `inclusive`), of sales calls only or of all others
    when `sales` says which."""

    after: datetime
    inclusive: bool = False
    staff: bool = False
    sales: bool | None = None


def tallies(calls: QuerySet, wanted: dict[str, Tally], *, sales: str) -> dict[str, int]:
    """Several counts over the calls in one query. The ORM selects the calls; each count is a
    FILTER clause over them (SQL PostgreSQL and SQLite share), because Django's own filtered
    aggregates took longer to build than the database took to answer, on the handling card a
    handler waits for and on every call logged. `sales`: the sales type's value."""
    inner, inner_params = (
        calls.order_by().values("received_at", "handler_id", "call_type").query.sql_with_params()
    )
    columns, params = [], []
    for tally in wanted.values():
        condition = f"received_at {'>=' if tally.inclusive else '>'} %s"
        params.append(connection.ops.adapt_datetimefield_value(tally.after))
        if tally.sales is not None:
            condition += f" AND call_type {'=' if tally.sales else '<>'} %s"
            params.append(sales)
        counted = "DISTINCT handler_id" if tally.staff else "*"
        columns.append(f"COUNT({counted}) FILTER (WHERE {condition})")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM ({inner}) AS calls", [*params, *inner_params]
        )
        return dict(zip(wanted, cursor.fetchone(), strict=True))
