"""Reads for SMT and Silver meetings: the next Silver meeting's date, and the agenda's summary
table a page at a time, sorted in the database."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from callers.models import (
    Flag,
    Meeting,
    MeetingCycle,
    MeetingItem,
    Rule,
)
from callers.models.rules import reason_said
from callers.selectors.calls import counts_for
from callers.selectors.rules import reason_legend
from callers.selectors.safeguarding import open_concerns_for
from opcc_calls.documents import PackParts
from opcc_calls.pagination import Window


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
        return _("Rising")
    if counts["calls_7d"] < weekly * 0.75:
        return _("Falling")
    return _("Steady")


@dataclass
class AgendaRow:
    item: MeetingItem
    labels: list[str]
    counts: dict
    trend: str
    #: A candidate flagged since the agenda was built (or flagged otherwise, as an imported
    #: flag is): nothing left to decide, and never shown as "Not flagged".
    flagged_since: Flag | None = None


#: How the meeting's summary table can be sorted: the ordering, most first for counts.
AGENDA_SORTS = {
    "caller": ["caller__full_name", "pk"],
    "24h": ["-counts__calls_24h", "pk"],
    "7d": ["-counts__calls_7d", "pk"],
    "30d": ["-counts__calls_30d", "pk"],
    "90d": ["-counts__calls_90d", "pk"],
    "decision": ["decision", "pk"],
}

#: Unsorted, the agenda's own order (`agenda_positions_give`), through its index.
AGENDA_ORDER = ["position", "pk"]


def agenda_positions_give(items: list[MeetingItem], names: dict[int, str]) -> None:
    """Number a new agenda's items in the order it is read unsorted, what matters most first:
    flags due for review, then the candidates who met the most rules, then the most calls in
    the last 24 hours (then 7 days), names (`names`, by caller) last."""

    def importance(numbered: tuple[int, MeetingItem]) -> tuple:
        built, item = numbered
        return (
            item.section,
            not item.due_for_review,
            -len(item.reasons),
            -item.counts.get("calls_24h", 0),
            -item.counts.get("calls_7d", 0),
            names.get(item.caller_id, ""),
            built,
        )

    for position, (_index, item) in enumerate(sorted(enumerate(items), key=importance)):
        item.position = position


def _ordered(meeting: Meeting, sort: str) -> QuerySet[MeetingItem]:
    return meeting.items.order_by(*_agenda_ordering(sort))


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
    return list(_ordered(meeting, sort).values_list("pk", "decision"))


def agenda_page_ids(meeting: Meeting, *, sort: str, first: int, size: int) -> list[int]:
    """One page of the agenda in the table's order, sorted in the database by the counts
    taken when the agenda was built: an SMT agenda can hold thousands of candidates."""
    ordered = _ordered(meeting, sort).values_list("pk", flat=True)
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
    unflagged = [i.caller_id for i in items if i.flag_id is None and not i.decision]
    flagged_now = (
        {f.caller_id: f for f in Flag.objects.active().filter(caller_id__in=unflagged)}
        if unflagged
        else {}
    )
    rows = []
    for item in items:
        counts = {**dict.fromkeys(COUNT_KEYS, 0), **live.get(item.caller_id, {}), **item.counts}
        rows.append(
            AgendaRow(
                item=item,
                labels=[legend.get(reason, "") for reason in item.reasons],
                counts=counts,
                trend=trend(counts),
                flagged_since=flagged_now.get(item.caller_id) if not item.flag_id else None,
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


def next_undecided_place(
    meeting: Meeting, *, sort: str, after: int, per_page: int
) -> tuple[int | None, int | None]:
    """The next caller without a decision after the one just decided, in the table's order,
    and the page of the table it is on (None, None when every caller has one)."""
    order = agenda_order(meeting, sort=sort)
    following = next_undecided(order, after=after)
    if following is None:
        return None, None
    return following, [pk for pk, _ in order].index(following) // per_page + 1


def agenda_sort(asked: str) -> str:
    """The summary table's sort as asked (a column, "-" first for the other way), or none."""
    return asked if asked.lstrip("-") in AGENDA_SORTS else ""


@dataclass
class AgendaPage:
    """One page of the meeting's summary table, the labels its rows use, and the agenda's
    size and how many callers on it have no decision yet."""

    page: Window
    legend: dict[str, str]
    size: int
    undecided: int

    def row_for(self, item_id: int | None) -> MeetingItem | None:
        return next((row.item for row in self.page.items if row.item.pk == item_id), None)

    @property
    def caller_ids(self) -> list[int]:
        return [row.item.caller_id for row in self.page.items]


def agenda_page(meeting: Meeting, *, sort: str, number: int, per_page: int) -> AgendaPage:
    """A page of the agenda in the table's order, in a fixed number of queries however long
    the agenda (an SMT agenda can hold thousands of candidates)."""
    totals = agenda_totals(meeting)
    first = (number - 1) * per_page
    ids = agenda_page_ids(meeting, sort=sort, first=first, size=per_page)
    legend = agenda_legend(list(MeetingItem.objects.filter(pk__in=ids).only("reasons")))
    return AgendaPage(
        page=Window(
            items=agenda_rows(ids, legend=legend),
            number=number,
            per_page=per_page,
            has_next=totals["size"] > first + per_page,
        ),
        legend=legend,
        size=totals["size"],
        undecided=totals["undecided"],
    )


def _flag_status(row: AgendaRow) -> str:
    """The pack's Flag column, as the meeting page's says it."""
    flag = row.item.flag
    if row.flagged_since:
        since = row.flagged_since
        return _("%(kind)s since %(flagged_at)s") % {
            "kind": since.get_kind_display(),
            "flagged_at": date_format(timezone.localtime(since.flagged_at), "j M Y"),
        }
    if not flag:
        return _("Not flagged")
    if row.item.due_for_review:
        return f"{flag.get_kind_display()} ({_('Review due')})"
    return str(flag.get_kind_display())


def _pack_section(row: AgendaRow, open_concerns: int) -> tuple[str, list[str]]:
    item, counts = row.item, row.counts
    lines = [
        _("Why: %(reasons)s") % {"reasons": "; ".join(item.said_reasons)},
        _(
            "Calls: %(calls_24h)s in 24 hours, %(calls_7d)s in 7 days, %(calls_30d)s in 30 "
            "days, %(calls_90d)s in 90 days (%(trend)s)."
        )
        % {**counts, "trend": row.trend.lower()},
    ]
    if item.flag:
        lines.append(
            _("Agreed response: %(agreed_response)s")
            % {"agreed_response": item.flag.agreed_response}
        )
    if open_concerns:
        lines.append(_("Open concerns about vulnerability: %(n)s") % {"n": open_concerns})
    decision = item.get_decision_display() or _("not yet decided")
    lines.append(_("Decision: %(decision)s") % {"decision": decision})
    return item.caller.full_name, lines


#: Callers in the PDF of a pack: a page's worth of meetings (a long agenda is read on screen).
PACK_PDF_CALLERS = 200


def meeting_pack(meeting: Meeting, *, sort: str, concerns: bool) -> tuple[PackParts, list[int]]:
    """The meeting pack as a document: the summary first, then a short section per caller;
    and the callers whose open concerns it counts (for the sensitive access log). Open
    concerns are counted only when `concerns` (a manager printing it: they are staff-only)."""
    size = agenda_totals(meeting)["size"]
    ids = agenda_page_ids(meeting, sort=sort, first=0, size=PACK_PDF_CALLERS)
    legend = agenda_legend(list(MeetingItem.objects.filter(pk__in=ids)))
    rows = agenda_rows(ids, legend=legend)
    open_concerns = open_concerns_for([row.item.caller_id for row in rows]) if concerns else {}
    pack = PackParts(
        title=str(meeting),
        notes=[
            *(f"{label}: {reason_said(sentence)}" for sentence, label in legend.items()),
            _("Present: %(present)s")
            % {"present": " · ".join(meeting.attendees.splitlines()) or _("not recorded")},
            _("Apologies: %(apologies)s")
            % {"apologies": " · ".join(meeting.apologies.splitlines()) or _("none")},
            *(
                [
                    _("The first %(shown)s of %(size)s callers, in the page's order.")
                    % {"shown": PACK_PDF_CALLERS, "size": size}
                ]
                if size > PACK_PDF_CALLERS
                else []
            ),
        ],
        columns=[
            _("Caller"),
            _("Why"),
            _("24 h"),
            _("7 d"),
            _("30 d"),
            _("90 d"),
            _("Trend"),
            _("Flag"),
            _("Decision"),
        ],
        widths=[55, 30, 14, 14, 14, 14, 22, 44, 50],
        rows=[
            [
                row.item.caller.full_name,
                ", ".join(row.labels),
                *(row.counts[key] for key in COUNT_KEYS),
                row.trend,
                _flag_status(row),
                row.item.get_decision_display() or _("Not decided"),
            ]
            for row in rows
        ],
        sections=[_pack_section(row, open_concerns.get(row.item.caller_id, 0)) for row in rows],
    )
    return pack, list(open_concerns)
