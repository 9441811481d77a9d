"""Writes for SMT and Silver meetings (policy 5.6): opening one with its agenda built as things
stand, the decision for each caller carried out on their flag, the record of the meeting, the
office's Silver cycle, and the day-before reminder."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from simple_history.utils import bulk_create_with_history

from callers.models import Caller, Flag, Meeting, MeetingCycle, MeetingItem
from callers.models.flags import default_review_date
from callers.selectors.calls import calls_between, counts_for
from callers.selectors.meetings import agenda_positions_give, silver_proposed
from callers.selectors.rules import unflagged_matches
from callers.services.flags import (
    FLAG_CALLER,
    flag_change_arrangements,
    flag_change_response,
    flag_create,
    flag_end,
    flag_renew,
)
from opcc_calls.background import email_or_retry
from opcc_calls.concurrency import locked_for_edit
from opcc_calls.history import save_with_history
from opcc_calls.models import User
from opcc_calls.permissions import permission_check, staff_holding
from opcc_calls.windows import start_of_day


@transaction.atomic
def meeting_open(*, kind: str, day: date, by: User | None) -> Meeting:
    """Record a meeting and build its standing agenda item as things stand now: for SMT the
    current candidates; for Silver every flagged caller, their calls since the last Silver
    meeting, and whether their flag is due for review before the next. `created_by` None:
    opened by the office's Silver cycle the day before (`meetings_prepare`)."""
    if by is not None:
        permission_check(by, FLAG_CALLER)
    if Meeting.objects.filter(kind=kind, date=day).exists():
        raise ValidationError({"date": _("There is already a meeting of this kind on that day.")})
    meeting = Meeting(kind=kind, date=day, created_by=by)
    try:
        with transaction.atomic():
            save_with_history(
                meeting,
                user=by,
                reason="" if by else "Opened by the Silver cycle, the day before",
            )
    except IntegrityError as error:  # opened by someone else at the same moment
        raise ValidationError(
            {"date": _("There is already a meeting of this kind on that day.")}
        ) from error
    items = []
    if kind == Meeting.Kind.SMT:
        reasons: dict[int, list[str]] = {}
        for match in unflagged_matches().select_related("rule"):
            reasons.setdefault(match.caller_id, []).append(match.rule.reason)
        counts = counts_for(list(reasons))
        items = [
            MeetingItem(
                meeting=meeting,
                caller_id=caller_id,
                reasons=sorted(found),
                section=MeetingItem.Section.CANDIDATE,
                counts=counts[caller_id],
            )
            for caller_id, found in reasons.items()
        ]
    else:
        previous = Meeting.objects.filter(kind=Meeting.Kind.SILVER, date__lt=day).first()
        since = previous.date if previous else day - timedelta(days=14)
        flags = list(Flag.objects.active())
        since_last = calls_between(
            [f.caller_id for f in flags],
            start_of_day(since),
            start_of_day(day + timedelta(days=1)),
        )
        now_counts = counts_for([f.caller_id for f in flags])
        items = [
            MeetingItem(
                meeting=meeting,
                caller_id=flag.caller_id,
                flag=flag,
                section=MeetingItem.Section.FLAGGED,
                reasons=[flag.reason],
                counts={
                    **now_counts[flag.caller_id],
                    "since_last_silver": since_last.get(flag.caller_id, 0),
                    "since": since.isoformat(),
                },
                due_for_review=flag.review_date <= meeting.next_silver_date,
            )
            for flag in flags
        ]
    names = dict(
        Caller.objects.filter(pk__in=[i.caller_id for i in items]).values_list("pk", "full_name")
    )
    agenda_positions_give(items, names)
    bulk_create_with_history(
        items,
        MeetingItem,
        default_user=by,
        default_change_reason="On the agenda when the meeting was opened",
    )
    return meeting


@transaction.atomic
def meeting_decide(
    *,
    item: MeetingItem,
    by: User,
    decision: str,
    note: str = "",
    kind: str = "",
    agreed_response: str = "",
    review_date: date | None = None,
    single_point_of_contact: User | None = None,
    contact_times: str = "",
    written_contact_only: bool = False,
) -> MeetingItem:
    """Record the meeting's decision for one caller, and carry it out on their flag. One
    decision an item: a second (two managers at once, or a page left open) is refused, and
    the flag itself is where a decision is changed later."""
    permission_check(by, FLAG_CALLER)
    item = (
        MeetingItem.objects.select_for_update(of=("self",))
        .select_related("meeting", "flag", "decided_by")
        .get(pk=item.pk)
    )
    if item.decision:
        raise ValidationError(
            f"{item.decided_by} already recorded “{item.get_decision_display()}” for this caller "
            f"at {timezone.localtime(item.decided_at):%H:%M on %-d %b %Y}. To change it now, "
            "change the caller's flag."
        )
    flag = item.flag or Flag.objects.active().filter(caller_id=item.caller_id).first()
    Decision = MeetingItem.Decision
    if decision == Decision.FLAG and not kind:
        raise ValidationError({"kind": _("Choose frequent or regular.")})
    if decision == Decision.FLAG:
        flag = flag_create(
            caller=item.caller,
            by=by,
            meeting=item.meeting,
            kind=kind,
            reason="; ".join(item.reasons) or note,
            agreed_response=agreed_response,
            review_date=review_date,
        )
    elif decision in (
        Decision.RENEW,
        Decision.CHANGE_RESPONSE,
        Decision.CHANGE_ARRANGEMENTS,
        Decision.END,
    ):
        if flag is None:
            raise ValidationError(
                {"decision": _("This caller has no flag to renew, change or end.")}
            )
        if decision == Decision.RENEW:
            flag = flag_renew(
                flag=flag,
                by=by,
                reason=note or "Renewed at the meeting",
                new_review_date=review_date or default_review_date(),
                version=flag.version,
                meeting=item.meeting,
            )
        elif decision == Decision.CHANGE_RESPONSE:
            flag = flag_change_response(
                flag=flag,
                by=by,
                reason=note,
                agreed_response=agreed_response,
                version=flag.version,
            )
        elif decision == Decision.CHANGE_ARRANGEMENTS:
            flag = flag_change_arrangements(
                flag=flag,
                by=by,
                reason=f"agreed at the {item.meeting}: {note}",
                single_point_of_contact=single_point_of_contact,
                contact_times=contact_times or "",
                written_contact_only=written_contact_only,
                version=flag.version,
            )
        else:
            flag = flag_end(flag=flag, by=by, reason=note, version=flag.version)
    item.decision, item.decision_note, item.flag = decision, note, flag
    item.decided_by, item.decided_at = by, timezone.now()
    return save_with_history(item, user=by)


@transaction.atomic
def meeting_record(
    *, meeting: Meeting, by: User, attendees: str, apologies: str, minutes: str, version: int
) -> Meeting:
    """Who was present, apologies, and the minutes."""
    permission_check(by, FLAG_CALLER)
    meeting = locked_for_edit(Meeting, meeting.pk, version)
    meeting.attendees, meeting.apologies = attendees.strip(), apologies.strip()
    meeting.minutes = minutes.strip()
    return save_with_history(meeting, user=by, reason="Meeting record")


@transaction.atomic
def meeting_cycle_set(
    *, by: User, silver_every_days: int, first_silver: date | None
) -> MeetingCycle:
    """The office sets how often the Silver meeting meets."""
    permission_check(by, FLAG_CALLER)
    cycle = MeetingCycle.objects.select_for_update().first() or MeetingCycle()
    cycle.silver_every_days, cycle.first_silver = silver_every_days, first_silver
    return save_with_history(cycle, user=by, reason="Silver cycle set")


def meetings_prepare(*, today: date | None = None) -> Meeting | None:
    """Daily: the day before the next Silver meeting, open it (its agenda built as things
    stand) and remind every manager by email; on the day itself when the day before was
    missed (the server was down, the command first ran that morning), so a meeting the
    Meetings page proposes is never left unopened. Returns the meeting opened, if one was."""
    today = today or timezone.localdate()
    day = silver_proposed(today=today)
    if day not in (today, today + timedelta(days=1)):
        return None
    try:
        meeting = meeting_open(kind=Meeting.Kind.SILVER, day=day, by=None)
    except ValidationError:  # already opened by a manager
        return None
    for manager_id in staff_holding(FLAG_CALLER).values_list("pk", flat=True):
        meeting_reminder_email.enqueue(manager_id, meeting.pk)
    return meeting


@task()
def meeting_reminder_email(manager_id: int, meeting_id: int, attempt: int = 1) -> str:
    """Background: remind one manager of tomorrow's meeting, with a link to its agenda (no
    caller's name in the email)."""
    manager = User.objects.get(pk=manager_id)
    meeting = Meeting.objects.get(pk=meeting_id)
    return email_or_retry(
        meeting_reminder_email,
        manager_id,
        meeting_id,
        attempt=attempt,
        subject=lambda: _("Tomorrow: %(meeting)s") % {"meeting": meeting},
        template="callers/meetings/email/meeting_reminder.txt",
        context={
            "meeting": meeting,
            "items": meeting.items.count(),
            "url": settings.SITE_URL + meeting.get_absolute_url(),
        },
        to=[manager.email],
    )
