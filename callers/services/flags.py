"""Flags and their agreed responses, and the SMT and Silver meetings that agree them (5.6)."""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from callers.models import Call, Caller, Flag, FlagReview, Meeting, MeetingItem
from callers.models.flags import default_review_date
from callers.services.calls import StaleEdit
from callers.services.detection import unflagged_matches

PERMISSION = "callers.flag_caller"


def _check(user) -> None:
    if not user.has_perm(PERMISSION):
        raise PermissionDenied


def _locked(flag: Flag, version: int) -> Flag:
    current = Flag.objects.select_for_update().get(pk=flag.pk)
    if current.version != version:
        raise StaleEdit
    if not current.is_active:
        raise ValidationError("This flag has ended.")
    current.version += 1
    return current


def _save(flag: Flag, user, reason: str) -> Flag:
    flag.full_clean()
    flag._history_user = user
    flag._change_reason = reason
    flag.save()
    return flag


@transaction.atomic
def flag_create(
    *,
    caller: Caller,
    flagged_by,
    kind: str,
    reason: str,
    agreed_response: str,
    meeting: Meeting | None = None,
    **details,
) -> Flag:
    """Flag a caller as frequent or regular with the agreed response (5.6). Records the calls
    that led to it as they stood."""
    _check(flagged_by)
    already = "This caller is already flagged: review or change that flag."
    if Flag.objects.active().filter(caller=caller).exists():
        raise ValidationError(already)
    if not agreed_response.strip():
        raise ValidationError({"agreed_response": "Write the agreed response handlers follow."})
    counts = Call.objects.for_caller(caller).window_counts()
    details = {name: value for name, value in details.items() if value is not None}
    flag = Flag(
        caller=caller,
        flagged_by=flagged_by,
        kind=kind,
        reason=reason,
        agreed_response=agreed_response.strip(),
        meeting=meeting,
        counts_at_flag=counts,
        **details,
    )
    try:
        with transaction.atomic():
            return _save(flag, flagged_by, f"Flagged: {reason}")
    except IntegrityError as error:
        raise ValidationError(
            "This caller is already flagged: review or change that flag."
        ) from error


@transaction.atomic
def flag_renew(
    *,
    flag: Flag,
    reviewed_by,
    reason: str,
    new_review_date: date,
    version: int,
    meeting: Meeting | None = None,
) -> Flag:
    """Renew a flag at review, with reasons and a new review date."""
    _check(reviewed_by)
    if not reason.strip():
        raise ValidationError({"reason": "Give the reasons for renewing."})
    if new_review_date <= timezone.localdate():
        raise ValidationError({"new_review_date": "The next review must be in the future."})
    flag = _locked(flag, version)
    FlagReview.objects.create(
        flag=flag,
        reviewed_by=reviewed_by,
        reason=reason.strip(),
        previous_review_date=flag.review_date,
        new_review_date=new_review_date,
        meeting=meeting,
    )
    flag.review_date = new_review_date
    return _save(flag, reviewed_by, f"Renewed: {reason.strip()}")


@transaction.atomic
def flag_change_response(
    *, flag: Flag, changed_by, agreed_response: str, reason: str, version: int
) -> Flag:
    _check(changed_by)
    if not agreed_response.strip():
        raise ValidationError({"agreed_response": "Write the agreed response handlers follow."})
    flag = _locked(flag, version)
    flag.agreed_response = agreed_response.strip()
    return _save(flag, changed_by, f"Agreed response changed: {reason.strip() or 'no reason'}")


@transaction.atomic
def flag_end(*, flag: Flag, ended_by, reason: str, version: int) -> Flag:
    _check(ended_by)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the flag is ending."})
    flag = _locked(flag, version)
    flag.ended_at, flag.ended_by, flag.end_reason = timezone.now(), ended_by, reason.strip()
    return _save(flag, ended_by, f"Ended: {reason.strip()}")


def _calls_between(caller_ids: list[int], start: datetime, end: datetime) -> dict[int, int]:
    rows = (
        Call.objects.counted()
        .filter(caller_id__in=caller_ids, received_at__gte=start, received_at__lt=end)
        .values("caller_id")
        .annotate(n=Count("pk"))
        .values_list("caller_id", "n")
    )
    return dict(rows)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@transaction.atomic
def meeting_open(*, kind: str, day: date, created_by) -> Meeting:
    """Record a meeting and build its standing agenda item as things stand now: for SMT the
    current candidates; for Silver every flagged caller, their calls since the last Silver
    meeting, and whether their flag is due for review before the next."""
    _check(created_by)
    if Meeting.objects.filter(kind=kind, date=day).exists():
        raise ValidationError({"date": "There is already a meeting of this kind on that day."})
    meeting = Meeting(kind=kind, date=day, created_by=created_by)
    meeting.full_clean()
    meeting._history_user = created_by
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError as error:  # opened by someone else at the same moment
        raise ValidationError(
            {"date": "There is already a meeting of this kind on that day."}
        ) from error
    items = []
    if kind == Meeting.Kind.SMT:
        reasons: dict[int, list[str]] = {}
        for match in unflagged_matches().select_related("rule"):
            reasons.setdefault(match.caller_id, []).append(match.rule.reason)
        counts = dict(
            Caller.objects.filter(pk__in=reasons)
            .values("pk")
            .annotate(
                n=Count(
                    "calls", filter=Q(calls__received_at__gte=timezone.now() - timedelta(days=90))
                )
            )
            .values_list("pk", "n")
        )
        items = [
            MeetingItem(
                meeting=meeting,
                caller_id=caller_id,
                reasons=sorted(found),
                section=MeetingItem.Section.CANDIDATE,
                counts={"90d": counts.get(caller_id, 0)},
            )
            for caller_id, found in reasons.items()
        ]
    else:
        previous = Meeting.objects.filter(kind=Meeting.Kind.SILVER, date__lt=day).first()
        since = previous.date if previous else day - timedelta(days=14)
        flags = list(Flag.objects.active())
        since_last = _calls_between(
            [f.caller_id for f in flags], _start_of(since), _start_of(day + timedelta(days=1))
        )
        items = [
            MeetingItem(
                meeting=meeting,
                caller_id=flag.caller_id,
                flag=flag,
                section=MeetingItem.Section.FLAGGED,
                reasons=[flag.reason],
                counts={
                    "since_last_silver": since_last.get(flag.caller_id, 0),
                    "since": since.isoformat(),
                },
                due_for_review=flag.review_date <= meeting.next_silver_date,
            )
            for flag in flags
        ]
    MeetingItem.objects.bulk_create(items)
    return meeting


@transaction.atomic
def meeting_decide(
    *, item: MeetingItem, decided_by, decision: str, note: str = "", **flag_fields
) -> MeetingItem:
    """Record the meeting's decision for one caller, and carry it out on their flag."""
    _check(decided_by)
    item = (
        MeetingItem.objects.select_for_update(of=("self",))
        .select_related("meeting", "flag")
        .get(pk=item.pk)
    )
    flag = item.flag or Flag.objects.active().filter(caller_id=item.caller_id).first()
    Decision = MeetingItem.Decision
    if decision == Decision.FLAG:
        flag = flag_create(
            caller=item.caller,
            flagged_by=decided_by,
            meeting=item.meeting,
            kind=flag_fields["kind"],
            reason="; ".join(item.reasons) or note,
            agreed_response=flag_fields["agreed_response"],
            review_date=flag_fields.get("review_date") or None,
        )
    elif decision in (Decision.RENEW, Decision.CHANGE_RESPONSE, Decision.END):
        if flag is None:
            raise ValidationError({"decision": "This caller has no flag to renew, change or end."})
        if decision == Decision.RENEW:
            flag = flag_renew(
                flag=flag,
                reviewed_by=decided_by,
                reason=note or "Renewed at the meeting",
                new_review_date=flag_fields.get("review_date") or default_review_date(),
                version=flag.version,
                meeting=item.meeting,
            )
        elif decision == Decision.CHANGE_RESPONSE:
            flag = flag_change_response(
                flag=flag,
                changed_by=decided_by,
                reason=note,
                agreed_response=flag_fields["agreed_response"],
                version=flag.version,
            )
        else:
            flag = flag_end(flag=flag, ended_by=decided_by, reason=note, version=flag.version)
    item.decision, item.decision_note, item.flag = decision, note, flag
    item.decided_by, item.decided_at = decided_by, timezone.now()
    item._history_user = decided_by
    item.save()
    return item
