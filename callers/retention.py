"""The retention schedule: records are kept for a number of years after the caller's last
contact, then anonymised or deleted as configured. Records of callers on legal hold are never
touched. Every run writes a disposal log that holds record numbers, never personal data.

`plan()` works out what is due; `carry_out(plan)` does it. The dry run and the real run share
`plan()`, so they always agree.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from callers.models import (
    Call,
    Caller,
    CallerPhone,
    Concern,
    ContactRequest,
    DisposalLog,
    Flag,
    FlagReview,
    MeetingItem,
    Referral,
    RetentionRule,
    RuleMatch,
)
from callers.models.calls import REMOVED
from dmts.models import DmtsEntry

Kind, Action = RetentionRule.Kind, RetentionRule.Action


@dataclass
class Step:
    rule: RetentionRule
    record_type: str
    ids: list[int] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return (
            f"{self.rule.get_kind_display()}: {self.rule.get_action_display().lower()} "
            f"{len(self.ids)} {self.record_type}"
        )


def _due_callers(rule: RetentionRule, now: datetime):
    """Callers not on legal hold whose last contact (or creation) is older than the rule."""
    cutoff = now - timedelta(days=round(rule.keep_years * 365.25))
    return (
        Caller.objects.filter(legal_hold=False)
        .annotate(last=Coalesce("activity__last_call_at", "created_at"))
        .filter(last__lt=cutoff)
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


def plan(*, now: datetime | None = None) -> list[Step]:
    now = now or timezone.now()
    steps = []
    for rule in RetentionRule.objects.all():
        due = _due_callers(rule, now).values("pk")
        if rule.kind == Kind.CALLS:
            calls = Call.objects.filter(caller__in=due)
            if rule.action == Action.ANONYMISE:
                calls = calls.exclude(about=REMOVED)
            steps.append(Step(rule, "calls", list(calls.values_list("pk", flat=True))))
        elif rule.kind == Kind.CALLERS:
            callers = Caller.objects.filter(pk__in=due)
            if rule.action == Action.ANONYMISE:
                callers = callers.filter(anonymised_at__isnull=True)
            else:  # anonymised already and still holding kept records: nothing more to do
                callers = callers.exclude(Q(anonymised_at__isnull=False) & _holds_records())
            steps.append(Step(rule, "callers", list(callers.values_list("pk", flat=True))))
        elif rule.kind == Kind.FLAGS:
            flags = Flag.objects.filter(caller__in=due)
            if rule.action == Action.ANONYMISE:
                flags = flags.exclude(agreed_response=REMOVED)
            steps.append(Step(rule, "flags", list(flags.values_list("pk", flat=True))))
        elif rule.kind == Kind.CONCERNS:
            concerns = Concern.objects.filter(caller__in=due)
            if rule.action == Action.ANONYMISE:
                concerns = concerns.exclude(noticed=REMOVED)
            steps.append(Step(rule, "concerns", list(concerns.values_list("pk", flat=True))))
        elif rule.kind == Kind.REFERRALS:
            referrals = Referral.objects.filter(caller__in=due)
            if rule.action == Action.ANONYMISE:
                referrals = referrals.exclude(outcome=REMOVED)
            steps.append(Step(rule, "referrals", list(referrals.values_list("pk", flat=True))))
    # Callers go last: their calls, flags, concerns and referrals must be dealt with first.
    return sorted(steps, key=lambda s: s.record_type == "callers")


def _purge_history(model, ids: list[int]) -> None:
    """History rows hold the personal data too: they go with the record's content."""
    model.history.filter(**{f"{model._meta.pk.attname}__in": ids}).delete()


def _calls(step: Step) -> None:
    calls = Call.objects.filter(pk__in=step.ids)
    if step.rule.action == Action.DELETE:
        ContactRequest.objects.filter(call__in=calls).delete()
        DmtsEntry.objects.filter(call__in=calls).delete()
        calls.delete()
    else:
        calls.update(about=REMOVED, outcome="", organisation="", selling="", police_department="")
        ContactRequest.objects.filter(call__in=calls).update(reason=REMOVED, decision_note="")
        DmtsEntry.objects.filter(call__in=calls).update(compliance_notes="", void_reason=REMOVED)
    _purge_history(Call, step.ids)
    _purge_history(DmtsEntry, step.ids)


def _flags(step: Step) -> None:
    flags = Flag.objects.filter(pk__in=step.ids)
    if step.rule.action == Action.DELETE:
        FlagReview.objects.filter(flag__in=flags).delete()
        MeetingItem.objects.filter(flag__in=flags).update(flag=None)
        flags.delete()
    else:
        flags.update(agreed_response=REMOVED, adjustments_note="", end_reason="", contact_times="")
        FlagReview.objects.filter(flag__in=flags).update(reason=REMOVED)
    _purge_history(Flag, step.ids)


def _simple(step: Step, model, text_field: str, blank: list[str]) -> None:
    records = model.objects.filter(pk__in=step.ids)
    if step.rule.action == Action.DELETE:
        records.delete()
    else:
        records.update(**{text_field: REMOVED}, **dict.fromkeys(blank, ""))
    _purge_history(model, step.ids)


def _callers(step: Step) -> None:
    callers = Caller.objects.filter(pk__in=step.ids)
    CallerPhone.objects.filter(caller__in=callers).delete()
    _purge_history(
        CallerPhone,
        list(CallerPhone.history.filter(caller_id__in=step.ids).values_list("id", flat=True)),
    )
    RuleMatch.objects.filter(caller__in=callers).delete()
    # A caller whose other records are still kept cannot be deleted: anonymise them instead.
    kept = set(
        callers.filter(
            Q(calls__isnull=False)
            | Q(flags__isnull=False)
            | Q(concerns__isnull=False)
            | Q(referrals__isnull=False)
            | Q(meeting_items__isnull=False)
            | Q(merged_from__isnull=False)
            | Q(merges_kept__isnull=False)
            | Q(merges_gone__isnull=False)
        ).values_list("pk", flat=True)
    )
    removable = [pk for pk in step.ids if pk not in kept]
    if step.rule.action == Action.DELETE and removable:
        Caller.objects.filter(pk__in=removable).delete()
    Caller.objects.filter(
        pk__in=[pk for pk in step.ids if pk in kept or step.rule.action == Action.ANONYMISE]
    ).update(
        full_name="Anonymised caller",
        other_names="",
        email="",
        postal_address="",
        notes="",
        reasonable_adjustments="",
        anonymised_at=timezone.now(),
    )
    _purge_history(Caller, step.ids)


@transaction.atomic
def carry_out(steps: list[Step]) -> list[DisposalLog]:
    """Do what the plan says and log it (record numbers only)."""
    logs = []
    for step in steps:
        if not step.ids:
            continue
        if step.record_type == "calls":
            _calls(step)
        elif step.record_type == "flags":
            _flags(step)
        elif step.record_type == "concerns":
            _simple(step, Concern, "noticed", ["decision", "handling"])
        elif step.record_type == "referrals":
            _simple(step, Referral, "outcome", ["their_reference", "other_body"])
        elif step.record_type == "callers":
            _callers(step)
        logs.append(
            DisposalLog.objects.create(
                rule_kind=step.rule.kind,
                action=step.rule.action,
                record_type=step.record_type,
                record_ids=step.ids,
                count=len(step.ids),
            )
        )
    return logs
