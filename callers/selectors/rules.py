"""Reads for the frequent-caller rules: the matches in force, the candidates they make (the SMT
meeting's list), narrowed and sorted, and a short label for each rule's sentence.

Every function runs a fixed number of grouped queries for a page of callers, however many
calls they have made."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from callers.charts import BarChart
from callers.models import (
    Caller,
    Flag,
    Rule,
    RuleMatch,
)
from callers.selectors.calls import counts_for, sparklines_for
from opcc_calls.pagination import Window, page_number


def unflagged_matches(*, now: datetime | None = None) -> QuerySet[RuleMatch]:
    """Matches in force for callers who are not flagged now: the candidates."""
    flagged = Flag.objects.active().filter(caller_id=OuterRef("caller_id"))
    return current_matches(now=now).exclude(Exists(flagged))


def current_matches(*, now: datetime | None = None) -> QuerySet[RuleMatch]:
    """Rule matches still in force: the rule is in use and fired within its look-back."""
    now = now or timezone.now()
    in_force = Q(pk__in=[])
    for rule in Rule.objects.filter(is_active=True):
        in_force |= Q(rule=rule, last_fired_at__gte=now - timedelta(days=rule.lookback_days))
    return RuleMatch.objects.filter(in_force)


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


def candidate_ids(*, now: datetime | None = None) -> QuerySet[RuleMatch, int]:
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
