"""Reads for the dashboard's figures: the year as last worked out (calls per week by type,
the share of calls from flagged callers, how callers were recognised, their languages)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from callers.models import Call, Caller, DashboardFigure, Flag, Language
from opcc_calls.windows import start_of_day

#: The dashboard's year-long figures are worked out again in the background when older.
DASHBOARD_FRESH_FOR = timedelta(minutes=15)

DASHBOARD_KEY = "year"


@dataclass(frozen=True)
class DashboardFigures:
    weeks: list[date]
    series: dict[str, list[int]]
    flagged: int
    total: int
    computed_at: datetime
    recognised: dict[str, int]  # how callers were recognised (5.7), calls in the last 90 days
    languages: dict[str, int]  # the last 90 days' callers by the language they prefer

    @property
    def is_stale(self) -> bool:
        return timezone.now() - self.computed_at > DASHBOARD_FRESH_FOR


def dashboard_figures() -> DashboardFigures | None:
    """The year's figures as last worked out (in the background), or None before the first."""
    stored = DashboardFigure.objects.filter(key=DASHBOARD_KEY, computed_at__isnull=False).first()
    if stored is None or "recognised" not in stored.value:
        return None
    value = stored.value
    assert stored.computed_at is not None  # asked for above
    return DashboardFigures(
        weeks=[date.fromisoformat(day) for day in value["weeks"]],
        series=value["series"],
        flagged=value["flagged"],
        total=value["total"],
        computed_at=stored.computed_at,
        recognised=value["recognised"],
        languages=value.get("languages", {}),
    )


def recognised_counts(*, days: int = 90) -> dict[str, int]:
    """Calls in the last `days` days by how the caller was recognised (5.7), "" unrecorded."""
    since = start_of_day(timezone.localdate() - timedelta(days=days - 1))
    rows = dict(
        Call.objects.counted()
        .filter(received_at__gte=since)
        .values("recognised")
        .annotate(n=Count("pk"))
        .values_list("recognised", "n")
    )
    return {value: rows.get(value, 0) for value in ["", *Call.Recognised.values]}


#: A caller's language as the figures count it: another language is "interpreter needed".
LANGUAGE_ROWS = [*Language.values, ""]


def language_counts(begin: datetime, finish: datetime) -> dict[str, int]:
    """Callers who called between `begin` and `finish` by the language they prefer ("" not
    asked yet), each caller once."""
    rows = dict(
        Caller.objects.filter(
            Exists(
                Call.objects.counted().filter(
                    caller=OuterRef("pk"), received_at__gte=begin, received_at__lt=finish
                )
            )
        )
        .values("language")
        .annotate(n=Count("pk"))
        .values_list("language", "n")
    )
    return {value: rows.get(value, 0) for value in LANGUAGE_ROWS}


def recent_language_counts(*, days: int = 90) -> dict[str, int]:
    since = start_of_day(timezone.localdate() - timedelta(days=days - 1))
    return language_counts(since, timezone.now() + timedelta(days=1))


def calls_per_week_by_type(
    *, weeks: int = 52, start: date | None = None, end: date | None = None
) -> tuple[list[date], dict[str, list[int]]]:
    """Calls per week (from Monday) for each type, one grouped query: over the last `weeks`
    weeks, or the weeks that the days from `start` to `end` touch (only those days counted)."""
    if start and end:
        first = start - timedelta(days=start.weekday())
        weeks = (end - first).days // 7 + 1
        days = Q(
            received_at__gte=start_of_day(start),
            received_at__lt=start_of_day(end + timedelta(days=1)),
        )
    else:
        first = timezone.localdate() - timedelta(
            days=timezone.localdate().weekday(), weeks=weeks - 1
        )
        days = Q(received_at__gte=start_of_day(first))
    starts = [first + timedelta(weeks=i) for i in range(weeks)]
    rows = (
        Call.objects.counted()
        .filter(days)
        .annotate(week=TruncWeek("received_at", tzinfo=timezone.get_current_timezone()))
        .values("week", "call_type")
        .annotate(n=Count("pk"))
        .values_list("week", "call_type", "n")
    )
    series = {value: [0] * weeks for value in Call.Type.values}
    index = {start: i for i, start in enumerate(starts)}
    for week, call_type, n in rows:
        day = week.date() if isinstance(week, datetime) else week
        if day in index:
            series[call_type][index[day]] += n
    return starts, series


def calls_per_week(start: date, end: date) -> list[tuple[date, int]]:
    """All counted calls in each week the period touches (its own days only), zeros included."""
    weeks, series = calls_per_week_by_type(start=start, end=end)
    return [(week, sum(values[i] for values in series.values())) for i, week in enumerate(weeks)]


def flagged_at_the_time() -> Exists:
    """Whether a call's caller had a flag in force when they called (for an annotation)."""
    return Exists(
        Flag.objects.filter(
            caller_id=OuterRef("caller_id"), flagged_at__lte=OuterRef("received_at")
        ).filter(Q(ended_at__isnull=True) | Q(ended_at__gt=OuterRef("received_at")))
    )


def flagged_share_between(start: datetime, end: datetime) -> tuple[int, int]:
    """(calls from callers flagged when they called, all calls) from `start` up to `end`: the
    dashboard's share and the quarterly report's, one query."""
    totals = (
        Call.objects.counted()
        .filter(received_at__gte=start, received_at__lt=end)
        .annotate(from_flagged=flagged_at_the_time())
        .aggregate(every=Count("pk"), flagged_calls=Count("pk", filter=Q(from_flagged=True)))
    )
    return totals["flagged_calls"], totals["every"]


def flagged_share(*, days: int = 90) -> tuple[int, int]:
    """The dashboard's share: the last `days` days, to now."""
    now = timezone.now()
    return flagged_share_between(now - timedelta(days=days), now + timedelta(seconds=1))
