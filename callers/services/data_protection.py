"""Writes for data protection: the log of who opened sensitive detail, legal hold, merging
duplicate callers, and the retention schedule.

Retention: records are kept for a number of years after the caller's last contact, then
anonymised or deleted as configured. Records of callers on legal hold are never touched. Every
run writes a disposal log that holds record numbers, never personal data. The dry run and the
real run share `retention_plan()` (selectors), so they always agree.
"""

import logging
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from callers.models import (
    Call,
    Caller,
    CallerMerge,
    CallerPhone,
    Concern,
    DisposalLog,
    Flag,
    MeetingItem,
    Referral,
    RetentionRule,
    RetentionRun,
    RuleMatch,
    SensitiveAccess,
    SubjectAccessRequest,
    SubjectAccessResponse,
)
from callers.selectors.data_protection import (
    HOLD_APPLIED,
    RETENTION_KINDS,
    Action,
    Step,
    retention_plan,
)
from callers.services.activity import callers_recount
from opcc_calls.history import history_of, history_user_set, save_with_history
from opcc_calls.models import User
from opcc_calls.permissions import permission_check

logger = logging.getLogger(__name__)


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


def sensitive_access_log(*, by: User, caller_ids: list[int], what: str) -> None:
    """Record that someone saw sensitive detail about these callers (one row each, one
    query however many)."""
    SensitiveAccess.objects.bulk_create(
        [SensitiveAccess(user=by, caller_id=pk, what=what) for pk in dict.fromkeys(caller_ids)]
    )


@transaction.atomic
def legal_hold_set(*, caller: Caller, by: User, on_hold: bool, reason: str) -> Caller:
    if not by.has_perm("callers.apply_legal_hold"):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason, for the record.")})
    caller = Caller.objects.select_for_update().get(pk=caller.pk)
    caller.legal_hold = on_hold
    return save_with_history(
        caller,
        user=by,
        reason=f"{HOLD_APPLIED if on_hold else 'Legal hold lifted'}: {reason.strip()}",
    )


def _move(queryset: QuerySet, field: str, survivor: Caller, reason: str, user: User) -> int:
    rows = list(queryset)
    for row in rows:
        setattr(row, field, survivor)
    if rows:
        bulk_update_with_history(
            rows, type(rows[0]), [field], default_user=user, default_change_reason=reason
        )
    return len(rows)


@transaction.atomic
def callers_merge(*, survivor: Caller, merged: Caller, by: User) -> CallerMerge:
    """Move everything about `merged` to `survivor`: calls (with their DMTS entries), numbers,
    flags, concerns, referrals and meeting items. The merged record stays, pointing at the
    survivor, so its history can still be read; both histories record the merge."""
    if not by.has_perm("callers.merge_caller"):
        raise PermissionDenied
    if survivor.pk == merged.pk:
        raise ValidationError(_("Choose two different callers."))
    survivor, merged = (Caller.objects.select_for_update().get(pk=c.pk) for c in (survivor, merged))
    if survivor.merged_into_id or merged.merged_into_id:
        raise ValidationError(_("One of these callers has already been merged."))
    reason = f"Merged caller {merged.reference} into {survivor.reference}"
    moved = {"calls": _move(Call.objects.filter(caller=merged), "caller", survivor, reason, by)}
    held = set(survivor.phones.values_list("number", flat=True))
    merged_phones = list(merged.phones.all())
    for phone in merged_phones:
        history_user_set(phone, by, reason)
        if phone.number in held:
            phone.delete()
        else:
            phone.caller = survivor
            phone.save()
    moved["phone numbers"] = len(merged_phones)
    survivor_flag = Flag.objects.active().filter(caller=survivor).first()
    for flag in Flag.objects.active().filter(caller=merged):
        if survivor_flag:  # one flag in force per caller: the survivor's stands
            flag.ended_at, flag.ended_by = timezone.now(), by
            flag.end_reason = f"Ended when merged into caller {survivor.reference}"
            save_with_history(flag, user=by, reason=reason)
    moved["flags"] = _move(Flag.objects.filter(caller=merged), "caller", survivor, reason, by)
    moved["concerns"] = _move(Concern.objects.filter(caller=merged), "caller", survivor, reason, by)
    moved["referrals"] = _move(
        Referral.objects.filter(caller=merged), "caller", survivor, reason, by
    )
    on_agenda = set(
        MeetingItem.objects.filter(caller=survivor).values_list("meeting_id", flat=True)
    )
    moved["meeting items"] = _move(
        MeetingItem.objects.filter(caller=merged).exclude(meeting_id__in=on_agenda),
        "caller",
        survivor,
        reason,
        by,
    )
    known = [n.strip() for n in survivor.other_names.split(",") if n.strip()]
    for name in [merged.full_name, *merged.other_names.split(",")]:
        if name.strip() and name.strip() not in known and name.strip() != survivor.full_name:
            known.append(name.strip())
    survivor.other_names = ", ".join(known)[:300]
    # Records under legal hold stay under it, whichever record they now sit on.
    survivor.legal_hold = survivor.legal_hold or merged.legal_hold
    survivor.version += 1
    # Reasons name records by number only: history outlives either record's retention.
    save_with_history(survivor, user=by, reason=f"Merged in caller {merged.reference}")
    merged.merged_into = survivor
    save_with_history(merged, user=by, reason=f"Merged into caller {survivor.reference}")
    callers_recount.enqueue([survivor.pk, merged.pk])  # in the background, with the merge
    return CallerMerge.objects.create(survivor=survivor, merged=merged, merged_by=by, moved=moved)


ANONYMISED = "Anonymised under the retention schedule"

BATCH = 1000


def _purge_history(model: type[models.Model], ids: list[int]) -> None:
    """History rows hold the personal data too: they go with the record's content."""
    for start in range(0, len(ids), BATCH):
        history_of(model).filter(
            **{f"{model._meta.pk.attname}__in": ids[start : start + BATCH]}
        ).delete()


def _anonymise(
    model: type[models.Model], ids: list[int], replacements: Mapping[str, object]
) -> None:
    """Write over each text field that holds something, after purging the history that holds
    it, leaving one history row that says the record was anonymised (and what it now holds)."""
    _purge_history(model, ids)
    for start in range(0, len(ids), BATCH):
        records = list(model._default_manager.filter(pk__in=ids[start : start + BATCH]))
        for record in records:
            for name, value in replacements.items():
                if getattr(record, name) != "":  # an empty field stays empty
                    setattr(record, name, value)
        bulk_update_with_history(
            records, model, list(replacements), default_change_reason=ANONYMISED
        )


def _dispose(step: Step) -> None:
    """Anonymise or delete every record of the step's kind that its callers hold, and their
    history: the table in RETENTION_KINDS says which records and which fields."""
    for part in RETENTION_KINDS[step.record_type]:
        ids = list(
            part.model._default_manager.filter(
                **{f"{part.caller}__in": step.caller_ids}
            ).values_list("pk", flat=True)
        )
        if step.rule.action == Action.DELETE:
            for start in range(0, len(ids), BATCH):
                part.model._default_manager.filter(pk__in=ids[start : start + BATCH]).delete()
            _purge_history(part.model, ids)
        else:
            _anonymise(part.model, ids, part.anonymised)


#: What an anonymised caller's record holds.
ANONYMISED_CALLER = {
    "full_name": "Anonymised caller",
    "other_names": "",
    "email": "",
    "postal_address": "",
    "notes": "",
    "reasonable_adjustments": "",
    "large_print": False,
    "language": "",
    "other_language": "",
    "interpreter_needed": False,
    "letter_language": "",
}


def _dispose_of_callers(step: Step) -> None:
    """Callers go last: their numbers and rule matches always go; a caller is deleted when
    the schedule says so and nothing of theirs is kept, and anonymised otherwise."""
    phones = list(
        CallerPhone.history.filter(caller_id__in=step.ids).values_list("id", flat=True).distinct()
    )
    CallerPhone.objects.filter(caller_id__in=step.ids).delete()
    _purge_history(CallerPhone, phones)
    RuleMatch.objects.filter(caller_id__in=step.ids).delete()
    _subject_access_dispose(step.ids)
    callers = Caller.objects.filter(pk__in=step.ids)
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
    if step.rule.action == Action.DELETE:
        removable = [pk for pk in step.ids if pk not in kept]
        Caller.objects.filter(pk__in=removable).delete()
        _purge_history(Caller, removable)
    anonymise = [pk for pk in step.ids if pk in kept or step.rule.action == Action.ANONYMISE]
    _anonymise(Caller, anonymise, ANONYMISED_CALLER | {"anonymised_at": timezone.now()})


def _subject_access_dispose(caller_ids: list[int]) -> None:
    """A caller's subject access requests name who asked for them: they go with the caller's
    details, responses' files and history too."""
    requests = SubjectAccessRequest.objects.filter(caller_id__in=caller_ids)
    ids = list(
        SubjectAccessRequest.history.filter(caller_id__in=caller_ids)
        .values_list("id", flat=True)
        .distinct()
    )
    for response in SubjectAccessResponse.objects.filter(sar__in=requests):
        response.files_remove()
    requests.delete()
    _purge_history(SubjectAccessRequest, ids)


@transaction.atomic
def retention_apply(steps: list[Step], *, run: RetentionRun | None = None) -> list[DisposalLog]:
    """Do what the plan says, all of it or nothing, and log it (record numbers only), under
    `run` when applied from the retention page (who asked and why)."""
    logs = []
    for step in steps:
        if not step.ids:
            continue
        if step.record_type == RetentionRule.Kind.CALLERS:
            _dispose_of_callers(step)
        else:
            _dispose(step)
        logs.append(
            DisposalLog.objects.create(
                run=run,
                rule_kind=step.rule.kind,
                action=step.rule.action,
                record_type=step.record_type,
                record_ids=step.ids,
                count=len(step.ids),
            )
        )
    return logs


APPLY_RETENTION = "callers.apply_retention"


def retention_run_request(*, by: User, reason: str) -> RetentionRun:
    """Ask the background worker to apply the schedule as it stands when it runs. While one
    run waits or runs, asking again (a second click, a second manager) gives that run."""
    permission_check(by, APPLY_RETENTION)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the schedule is applied now, for the record.")})
    with transaction.atomic():
        list(RetentionRule.objects.select_for_update())  # one asker at a time
        waiting = RetentionRun.objects.filter(finished_at__isnull=True).first()
        if waiting:
            return waiting
        run = RetentionRun.objects.create(requested_by=by, reason=reason.strip())
        retention_run_carry_out.enqueue(run.pk)  # queued with the run
    return run


@task()
def retention_run_carry_out(run_id: int) -> str:
    """Background: apply the schedule (all of it or nothing) and say what it came to. Record
    numbers and counts only reach the log."""
    with transaction.atomic():
        run = RetentionRun.objects.select_for_update().get(pk=run_id)
        if run.started_at:
            return "already started"
        run.started_at = timezone.now()
        run.save(update_fields=["started_at"])
    try:
        logs = retention_apply(retention_plan(), run=run)
    except Exception:
        logger.exception("Retention run %s could not be carried out", run.pk)
        run.failed = True
    else:
        run.records = sum(log.count for log in logs)
    run.finished_at = timezone.now()
    run.save(update_fields=["failed", "records", "finished_at"])
    return f"{run.records} records"
