"""Duplicate callers: suggesting records that are probably one person, and merging them."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Min
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from callers.models import (
    Call,
    Caller,
    CallerMerge,
    CallerPhone,
    Concern,
    Flag,
    MeetingItem,
    Referral,
)
from callers.services.calls import caller_activity_refresh

SUGGESTIONS = 50


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
            pairs.setdefault((ids[0], other), "They share a phone number")
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
            pairs.setdefault((ids[0], other), "They have the same name")
    chosen = list(pairs.items())[:limit]
    callers = current.select_related("activity").in_bulk({pk for pair, _ in chosen for pk in pair})
    return [
        Suggestion(callers[a], callers[b], why)
        for (a, b), why in chosen
        if a in callers and b in callers
    ]


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
            flag._history_user, flag._change_reason = merged_by, reason
            flag.save()
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
    survivor._history_user, survivor._change_reason = (
        merged_by,
        f"Merged in caller #{merged.pk} ({merged.full_name})",
    )
    survivor.save()
    merged.merged_into = survivor
    merged._history_user, merged._change_reason = (
        merged_by,
        f"Merged into caller #{survivor.pk} ({survivor.full_name})",
    )
    merged.save()
    caller_activity_refresh(survivor.pk)
    caller_activity_refresh(merged.pk)
    return CallerMerge.objects.create(
        survivor=survivor, merged=merged, merged_by=merged_by, moved=moved
    )
