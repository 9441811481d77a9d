"""Reads: finding callers and putting together what a handler needs to see about one.

Each function runs a fixed number of queries however many calls a caller has made.
"""

import difflib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from callers.charts import BarChart, daily_bars
from callers.models import Call, Caller, CallerPhone, CallerQuerySet, Flag
from callers.selectors.safeguarding import safeguarding_summary
from opcc_calls import phones
from opcc_calls.history import Change, merged, record_changes, who
from opcc_calls.windows import WINDOWS, in_window, start_of_day

MATCH_LIMIT = 10

NAME_LIMIT, PHONE_LIMIT = 200, 40

# The loosest name match we still show: "Jon Smith" for "John Smith" scores well above it.
SQLITE_MIN_RATIO = 0.6

PG_MIN_SIMILARITY = 0.3


def _name_matches_postgres(name: str) -> list[int]:
    """Callers whose names are like what was typed, closest first, from the GIN trigram
    indexes in a few milliseconds whatever the number of callers.

    The whole name by similarity (`%`, at the connection's pg_trgm.similarity_threshold of
    0.5: one slip in a full name stays well above it), the other names they use by word
    similarity, and, when those find fewer than ten, any part of the full name (`<%`, word
    similarity at 0.6: a surname alone, a long first name with a short surname, a name half
    typed). Results are ranked by the
    best of similarity and word similarity and, between equals, by how like the whole name
    they are, never by the alphabet: "Mlry Allen" finds Mary Allen before Barry Allen."""
    closeness = TrigramSimilarity("full_name", name)
    score = Greatest(
        closeness,
        TrigramWordSimilarity(name, "full_name"),
        TrigramWordSimilarity(name, "other_names"),
    )
    found: dict[int, tuple[float, float]] = {}
    searches = [
        ("full_name__trigram_similar", "-closeness"),
        ("other_names__trigram_word_similar", "-score"),
        ("full_name__trigram_word_similar", "-score"),
    ]
    if len(name.split()) == 1:
        # One word (a surname, a first name) is a part of a name: only word similarity
        # ranks it, and asking for whole-name likeness first costs the most of the three.
        searches = searches[1:]
    for lookup, order in searches:
        if lookup == "full_name__trigram_word_similar" and len(found) >= MATCH_LIMIT:
            break  # the whole name found enough: a slip in it, not a part of one
        rows = (
            Caller.objects.current()
            .filter(**{lookup: name})
            .annotate(closeness=closeness, score=score)
            .order_by(order, "-closeness", "pk")
            .values_list("pk", "score", "closeness")[:MATCH_LIMIT]
        )
        found.update({pk: (score, closeness) for pk, score, closeness in rows})
    ranked = sorted(found, key=lambda pk: (-found[pk][0], -found[pk][1], pk))
    return ranked[:MATCH_LIMIT]


def _name_matches_fallback(name: str) -> list[int]:
    """SQLite has no trigrams: narrow by the start of each word, then rank with difflib."""
    words = [w for w in name.lower().split() if len(w) >= 2]
    if not words:
        return []
    narrow = Q()
    for word in words:
        narrow |= Q(full_name__icontains=word[:2]) | Q(other_names__icontains=word[:2])
    wanted = name.lower()
    scored = []
    for pk, full_name, other_names in (
        Caller.objects.current().filter(narrow).values_list("pk", "full_name", "other_names")[:2000]
    ):
        names = [full_name, *[n for n in other_names.split(",") if n.strip()]]
        score = max(
            1.0
            if wanted in n.lower()
            else difflib.SequenceMatcher(None, wanted, n.lower().strip()).ratio()
            for n in names
        )
        if score >= SQLITE_MIN_RATIO:
            scored.append((-score, full_name, pk))
    return [pk for _, _, pk in sorted(scored)[:MATCH_LIMIT]]


def _phone_matches(text: str) -> list[int]:
    number = phones.normalise(text)
    lookup = Q(number=number) if number else Q(number__contains=phones.digits_fragment(text))
    return list(
        CallerPhone.objects.filter(lookup, caller__merged_into__isnull=True)
        .order_by("caller_id")
        .values_list("caller_id", flat=True)
        .distinct()[:MATCH_LIMIT]
    )


def _with_recent_activity(
    callers: CallerQuerySet, *, now: datetime | None = None
) -> CallerQuerySet:
    """Annotate each caller's calls in the last 30 days and the kind of any flag in force,
    counted in the database."""
    now = now or timezone.now()
    active_flag = Flag.objects.active().filter(caller_id=OuterRef("pk"))
    # Each caller's 30 days from the (caller, received_at) index, not all their calls joined.
    recent = (
        Call.objects.counted()
        .in_window("30d", now=now)
        .filter(caller_id=OuterRef("pk"))
        .order_by()
        .values("caller_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return callers.select_related("activity").annotate(
        flag_kind=Subquery(active_flag.values("kind")[:1]),
        # What the lists call it ("Frequent caller"), so no template compares the kind.
        flag_label=Case(
            *(When(flag_kind=value, then=Value(str(label))) for value, label in Flag.Kind.choices),
            default=Value(""),
        ),
        calls_30d=Coalesce(Subquery(recent), 0),
    )


def find_callers(*, name: str = "", phone: str = "") -> list[Caller]:
    """Callers matching a phone number (exact, or partly typed) and/or a name (loosely),
    best first, each annotated with calls in the last 30 days and their last contact."""
    # Forms bound every search; this bounds any other way in (no search may hold a server).
    name, phone = name[:NAME_LIMIT].strip(), phone[:PHONE_LIMIT].strip()
    reference = Caller.REFERENCE.fullmatch(name or phone)
    if reference:  # the reference a letter gave them, quoted back
        return list(_with_recent_activity(Caller.objects.current().filter(pk=reference[1])))
    if phone and not phones.looks_like_phone(phone) and not name:
        name, phone = phone, ""  # a name typed into the one search box
    ids: list[int] = []
    if phone and len(phones.digits_fragment(phone)) >= 3:
        ids += _phone_matches(phone)
    if len(name) >= 2:
        by_name = (
            _name_matches_postgres(name)
            if connection.vendor == "postgresql"
            else _name_matches_fallback(name)
        )
        ids += [pk for pk in by_name if pk not in ids]
    ids = ids[:MATCH_LIMIT]
    if not ids:
        return []
    found = {c.pk: c for c in _with_recent_activity(Caller.objects.current().filter(pk__in=ids))}
    return [found[pk] for pk in ids if pk in found]


@dataclass(frozen=True)
class HandlingCard:
    """What a handler sees the moment a caller is identified (policy 5.3c: a consistent answer)."""

    caller: Caller
    counts: dict[str, int]
    recent_calls: list[Call]
    phone_numbers: list[CallerPhone]
    flag: Flag | None = None
    open_concerns: int = 0
    referrals: int = 0
    agreed_handling: list[str] = field(default_factory=list)

    @property
    def windows(self) -> list[tuple[str, int, int]]:
        return [
            (label, self.counts[f"calls_{key}"], self.counts[f"handlers_{key}"])
            for key, label in (
                ("24h", _("24 hours")),
                ("7d", _("7 days")),
                ("30d", _("30 days")),
                ("90d", _("90 days")),
            )
        ]


def handling_card(caller: Caller, *, now: datetime | None = None) -> HandlingCard:
    calls = Call.objects.for_caller(caller)
    return HandlingCard(
        caller=caller,
        counts=calls.window_counts(now=now),
        recent_calls=list(calls.select_related("handler")[:5]),
        phone_numbers=list(caller.phones.all()),
        flag=caller.flags.active().select_related("single_point_of_contact").first(),
        **safeguarding_summary(caller),
    )


def calls_per_day_for(
    caller_ids: list[int], *, days: int = 90, today: date | None = None
) -> dict[int, list[tuple[date, int]]]:
    """Each caller's counted calls per office day over the last `days` days, zeros included,
    from one grouped query. Over 90 days this is the same window as the card's "90d"."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    per_day: dict[int, dict[date, int]] = {pk: {} for pk in caller_ids}
    rows = (
        Call.objects.counted()
        .filter(
            caller_id__in=caller_ids,
            received_at__gte=start_of_day(first),
            received_at__lt=start_of_day(today + timedelta(days=1)),
        )
        .annotate(day=TruncDate("received_at", tzinfo=timezone.get_current_timezone()))
        .values("caller_id", "day")
        .annotate(n=Count("pk"))
        .values_list("caller_id", "day", "n")
    )
    for caller_id, day, n in rows:
        per_day[caller_id][day] = n
    days_shown = [first + timedelta(days=i) for i in range(days)]
    return {pk: [(day, counts.get(day, 0)) for day in days_shown] for pk, counts in per_day.items()}


def calls_per_day(
    caller: Caller, *, days: int = 90, today: date | None = None
) -> list[tuple[date, int]]:
    """One caller's counted calls per office day over the last `days` days."""
    return calls_per_day_for([caller.pk], days=days, today=today)[caller.pk]


def caller_changes(caller: Caller, *, limit: int) -> list[Change]:
    """The caller's record and phone numbers, newest change first."""
    details = record_changes(
        caller.history.all(),
        Caller,
        limit=limit,
        what={"+": _("Caller created"), "~": _("Details changed"), "-": _("Caller deleted")},
    )
    phone_records = (
        CallerPhone.history.filter(caller_id=caller.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    numbers = [
        Change(
            record.history_date,
            who(record),
            {
                "+": _("Phone number added"),
                "~": _("Phone number changed"),
                "-": _("Phone number removed"),
            }[record.history_type]
            + (f": {record.number.as_national}" if record.number else ""),
            [],
            record.history_change_reason or "",
        )
        for record in phone_records
    ]
    return merged(details, numbers, limit=limit)


SPARK_DAYS = 90


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
