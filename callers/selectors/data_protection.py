"""Reads for data protection: likely duplicate callers, what the retention schedule would
dispose of now, the callers on legal hold and the disposal log."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext

from callers.models import (
    REMOVED,
    Appeal,
    Call,
    Caller,
    CallerPhone,
    CallerQuerySet,
    Concern,
    ContactRequest,
    DisposalLog,
    Flag,
    FlagReview,
    FollowUp,
    Letter,
    MeetingItem,
    Referral,
    RetentionRule,
)
from opcc_calls.history import who

SUGGESTIONS = 50
#: Callers on legal hold listed on the retention page (the rest are counted).
HOLDS_SHOWN = 100
#: How `legal_hold_set` begins the reason it keeps in the caller's history.
HOLD_APPLIED = "Legal hold applied"

Kind, Action = RetentionRule.Kind, RetentionRule.Action


@dataclass(frozen=True)
class Suggestion:
    first: Caller
    second: Caller
    why: str


def duplicate_suggestions(*, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Pairs of current callers that share a phone number or have the same name (ignoring
    case), from two grouped queries."""
    current = Caller.objects.current()
    pairs: dict[tuple[int, int], str] = {}
    shared = (
        CallerPhone.objects.filter(caller__merged_into__isnull=True)
        .values("number")
        .annotate(n=Count("caller", distinct=True), first=Min("caller"))
        .filter(n__gt=1)
        .values_list("number", flat=True)[:limit]
    )
    by_number: dict[str, list[int]] = {}
    for number, caller_id in CallerPhone.objects.filter(number__in=list(shared)).values_list(
        "number", "caller_id"
    ):
        by_number.setdefault(str(number), []).append(caller_id)
    for ids in by_number.values():
        ids = sorted(set(ids))
        for other in ids[1:]:
            pairs.setdefault((ids[0], other), gettext("They share a phone number"))
    names = (
        current.annotate(key=Lower("full_name"))
        .values("key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("key", flat=True)[:limit]
    )
    by_name: dict[str, list[int]] = {}
    for key, pk in (
        current.annotate(key=Lower("full_name"))
        .filter(key__in=list(names))
        .values_list("key", "pk")
    ):
        by_name.setdefault(key, []).append(pk)
    for ids in by_name.values():
        ids = sorted(ids)
        for other in ids[1:]:
            pairs.setdefault((ids[0], other), gettext("They have the same name"))
    chosen = list(pairs.items())[:limit]
    callers = current.select_related("activity").in_bulk({pk for pair, _ in chosen for pk in pair})
    return [
        Suggestion(callers[a], callers[b], why)
        for (a, b), why in chosen
        if a in callers and b in callers
    ]


@dataclass(frozen=True)
class Part:
    """One kind of record a retention kind covers: how it is reached from its caller, and what
    anonymising writes over each text field that holds something."""

    model: type[models.Model]
    caller: str  # the lookup from this record to its caller
    anonymised: dict[str, str]

    @property
    def marker(self) -> str:
        """The field that says REMOVED once a record has been anonymised."""
        return next(name for name, value in self.anonymised.items() if value == REMOVED)


#: What each retention kind disposes of, dependants before what they depend on (that is the
#: order deleting must go in). Callers are the one kind apart: see `retention_apply`.
RETENTION_KINDS: dict[str, list[Part]] = {
    Kind.CALLS: [
        # Follow-ups about the caller name their entries and requests, which go next.
        Part(FollowUp, "caller", {"what": REMOVED, "done_note": ""}),
        Part(ContactRequest, "call__caller", {"reason": REMOVED, "decision_note": ""}),
        Part(
            Call,
            "caller",
            {
                "about": REMOVED,
                "outcome": "",
                "organisation": "",
                "selling": "",
                "police_department": "",
            },
        ),
    ],
    Kind.FLAGS: [
        Part(Letter, "flag__caller", {"body": REMOVED, "subject": "", "arrangements": ""}),
        Part(Appeal, "flag__caller", {"grounds": REMOVED, "reasons": ""}),
        Part(FlagReview, "flag__caller", {"reason": REMOVED}),
        Part(MeetingItem, "caller", {"decision_note": REMOVED}),
        Part(
            Flag,
            "caller",
            {
                "agreed_response": REMOVED,
                "reason": REMOVED,
                "adjustments_note": "",
                "end_reason": "",
                "contact_times": "",
            },
        ),
    ],
    Kind.CONCERNS: [
        Part(Concern, "caller", {"noticed": REMOVED, "decision": "", "handling": ""}),
    ],
    Kind.REFERRALS: [
        Part(Referral, "caller", {"outcome": REMOVED, "their_reference": "", "other_body": ""}),
    ],
}


def retention_part_add(kind: str, part: Part, *, before: type[models.Model]) -> None:
    """What an app that builds on callers keeps about callers, added to the schedule as the
    app loads (dmts: each call's DMTS entry, which must go before its call)."""
    parts = RETENTION_KINDS[kind]
    if part not in parts:
        parts.insert(next(i for i, p in enumerate(parts) if p.model is before), part)


@dataclass
class Step:
    rule: RetentionRule
    record_type: str
    ids: list[int] = field(default_factory=list)
    caller_ids: list[int] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return (
            f"{self.rule.get_kind_display()}: {self.rule.get_action_display().lower()} "
            f"{len(self.ids)} {self.record_type}"
        )


def _due_caller_ids(rule: RetentionRule, now: datetime) -> list[int]:
    """Callers not on legal hold whose last contact (or, with no call, creation) is older
    than the rule. Read through the index of last contacts and the index of when callers
    were added, so it costs the callers due, not every caller: the retention page asks this
    on every visit."""
    cutoff = now - timedelta(days=round(rule.keep_years * 365.25))
    kept = Caller.objects.filter(legal_hold=False)
    called = kept.filter(activity__last_call_at__lt=cutoff)
    never_called = kept.filter(
        Q(activity__isnull=True) | Q(activity__last_call_at__isnull=True), created_at__lt=cutoff
    )
    return sorted(
        {*called.values_list("pk", flat=True), *never_called.values_list("pk", flat=True)}
    )


def _holds_records() -> Q:
    """A caller with records still kept, so the caller cannot be deleted."""
    return (
        Q(Exists(Call.objects.filter(caller=OuterRef("pk"))))
        | Q(Exists(Flag.objects.filter(caller=OuterRef("pk"))))
        | Q(Exists(Concern.objects.filter(caller=OuterRef("pk"))))
        | Q(Exists(Referral.objects.filter(caller=OuterRef("pk"))))
        | Q(Exists(MeetingItem.objects.filter(caller=OuterRef("pk"))))
        | Q(Exists(Caller.objects.filter(merged_into=OuterRef("pk"))))
        | Q(merged_into__isnull=False)
    )


def retention_plan(*, now: datetime | None = None) -> list[Step]:
    """What the retention schedule disposes of now: for each kind, the records (and their
    callers) due, leaving out what an earlier run already anonymised. Callers come last:
    their records must be dealt with first."""
    now = now or timezone.now()
    steps = []
    due_by_years: dict[float, list[int]] = {}
    for rule in RetentionRule.objects.all():
        if rule.keep_years not in due_by_years:
            due_by_years[rule.keep_years] = _due_caller_ids(rule, now)
        due = due_by_years[rule.keep_years]
        if not due:
            steps.append(Step(rule, rule.kind))
            continue
        if rule.kind == Kind.CALLERS:
            records = Caller.objects.filter(pk__in=due)
            if rule.action == Action.ANONYMISE:
                records = records.filter(anonymised_at__isnull=True)
            else:  # anonymised already and still holding kept records: nothing more to do
                records = records.exclude(Q(anonymised_at__isnull=False) & _holds_records())
            rows = [(pk, pk) for pk in records.values_list("pk", flat=True)]
        else:
            primary = RETENTION_KINDS[rule.kind][-1]
            kept = primary.model._default_manager.filter(caller__in=due)
            if rule.action == Action.ANONYMISE:
                kept = kept.exclude(**{primary.marker: REMOVED})
            rows = list(kept.values_list("pk", "caller_id"))
        steps.append(
            Step(
                rule,
                rule.kind,
                ids=[pk for pk, _ in rows],
                caller_ids=sorted({caller_id for _, caller_id in rows}),
            )
        )
    return sorted(steps, key=lambda step: step.record_type == Kind.CALLERS)


@dataclass(frozen=True)
class Due:
    """What one retention rule disposes of now, for its page: counts and record numbers."""

    step: Step
    before: datetime  # last contact before this

    #: Record numbers listed on the page; the rest are counted.
    SHOWN = 30

    @property
    def shown(self) -> list[int]:
        return self.step.ids[: self.SHOWN]

    @property
    def more(self) -> int:
        return max(len(self.step.ids) - self.SHOWN, 0)


def retention_due(*, now: datetime | None = None) -> list[Due]:
    """The plan, rule by rule, with the last-contact date each rule reaches back to."""
    now = now or timezone.now()
    return [
        Due(step, now - timedelta(days=round(step.rule.keep_years * 365.25)))
        for step in retention_plan(now=now)
    ]


@dataclass(frozen=True)
class Hold:
    caller: Caller
    since: datetime | None
    by: str
    reason: str


def legal_holds(callers: list[Caller]) -> list[Hold]:
    """Each held caller with when the hold was applied, by whom and why (from its history),
    in one query for the page."""
    applied: dict[int, Any] = {}  # a caller's history record, as simple_history makes it
    for record in (
        Caller.history.filter(
            id__in=[c.pk for c in callers], history_change_reason__startswith=HOLD_APPLIED
        )
        .select_related("history_user")
        .order_by("id", "-history_date")
    ):
        applied.setdefault(record.id, record)
    holds = []
    for caller in callers:
        record = applied.get(caller.pk)
        holds.append(
            Hold(
                caller,
                record.history_date if record else None,
                who(record) if record else "",
                record.history_change_reason.removeprefix(HOLD_APPLIED).lstrip(": ")
                if record
                else "",
            )
        )
    return holds


def held_callers() -> CallerQuerySet:
    return Caller.objects.filter(legal_hold=True).order_by("pk")


def disposals() -> QuerySet[DisposalLog]:
    return DisposalLog.objects.select_related("run__requested_by").order_by("-disposed_at", "-pk")
