"""Finding frequent and regular callers (policy 5.2, 5.7): which rules have fired for whom.

A rule fires when a caller makes N or more calls (or reaches N or more different staff) within
ANY period of the rule's length: the N-th call is less than that long after the first of them.
Time is measured as elapsed time, so midnight and the clock change make no difference.

Everything is computed in the database with a window function over the index on
(caller, received_at). `matches_refresh` keeps the RuleMatch table current: for one caller as
their calls are logged, corrected or voided, and for everyone when the rules change.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import Lag
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from callers.models import Call, Rule, RuleMatch

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


def _calls(rule: Rule, since: datetime, caller_ids: Iterable[int] | None):
    calls = Call.objects.counted().filter(_group(rule), received_at__gte=since - rule.window)
    if caller_ids is not None:
        calls = calls.filter(caller_id__in=list(caller_ids))
    return calls


def _enough_calls(rule: Rule, since: datetime, caller_ids) -> list[tuple[int, datetime]]:
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


def _enough_staff(rule: Rule, since: datetime, caller_ids) -> list[tuple[int, datetime]]:
    """(caller, time) of every call by which `threshold` different staff were reached within
    the window. Only callers with that many calls in a window can qualify, so check those."""
    possible = {c for c, _ in _enough_calls(rule, since, caller_ids)}
    if not possible:
        return []
    staff_in_window = Subquery(
        Call.objects.counted()
        .filter(
            _group(rule),
            caller_id=OuterRef("caller_id"),
            received_at__gt=OuterRef("received_at") - rule.window,
            received_at__lte=OuterRef("received_at"),
        )
        .order_by()
        .values("caller_id")
        .annotate(n=Count("handler_id", distinct=True))
        .values("n")
    )
    rows = (
        _calls(rule, since, possible)
        .filter(received_at__gte=since)
        .annotate(staff=staff_in_window)
        .filter(staff__gte=rule.threshold)
        .values_list("caller_id", "received_at")
    )
    return list(rows)


def rule_fired(
    rule: Rule, *, since: datetime, caller_ids=None
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


def _delete_missing(scope, matches: list[RuleMatch]) -> None:
    """Delete the matches in scope that no longer fire."""
    wanted = {(m.caller_id, m.rule_id) for m in matches}
    gone = [
        pk
        for pk, caller_id, rule_id in scope.values_list("pk", "caller_id", "rule_id")
        if (caller_id, rule_id) not in wanted
    ]
    for start in range(0, len(gone), 1000):
        RuleMatch.objects.filter(pk__in=gone[start : start + 1000]).delete()


def unflagged_matches(*, now: datetime | None = None):
    """Matches in force for callers who are not flagged now: the candidates."""
    from callers.models import Flag

    flagged = Flag.objects.active().filter(caller_id=OuterRef("caller_id"))
    return current_matches(now=now).exclude(Exists(flagged))


def current_matches(*, now: datetime | None = None):
    """Rule matches still in force: the rule is in use and fired within its look-back."""
    now = now or timezone.now()
    in_force = Q(pk__in=[])
    for rule in Rule.objects.filter(is_active=True):
        in_force |= Q(rule=rule, last_fired_at__gte=now - timedelta(days=rule.lookback_days))
    return RuleMatch.objects.filter(in_force)


@transaction.atomic
def rules_save(*, rules: Iterable[Rule], changed_by) -> None:
    """Save changed or new rules, then work out every caller's matches again: the one time
    the whole log is scanned, because the question itself changed."""
    for rule in rules:
        rule.full_clean()
        rule._history_user = changed_by
        rule._change_reason = "Rule changed"
        rule.save()
    matches_refresh()
