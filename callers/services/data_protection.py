"""Writes for data protection: the log of who opened sensitive detail, legal hold, merging
duplicate callers, the retention schedule, and importing a frequent calls spreadsheet.

Retention: records are kept for a number of years after the caller's last contact, then
anonymised or deleted as configured. Records of callers on legal hold are never touched. Every
run writes a disposal log that holds record numbers, never personal data. The dry run and the
real run share `retention_plan()` (selectors), so they always agree.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from callers.models import (
    REMOVED,
    Call,
    Caller,
    CallerMerge,
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
    SensitiveAccess,
)
from callers.selectors.data_protection import Action, Row, Step, import_check
from callers.services.activity import caller_activity_refresh
from callers.services.calls import caller_create
from callers.services.flags import flag_create
from dmts.models import DmtsEntry
from opcc_calls.history import save_with_history

IMPORT_REASON = "Imported from the frequent calls spreadsheet"


def retention_schedule_install() -> None:
    """A new installation's retention schedule (six years after last contact); runs after
    every migrate and only fills what is empty."""
    missing = set(RetentionRule.Kind.values) - set(
        RetentionRule.objects.values_list("kind", flat=True)
    )
    if missing:
        bulk_create_with_history(
            [
                RetentionRule(
                    kind=kind,
                    keep_years=6,
                    action=RetentionRule.Action.DELETE
                    if kind == RetentionRule.Kind.CALLERS
                    else RetentionRule.Action.ANONYMISE,
                )
                for kind in sorted(missing)
            ],
            RetentionRule,
            default_change_reason="Default retention schedule installed",
        )


def sensitive_access_log(*, user, caller_id: int, what: str) -> None:
    """Record that someone opened sensitive detail about a caller."""
    SensitiveAccess.objects.create(user=user, caller_id=caller_id, what=what)


@transaction.atomic
def legal_hold_set(*, caller: Caller, changed_by, on_hold: bool, reason: str) -> Caller:
    if not changed_by.has_perm("callers.apply_legal_hold"):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason, for the record."})
    caller = Caller.objects.select_for_update().get(pk=caller.pk)
    caller.legal_hold = on_hold
    return save_with_history(
        caller,
        user=changed_by,
        reason=f"{'Legal hold applied' if on_hold else 'Legal hold lifted'}: {reason.strip()}",
    )


def _move(queryset, field: str, survivor: Caller, reason: str, user) -> int:
    rows = list(queryset)
    for row in rows:
        setattr(row, field, survivor)
    if rows:
        bulk_update_with_history(
            rows, type(rows[0]), [field], default_user=user, default_change_reason=reason
        )
    return len(rows)


@transaction.atomic
def callers_merge(*, survivor: Caller, merged: Caller, merged_by) -> CallerMerge:
    """Move everything about `merged` to `survivor`: calls (with their DMTS entries), numbers,
    flags, concerns, referrals and meeting items. The merged record stays, pointing at the
    survivor, so its history can still be read; both histories record the merge."""
    if not merged_by.has_perm("callers.merge_caller"):
        raise PermissionDenied
    if survivor.pk == merged.pk:
        raise ValidationError("Choose two different callers.")
    survivor, merged = (Caller.objects.select_for_update().get(pk=c.pk) for c in (survivor, merged))
    if survivor.merged_into_id or merged.merged_into_id:
        raise ValidationError("One of these callers has already been merged.")
    reason = f"Merged caller #{merged.pk} into #{survivor.pk}"
    moved = {
        "calls": _move(Call.objects.filter(caller=merged), "caller", survivor, reason, merged_by)
    }
    held = set(survivor.phones.values_list("number", flat=True))
    merged_phones = list(merged.phones.all())
    for phone in merged_phones:
        phone._history_user, phone._change_reason = merged_by, reason
        if phone.number in held:
            phone.delete()
        else:
            phone.caller = survivor
            phone.save()
    moved["phone numbers"] = len(merged_phones)
    survivor_flag = Flag.objects.active().filter(caller=survivor).first()
    for flag in Flag.objects.active().filter(caller=merged):
        if survivor_flag:  # one flag in force per caller: the survivor's stands
            flag.ended_at, flag.ended_by = timezone.now(), merged_by
            flag.end_reason = f"Ended when merged into caller #{survivor.pk}"
            save_with_history(flag, user=merged_by, reason=reason)
    moved["flags"] = _move(
        Flag.objects.filter(caller=merged), "caller", survivor, reason, merged_by
    )
    moved["concerns"] = _move(
        Concern.objects.filter(caller=merged), "caller", survivor, reason, merged_by
    )
    moved["referrals"] = _move(
        Referral.objects.filter(caller=merged), "caller", survivor, reason, merged_by
    )
    on_agenda = set(
        MeetingItem.objects.filter(caller=survivor).values_list("meeting_id", flat=True)
    )
    moved["meeting items"] = _move(
        MeetingItem.objects.filter(caller=merged).exclude(meeting_id__in=on_agenda),
        "caller",
        survivor,
        reason,
        merged_by,
    )
    known = [n.strip() for n in survivor.other_names.split(",") if n.strip()]
    for name in [merged.full_name, *merged.other_names.split(",")]:
        if name.strip() and name.strip() not in known and name.strip() != survivor.full_name:
            known.append(name.strip())
    survivor.other_names = ", ".join(known)[:300]
    survivor.version += 1
    save_with_history(
        survivor, user=merged_by, reason=f"Merged in caller #{merged.pk} ({merged.full_name})"
    )
    merged.merged_into = survivor
    save_with_history(
        merged, user=merged_by, reason=f"Merged into caller #{survivor.pk} ({survivor.full_name})"
    )
    caller_activity_refresh(survivor.pk)
    caller_activity_refresh(merged.pk)
    return CallerMerge.objects.create(
        survivor=survivor, merged=merged, merged_by=merged_by, moved=moved
    )


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
def retention_apply(steps: list[Step]) -> list[DisposalLog]:
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


@transaction.atomic
def flags_import(rows: list[dict[str, str]], *, imported_by) -> list[Row]:
    """Import every row, or nothing if any row would be rejected."""
    results = import_check(rows)
    rejected = [r for r in results if r.action == "reject"]
    if rejected:
        raise ValidationError(f"{len(rejected)} row(s) would be rejected: nothing was imported.")
    for result in results:
        values = result.values
        caller = result.caller or caller_create(
            full_name=result.name,
            phone=values["phone"] or None,
            notes=values["notes"],
            created_by=imported_by,
        )
        flag_create(
            caller=caller,
            flagged_by=imported_by,
            kind=values["kind"],
            reason=IMPORT_REASON,
            agreed_response=values["agreed_response"],
            review_date=values["review_date"],
        )
    return results
