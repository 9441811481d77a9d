"""Writes for the frequent-caller rules (policy 5.2, 5.3): the defaults an office starts with,
saving managers' changes, and the matches those rules keep current.

A rule fires when a caller makes N or more calls (or reaches N or more different staff) within
ANY period of the rule's length: the N-th call is less than that long after the first of them.
Time is measured as elapsed time, so midnight and the clock change make no difference.

Matches are computed in the database with a window function over the index on
(caller, received_at). `matches_refresh` keeps the RuleMatch table current: for one caller as
their calls are logged, corrected or voided, and for everyone when the rules change."""

from collections import Counter, deque
from collections.abc import Iterable
from datetime import datetime, timedelta
from itertools import groupby
from operator import itemgetter

from django.db import transaction
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import Lag
from django.utils import timezone
from django_tasks import task
from simple_history.utils import bulk_create_with_history

from callers.models import (
    Call,
    Caller,
    CallerActivity,
    CallQuerySet,
    MatchesRefresh,
    Rule,
    RuleMatch,
    Tally,
)
from opcc_calls.history import save_with_history
from opcc_calls.models import User

#: The rules an office starts with (managers change them on the Rules page).
DEFAULT_RULES = [
    (
        "frequent",
        "calls",
        3,
        24,
        "The procedure: a substantial number of calls in a 24 hour period (5.2).",
    ),
    (
        "frequent",
        "staff",
        3,
        7 * 24,
        "The procedure: many different members of the team, which could lead to different "
        "answers (5.2).",
    ),
    (
        "regular",
        "calls",
        5,
        30 * 24,
        "The criteria UK ambulance services use for frequent callers: 5 calls in a month.",
    ),
    (
        "regular",
        "calls",
        12,
        90 * 24,
        "The criteria UK ambulance services use for frequent callers: 12 calls in 3 months.",
    ),
]


def default_rules_install() -> int:
    """Give an office with no rules at all the default ones; returns how many were added.
    Runs after every migrate, so a new installation starts with working rules."""
    if Rule.objects.exists():
        return 0
    bulk_create_with_history(
        [
            Rule(kind=kind, measure=measure, threshold=threshold, window_hours=hours, why=why)
            for kind, measure, threshold, hours, why in DEFAULT_RULES
        ],
        Rule,
        default_change_reason="Default rules installed",
    )
    return len(DEFAULT_RULES)


def _group(rule: Rule) -> Q:
    if rule.call_group == Rule.CallGroup.SALES:
        return Q(call_type=Call.Type.SALES)
    return ~Q(call_type=Call.Type.SALES)


def _calls(rule: Rule, since: datetime, caller_ids: Iterable[int] | None) -> CallQuerySet:
    calls = Call.objects.counted().filter(_group(rule), received_at__gte=since - rule.window)
    if caller_ids is not None:
        calls = calls.filter(caller_id__in=list(caller_ids))
    return calls


def _enough_calls(
    rule: Rule, since: datetime, caller_ids: Iterable[int] | None
) -> list[tuple[int, datetime]]:
    """(caller, time) of every call that completes `threshold` calls within the window."""
    lagged = (
        _calls(rule, since, caller_ids)
        .annotate(
            earlier=Window(
                Lag("received_at", rule.threshold - 1),
                partition_by=[F("caller_id")],
                order_by=[F("received_at").asc(), F("pk").asc()],
            )
        )
        .filter(earlier__gt=F("received_at") - rule.window)
    )
    return [(c, at) for c, at in lagged.values_list("caller_id", "received_at") if at >= since]


def _enough_staff(
    rule: Rule, since: datetime, caller_ids: Iterable[int] | None
) -> list[tuple[int, datetime]]:
    """(caller, time) of every call by which `threshold` different staff were reached within
    the window. Only callers with that many calls in a window can qualify, so only their
    calls are read, once, in time order, and the staff in the window counted as it slides
    (SQL has no distinct count over a sliding window: a subquery per call was quadratic)."""
    possible = {c for c, _ in _enough_calls(rule, since, caller_ids)}
    if not possible:
        return []
    calls = (
        _calls(rule, since, possible)
        .order_by("caller_id", "received_at", "pk")
        .values_list("caller_id", "received_at", "handler_id")
    )
    fired = []
    for caller_id, caller_calls in groupby(calls.iterator(chunk_size=5000), key=itemgetter(0)):
        in_window: deque[tuple[datetime, int]] = deque()
        staff: Counter[int] = Counter()
        for _call, at, handler_id in caller_calls:
            in_window.append((at, handler_id))
            staff[handler_id] += 1
            while in_window[0][0] <= at - rule.window:
                _gone_call, gone = in_window.popleft()
                staff[gone] -= 1
                if not staff[gone]:
                    del staff[gone]
            if at >= since and len(staff) >= rule.threshold:
                fired.append((caller_id, at))
    return fired


def rule_fired(
    rule: Rule, *, since: datetime, caller_ids: Iterable[int] | None = None
) -> dict[int, tuple[datetime, datetime]]:
    """For each caller the rule fired for since `since`: when it first and last fired."""
    find = _enough_calls if rule.measure == Rule.Measure.CALLS else _enough_staff
    fired: dict[int, tuple[datetime, datetime]] = {}
    for caller_id, at in find(rule, since, caller_ids):
        first, last = fired.get(caller_id, (at, at))
        fired[caller_id] = (min(first, at), max(last, at))
    return fired


@transaction.atomic
def matches_refresh(*, caller_ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Recompute which rules have fired, for some callers or (caller_ids=None) for everyone."""
    now = now or timezone.now()
    ids = list(caller_ids) if caller_ids is not None else None
    matches = []
    for rule in Rule.objects.filter(is_active=True):
        since = now - timedelta(days=rule.lookback_days)
        for caller_id, (first, last) in rule_fired(rule, since=since, caller_ids=ids).items():
            matches.append(
                RuleMatch(caller_id=caller_id, rule=rule, first_fired_at=first, last_fired_at=last)
            )
    scope = RuleMatch.objects.all() if ids is None else RuleMatch.objects.filter(caller_id__in=ids)
    _delete_missing(scope, matches)
    # An upsert, so two calls from one caller logged at the same moment cannot collide.
    RuleMatch.objects.bulk_create(
        matches,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["caller", "rule"],
        update_fields=["first_fired_at", "last_fired_at"],
    )
    return len(matches)


def matches_record_call(*, caller_id: int, received_at: datetime, call_type: str) -> None:
    """Count a newly logged call, the caller's latest, against the rules in use: a rule whose
    calls include this one fires at it when the window ending with it holds enough calls (or
    different staff). This is what `matches_refresh` finds for that call, in one query
    instead of one per rule; a call logged late (before one already logged) needs
    `matches_refresh` instead."""
    is_sales = call_type == Call.Type.SALES
    rules = [
        rule
        for rule in Rule.objects.filter(is_active=True)
        if (rule.call_group == Rule.CallGroup.SALES) == is_sales
    ]
    if not rules:
        return
    widest = max(rule.window for rule in rules)
    counts = (
        Call.objects.counted()
        .filter(
            caller_id=caller_id,
            received_at__gt=received_at - widest,
            received_at__lte=received_at,
        )
        .tallies(
            {
                f"r{rule.pk}": Tally(
                    after=received_at - rule.window,
                    staff=rule.measure == Rule.Measure.STAFF,
                    sales=rule.call_group == Rule.CallGroup.SALES,
                )
                for rule in rules
            }
        )
    )
    fired = [
        RuleMatch(
            caller_id=caller_id, rule=rule, first_fired_at=received_at, last_fired_at=received_at
        )
        for rule in rules
        if counts[f"r{rule.pk}"] >= rule.threshold
    ]
    if fired:
        RuleMatch.objects.bulk_create(
            fired,
            update_conflicts=True,
            unique_fields=["caller", "rule"],
            update_fields=["last_fired_at"],
        )


def _delete_missing(scope: QuerySet[RuleMatch], matches: list[RuleMatch]) -> None:
    """Delete the matches in scope that no longer fire."""
    wanted = {(m.caller_id, m.rule_id) for m in matches}
    gone = [
        pk
        for pk, caller_id, rule_id in scope.values_list("pk", "caller_id", "rule_id")
        if (caller_id, rule_id) not in wanted
    ]
    for start in range(0, len(gone), 1000):
        RuleMatch.objects.filter(pk__in=gone[start : start + 1000]).delete()


@transaction.atomic
def rules_save(*, rules: Iterable[Rule], by: User) -> MatchesRefresh:
    """Save changed or new rules and queue working out every caller's matches again (the
    one time the whole log is read, because the question itself changed): in the background,
    so the manager's page answers at once and says when it is done."""
    for rule in rules:
        save_with_history(rule, user=by, reason="Rule changed")
    refresh = MatchesRefresh.objects.create(requested_by=by)
    matches_refresh_everyone.enqueue(refresh.pk)
    return refresh


#: Callers whose matches are worked out again in one short transaction.
REFRESH_BATCH = 2000


@task()
def matches_refresh_everyone(refresh_id: int) -> int:
    """Background: every caller's matches, worked out again in batches. Each batch first locks
    its callers' activity rows, which logging a call updates: a call being logged meanwhile
    either commits first (and the batch sees it) or waits for the batch (and then counts
    itself): a match it writes is never lost to a refresh computed without it."""
    MatchesRefresh.objects.filter(pk=refresh_id).update(started_at=timezone.now())
    total, after = 0, 0
    while True:  # a batch of ids at a time, never every caller's in memory at once
        batch = list(
            Caller.objects.filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", flat=True)[:REFRESH_BATCH]
        )
        if not batch:
            break
        total += matches_refresh_batch(batch)
        after = batch[-1]
    MatchesRefresh.objects.filter(pk=refresh_id).update(finished_at=timezone.now(), matches=total)
    return total


@transaction.atomic
def matches_refresh_batch(caller_ids: list[int]) -> int:
    """These callers' matches worked out again, their activity rows locked meanwhile."""
    list(CallerActivity.objects.select_for_update().filter(pk__in=caller_ids).values_list("pk"))
    return matches_refresh(caller_ids=caller_ids)
