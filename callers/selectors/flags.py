"""Reads for frequent and regular callers: the rule matches in force, candidates, the frequent
calls log, the dashboard.

Every function runs a fixed number of grouped queries for a page of callers, however many
calls they have made.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from callers.charts import BarChart, daily_bars
from callers.models import (
    WINDOWS,
    Appeal,
    Call,
    Caller,
    DashboardFigure,
    Flag,
    Meeting,
    MeetingCycle,
    MeetingItem,
    Rule,
    RuleMatch,
    in_window,
    start_of_day,
)
from callers.selectors.calls import calls_per_day_for
from opcc_calls.pagination import Window, page_number

SPARK_DAYS = 90


def unflagged_matches(*, now: datetime | None = None):
    """Matches in force for callers who are not flagged now: the candidates."""
    flagged = Flag.objects.active().filter(caller_id=OuterRef("caller_id"))
    return current_matches(now=now).exclude(Exists(flagged))


def current_matches(*, now: datetime | None = None):
    """Rule matches still in force: the rule is in use and fired within its look-back."""
    now = now or timezone.now()
    in_force = Q(pk__in=[])
    for rule in Rule.objects.filter(is_active=True):
        in_force |= Q(rule=rule, last_fired_at__gte=now - timedelta(days=rule.lookback_days))
    return RuleMatch.objects.filter(in_force)


def counts_for(caller_ids: list[int], *, now: datetime | None = None) -> dict[int, dict]:
    """Calls in each window and different staff in the last 7 days, per caller, one query."""
    now = now or timezone.now()
    aggregates = {f"calls_{name}": Count("pk", filter=in_window(name, now=now)) for name in WINDOWS}
    aggregates["staff_7d"] = Count("handler", distinct=True, filter=in_window("7d", now=now))
    rows = (
        Call.objects.counted()
        .filter(caller_id__in=caller_ids)
        .in_window("90d", now=now)
        .values("caller_id")
        .annotate(**aggregates)
    )
    empty = dict.fromkeys(aggregates, 0)
    found = {row.pop("caller_id"): row for row in rows}
    return {pk: found.get(pk, empty) for pk in caller_ids}


def sparklines_for(caller_ids: list[int], *, days: int = SPARK_DAYS) -> dict[int, BarChart]:
    """Calls per day over the last `days` days for each caller, from one grouped query."""
    return {
        pk: daily_bars(per_day, width=180, height=30)
        for pk, per_day in calls_per_day_for(caller_ids, days=days).items()
    }


def calls_between(caller_ids: list[int], start: datetime, end: datetime) -> dict[int, int]:
    """Each caller's counted calls from `start` up to (not including) `end`, one query."""
    rows = (
        Call.objects.counted()
        .filter(caller_id__in=caller_ids, received_at__gte=start, received_at__lt=end)
        .values("caller_id")
        .annotate(n=Count("pk"))
        .values_list("caller_id", "n")
    )
    return dict(rows)


@dataclass
class Candidate:
    caller: Caller
    reasons: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)
    last_fired_at: datetime | None = None
    counts: dict = field(default_factory=dict)
    chart: BarChart | None = None

    @property
    def suggested_kind(self) -> str:
        return Flag.Kind.FREQUENT if Flag.Kind.FREQUENT in self.kinds else Flag.Kind.REGULAR


def candidate_ids(*, now: datetime | None = None):
    """Callers a rule has fired for who are not flagged, most recently fired first: a
    queryset of ids, every candidate grouped (for meetings and tests; a page reads fewer)."""
    return (
        unflagged_matches(now=now)
        .values("caller_id")
        .annotate(last=Max("last_fired_at"))
        .order_by("-last", "caller_id")
        .values_list("caller_id", flat=True)
    )


def candidate_page(page: str | None, *, per_page: int, now: datetime | None = None) -> Window:
    """One page of `candidate_ids`, read from the index on when each match last fired rather
    than by grouping every match: in that order a caller's first match is their latest, and
    nobody has more matches than there are rules, so the rows the page needs are known."""
    number = page_number(page)
    rules = max(Rule.objects.filter(is_active=True).count(), 1)
    wanted = number * per_page + 1  # one more than the page: is there a next?
    rows = (
        unflagged_matches(now=now)
        .order_by("-last_fired_at", "caller_id")
        .values_list("caller_id", flat=True)[: wanted * rules]
    )
    callers = list(dict.fromkeys(rows))
    start = (number - 1) * per_page
    return Window(
        items=callers[start : start + per_page],
        number=number,
        per_page=per_page,
        has_next=len(callers) > start + per_page,
    )


#: The home page counts candidates up to this many: past it, the number no longer matters
#: to a meeting, and counting tens of thousands of rule matches would cost every visit.
CANDIDATES_COUNTED = 1000


#: How the candidates can be sorted: the key, and whether most first.
CANDIDATE_SORTS = {
    "30d": (lambda counts: counts["calls_30d"], True),
    "7d": (lambda counts: counts["calls_7d"], True),
    "staff": (lambda counts: counts["staff_7d"], True),
}


@dataclass(frozen=True)
class CandidateFilter:
    rule: int | None = None
    kind: str = ""
    calls_30d: int = 0
    staff: int = 0
    sort: str = ""

    @property
    def is_plain(self) -> bool:
        return self == CandidateFilter()


def candidate_page_filtered(
    choice: CandidateFilter, page: str | None, *, per_page: int, now: datetime | None = None
) -> Window:
    """A page of candidates narrowed by rule, kind, calls in 30 days and staff reached, and
    sorted: read for every candidate (up to CANDIDATES_COUNTED), counted in one query."""
    matches = unflagged_matches(now=now)
    if choice.rule:
        matches = matches.filter(rule_id=choice.rule)
    if choice.kind:
        matches = matches.filter(rule__kind=choice.kind)
    ids = list(
        matches.values("caller_id")
        .annotate(last=Max("last_fired_at"))
        .order_by("-last", "caller_id")
        .values_list("caller_id", flat=True)[:CANDIDATES_COUNTED]
    )
    counts = counts_for(ids, now=now)
    ids = [
        pk
        for pk in ids
        if counts[pk]["calls_30d"] >= choice.calls_30d and counts[pk]["staff_7d"] >= choice.staff
    ]
    if choice.sort in CANDIDATE_SORTS:
        key, most_first = CANDIDATE_SORTS[choice.sort]
        ids.sort(key=lambda pk: key(counts[pk]), reverse=most_first)
    number = page_number(page)
    start = (number - 1) * per_page
    return Window(
        items=ids[start : start + per_page],
        number=number,
        per_page=per_page,
        has_next=len(ids) > start + per_page,
    )


def candidates_counted(*, now: datetime | None = None) -> int:
    """How many callers are candidates, up to CANDIDATES_COUNTED (from the index on each
    match's caller, stopping there)."""
    return (
        unflagged_matches(now=now)
        .values("caller_id")
        .distinct()
        .order_by("caller_id")[:CANDIDATES_COUNTED]
        .count()
    )


def candidates(caller_ids: list[int], *, now: datetime | None = None) -> list[Candidate]:
    """The SMT meeting's list for a page of candidate callers: which rules fired and why,
    the counts behind them, and their calls per day."""
    found = {pk: Candidate(caller=c) for pk, c in Caller.objects.in_bulk(caller_ids).items()}
    for match in current_matches(now=now).filter(caller_id__in=caller_ids).select_related("rule"):
        candidate = found[match.caller_id]
        candidate.reasons.append(match.rule.reason)
        candidate.kinds.add(match.rule.kind)
        candidate.last_fired_at = max(filter(None, [candidate.last_fired_at, match.last_fired_at]))
    counts, charts = counts_for(caller_ids, now=now), sparklines_for(caller_ids)
    for pk, candidate in found.items():
        candidate.reasons.sort()
        candidate.counts, candidate.chart = counts[pk], charts[pk]
    return [found[pk] for pk in caller_ids if pk in found]


def flags_with_activity(flags: list[Flag]) -> list[tuple[Flag, dict]]:
    """Each flag beside its caller's current counts (for the frequent calls log)."""
    counts = counts_for([f.caller_id for f in flags])
    return [(flag, counts[flag.caller_id]) for flag in flags]


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


def flagged_at_the_time():
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


@dataclass
class Effect:
    """A flagged caller's calls per week before the flag and each week since (only the weeks
    that have come), and for an ended flag each week after it ended."""

    flag: Flag
    before: list[int]
    since: list[int]
    since_weeks: float  # the time since the flag counted, in weeks (the last may be partial)
    after_end: list[int] = field(default_factory=list)

    @property
    def before_total(self) -> int:
        return sum(self.before)

    @property
    def since_total(self) -> int:
        return sum(self.since)

    @property
    def before_rate(self) -> float:
        return self.before_total / len(self.before) if self.before else 0.0

    @property
    def since_rate(self) -> float:
        return self.since_total / self.since_weeks if self.since_weeks else 0.0

    @property
    def change(self) -> int | None:
        """The change in calls per week since the flag, as a percentage of the rate before."""
        if not self.before_rate or not self.since_weeks:
            return None
        return round(100 * (self.since_rate - self.before_rate) / self.before_rate)


def _weeks_come(start: datetime, until: datetime, weeks: int) -> tuple[int, float]:
    """How many weekly slots from `start` have begun by `until` (at most `weeks`), and the
    elapsed time they cover in weeks."""
    elapsed = max((until - start) / timedelta(weeks=1), 0.0)
    return min(weeks, int(-(-elapsed // 1))), min(elapsed, float(weeks))


def before_and_after(
    flags: list[Flag], *, weeks: int = 8, now: datetime | None = None
) -> dict[int, Effect]:
    """For each flag: calls per week in the `weeks` weeks before it, each week since that has
    come (up to `weeks`, to its end if it ended), and for an ended flag each week after the
    end that has come; from one query."""
    if not flags:
        return {}
    now = now or timezone.now()
    earliest = min(f.flagged_at for f in flags) - timedelta(weeks=weeks)
    rows = (
        Call.objects.counted()
        .filter(caller_id__in=[f.caller_id for f in flags], received_at__gte=earliest)
        .values_list("caller_id", "received_at")
    )
    by_caller: dict[int, list[datetime]] = {}
    for caller_id, received_at in rows.iterator(chunk_size=5000):
        by_caller.setdefault(caller_id, []).append(received_at)
    week = timedelta(weeks=1)
    result = {}
    for flag in flags:
        until = min(now, flag.ended_at) if flag.ended_at else now
        since_slots, since_weeks = _weeks_come(flag.flagged_at, until, weeks)
        after_slots = _weeks_come(flag.ended_at, now, weeks)[0] if flag.ended_at else 0
        before, since, after = [0] * weeks, [0] * since_slots, [0] * after_slots
        for moment in by_caller.get(flag.caller_id, []):
            offset = (moment - flag.flagged_at) // week
            if -weeks <= offset < 0:
                before[offset + weeks] += 1
            elif 0 <= offset < since_slots and moment < until:
                since[offset] += 1
            if flag.ended_at and moment >= flag.ended_at:
                after_offset = (moment - flag.ended_at) // week
                if after_offset < after_slots:
                    after[after_offset] += 1
        result[flag.pk] = Effect(flag, before, since, since_weeks, after)
    return result


#: Appeals listed on a page; a manager's home page says when there are more.
APPEALS_LISTED = 20


def appeals_waiting() -> list[Appeal]:
    """Appeals waiting for a decision, the oldest first: on managers' home page and the Silver
    meeting's agenda."""
    return list(
        Appeal.objects.waiting()
        .select_related("flag__caller", "flag__flagged_by")
        .order_by("received_on", "pk")[:APPEALS_LISTED]
    )


def silver_proposed(*, today: date | None = None) -> date:
    """The next Silver meeting's date: the office's cycle on from the last one (or from its
    first date), never before today."""
    today = today or timezone.localdate()
    cycle = MeetingCycle.current()
    last = (
        Meeting.objects.filter(kind=Meeting.Kind.SILVER, date__lte=today)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    upcoming = (
        Meeting.objects.filter(kind=Meeting.Kind.SILVER, date__gt=today)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    if upcoming:
        return upcoming
    every = timedelta(days=cycle.silver_every_days)
    day = last + every if last else (cycle.first_silver or today)
    while day < today:
        day += every
    return day


def reason_legend(reasons: list[list[str]]) -> dict[str, str]:
    """Each distinct rule sentence given a short label once (F1, F2 for frequent-caller rules,
    R1 for regular, O1 for any other reason), so a list can show the labels on its rows."""
    prefixes = {"Frequent caller": "F", "Regular caller": "R"}
    legend: dict[str, str] = {}
    used: dict[str, int] = {}
    for sentence in sorted({reason for found in reasons for reason in found}):
        prefix = next((p for start, p in prefixes.items() if sentence.startswith(start)), "O")
        used[prefix] = used.get(prefix, 0) + 1
        legend[sentence] = f"{prefix}{used[prefix]}"
    return legend


def trend(counts: dict) -> str:
    """The last week against the weekly average of the last 90 days."""
    weekly = counts["calls_90d"] * 7 / 90
    if counts["calls_7d"] >= 2 and counts["calls_7d"] > weekly * 1.25:
        return "Rising"
    if counts["calls_7d"] < weekly * 0.75:
        return "Falling"
    return "Steady"


@dataclass
class AgendaRow:
    item: MeetingItem
    labels: list[str]
    counts: dict
    trend: str


#: How the meeting's summary table can be sorted: the ordering, most first for counts.
AGENDA_SORTS = {
    "caller": ["caller__full_name", "pk"],
    "24h": ["-counts__calls_24h", "pk"],
    "7d": ["-counts__calls_7d", "pk"],
    "30d": ["-counts__calls_30d", "pk"],
    "90d": ["-counts__calls_90d", "pk"],
    "decision": ["decision", "pk"],
}
AGENDA_ORDER = ["section", "-due_for_review", "caller__full_name", "pk"]
COUNT_KEYS = ("calls_24h", "calls_7d", "calls_30d", "calls_90d")


def _flipped(ordering: list[str]) -> list[str]:
    return [f[1:] if f.startswith("-") else f"-{f}" for f in ordering[:-1]] + ordering[-1:]


def _agenda_ordering(sort: str) -> list[str]:
    ordering = AGENDA_SORTS.get(sort.lstrip("-"), AGENDA_ORDER)
    if sort.startswith("-") and sort.lstrip("-") in AGENDA_SORTS:
        ordering = _flipped(ordering)
    return ordering


def agenda_order(meeting: Meeting, *, sort: str = "") -> list[tuple[int, str]]:
    """Every item of the agenda as (id, decision), in the table's order: for finding the
    next caller without a decision once one is recorded."""
    return list(meeting.items.order_by(*_agenda_ordering(sort)).values_list("pk", "decision"))


def agenda_page_ids(meeting: Meeting, *, sort: str, first: int, size: int) -> list[int]:
    """One page of the agenda in the table's order, sorted in the database by the counts
    taken when the agenda was built: an SMT agenda can hold thousands of candidates."""
    ordered = meeting.items.order_by(*_agenda_ordering(sort)).values_list("pk", flat=True)
    return list(ordered[first : first + size])


def agenda_totals(meeting: Meeting) -> dict[str, int]:
    """How many callers are on the agenda, and how many have no decision yet."""
    return meeting.items.aggregate(size=Count("pk"), undecided=Count("pk", filter=Q(decision="")))


def agenda_rows(ids: list[int], *, legend: dict[str, str]) -> list[AgendaRow]:
    """The summary table's rows for these items (a page of them), in that order, with the
    counts taken when the agenda was built (read now for an item built before they were)."""
    found = MeetingItem.objects.select_related("caller", "flag", "decided_by").in_bulk(ids)
    items = [found[pk] for pk in ids if pk in found]
    missing = [i.caller_id for i in items if not all(k in i.counts for k in COUNT_KEYS)]
    live = counts_for(missing) if missing else {}
    rows = []
    for item in items:
        counts = {**dict.fromkeys(COUNT_KEYS, 0), **live.get(item.caller_id, {}), **item.counts}
        rows.append(
            AgendaRow(
                item=item,
                labels=[legend.get(reason, "") for reason in item.reasons],
                counts=counts,
                trend=trend(counts),
            )
        )
    return rows


def agenda_legend(items: list[MeetingItem]) -> dict[str, str]:
    """Short labels for the rule sentences: every rule's, numbered the same on every page
    (from the rules, a few rows), then any other reason these items give."""
    legend = reason_legend([[rule.reason for rule in Rule.objects.all()]])
    extra = sorted({r for item in items for r in item.reasons} - set(legend))
    for number, sentence in enumerate(extra, start=1):
        legend[sentence] = f"O{number}"
    return legend


def next_undecided(order: list[tuple[int, str]], after: int | None = None) -> int | None:
    """The next item without a decision after the one just decided, in the table's order
    (from the top again when the end is reached)."""
    position = next((i for i, (pk, _) in enumerate(order) if pk == after), -1)
    for pk, decision in order[position + 1 :] + order[: position + 1]:
        if not decision:
            return pk
    return None
