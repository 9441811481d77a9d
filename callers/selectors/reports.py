"""Reads for the figures that show the effect of the arrangements: the dashboard's year as last
worked out (calls per week by type, the share of calls from flagged callers), each flagged
caller's calls before and since their flag, and the quarterly report for the risk register
and the Police and Crime Panel."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from callers.models import (
    Appeal,
    Call,
    Concern,
    DashboardFigure,
    Flag,
    FlagReview,
    FollowUp,
    Letter,
    Referral,
)
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

    @property
    def is_stale(self) -> bool:
        return timezone.now() - self.computed_at > DASHBOARD_FRESH_FOR


def dashboard_figures() -> DashboardFigures | None:
    """The year's figures as last worked out (in the background), or None before the first."""
    stored = DashboardFigure.objects.filter(key=DASHBOARD_KEY, computed_at__isnull=False).first()
    if stored is None:
        return None
    value = stored.value
    assert stored.computed_at is not None  # asked for above
    return DashboardFigures(
        weeks=[date.fromisoformat(day) for day in value["weeks"]],
        series=value["series"],
        flagged=value["flagged"],
        total=value["total"],
        computed_at=stored.computed_at,
    )


def calls_per_week_by_type(*, weeks: int = 52) -> tuple[list[date], dict[str, list[int]]]:
    """Calls per week for each type over the last year, one grouped query."""
    this_week = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    starts = [this_week - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    rows = (
        Call.objects.counted()
        .filter(received_at__gte=start_of_day(starts[0]))
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


@dataclass(frozen=True)
class Figure:
    section: str
    label: str
    value: int | str


@dataclass(frozen=True)
class Report:
    start: date
    end: date  # the last day included
    figures: list[Figure]
    computed_at: datetime | None = None

    def value(self, label: str) -> int | str:
        return next(f.value for f in self.figures if f.label == label)

    @property
    def title(self) -> str:
        return f"Frequent and regular callers: {_day(self.start)} to {_day(self.end)}"


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def calls_by_type(start: date, end: date) -> dict[str, int]:
    """Counted calls of each type received on the days from `start` to `end` inclusive."""
    rows = (
        Call.objects.counted()
        .filter(
            received_at__gte=start_of_day(start),
            received_at__lt=start_of_day(end + timedelta(days=1)),
        )
        .values("call_type")
        .annotate(n=Count("pk"))
        .values_list("call_type", "n")
    )
    found = dict(rows)
    return {value: found.get(value, 0) for value in Call.Type.values}


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


def report(start: date, end: date, *, today: date | None = None) -> Report:
    today = today or timezone.localdate()
    begin, finish = start_of_day(start), start_of_day(end + timedelta(days=1))
    within = {"__gte": begin, "__lt": finish}

    def between(field: str) -> Q:
        return Q(**{f"{field}{k}": v for k, v in within.items()})

    by_type = calls_by_type(start, end)
    calls = sum(by_type.values())
    flagged, _ = flagged_share_between(begin, finish)
    flags = Flag.objects.aggregate(
        made=Count("pk", filter=between("flagged_at")),
        ended=Count("pk", filter=between("ended_at")),
        in_force=Count(
            "pk",
            filter=Q(flagged_at__lt=finish) & (Q(ended_at__isnull=True) | Q(ended_at__gte=finish)),
        ),
    )
    reviewed = FlagReview.objects.filter(between("reviewed_at")).count()
    notices = Letter.objects.filter(
        kind=Letter.Kind.NOTICE, sent_on__gte=start, sent_on__lte=end
    ).count()
    appeals = Appeal.objects.aggregate(
        received=Count("pk", filter=Q(received_on__gte=start, received_on__lte=end)),
        upheld=Count(
            "pk",
            filter=between("decided_at")
            & Q(outcome__in=[Appeal.Outcome.UPHELD_END, Appeal.Outcome.UPHELD_CHANGE]),
        ),
        not_upheld=Count("pk", filter=between("decided_at") & Q(outcome=Appeal.Outcome.NOT_UPHELD)),
    )
    concerns = Concern.objects.filter(between("raised_at")).count()
    referrals = Referral.objects.filter(referred_on__gte=start, referred_on__lte=end).count()
    follow_ups = FollowUp.objects.filter(due_on__gte=start, due_on__lte=end).aggregate(
        due=Count("pk"),
        late=Count(
            "pk",
            filter=Q(status=FollowUp.Status.OPEN, due_on__lt=today)
            | Q(status=FollowUp.Status.DONE, done_at__date__gt=F("due_on")),
        ),
    )
    share = f"{round(100 * flagged / calls)}%" if calls else "0%"
    labels = dict(Call.Type.choices)
    figures = [
        *(Figure("Calls", labels[value], n) for value, n in by_type.items()),
        Figure("Calls", "All calls", calls),
        Figure("Calls", "Calls from callers flagged when they called", flagged),
        Figure("Calls", "Their share of all calls", share),
        Figure("Flags", "Flags made", flags["made"]),
        Figure("Flags", "Flags reviewed and renewed", reviewed),
        Figure("Flags", "Flags ended", flags["ended"]),
        Figure("Flags", "Flags in force at the end of the period", flags["in_force"]),
        Figure("Telling the caller", "Notices of contact arrangements sent", notices),
        Figure("Telling the caller", "Appeals received", appeals["received"]),
        Figure("Telling the caller", "Appeals upheld", appeals["upheld"]),
        Figure("Telling the caller", "Appeals not upheld", appeals["not_upheld"]),
        Figure("Vulnerability and safeguarding", "Concerns raised", concerns),
        Figure("Vulnerability and safeguarding", "Safeguarding referrals made", referrals),
        Figure("Follow-ups", "Follow-ups due", follow_ups["due"]),
        Figure("Follow-ups", "Follow-ups done late or still overdue", follow_ups["late"]),
    ]
    return Report(start=start, end=end, figures=figures)


#: A stored report is shown at once; one older than this is worked out again meanwhile.
REPORT_FRESH_FOR = timedelta(minutes=15)


def report_key(start: date, end: date) -> str:
    return f"report:{start.isoformat()}:{end.isoformat()}"


def report_stored(start: date, end: date) -> Report | None:
    """The report for this period as the background worker last worked it out (a quarter
    of two million calls takes longer than a page may), or None before the first time."""
    stored = DashboardFigure.objects.filter(
        key=report_key(start, end), computed_at__isnull=False
    ).first()
    if stored is None:
        return None
    return Report(
        start=start,
        end=end,
        figures=[Figure(*row) for row in stored.value["figures"]],
        computed_at=stored.computed_at,
    )


def is_stale(made: Report) -> bool:
    return made.computed_at is None or timezone.now() - made.computed_at > REPORT_FRESH_FOR
