"""Reads for SMT and Silver meetings: the next Silver meeting's date, and the agenda's summary
table a page at a time, sorted in the database."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from callers.models import (
    Meeting,
    MeetingCycle,
    MeetingItem,
    Rule,
)
from callers.selectors.calls import counts_for
from callers.selectors.rules import reason_legend


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
