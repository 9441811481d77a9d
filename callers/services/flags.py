"""Frequent and regular callers (policy 5.2, 5.3, 5.6, 5.7): the rules that find them, the
matches those rules keep current, the flags with their agreed responses, and the SMT and Silver
meetings that agree them.

A rule fires when a caller makes N or more calls (or reaches N or more different staff) within
ANY period of the rule's length: the N-th call is less than that long after the first of them.
Time is measured as elapsed time, so midnight and the clock change make no difference.

Matches are computed in the database with a window function over the index on
(caller, received_at). `matches_refresh` keeps the RuleMatch table current: for one caller as
their calls are logged, corrected or voided, and for everyone when the rules change.
"""

from collections import Counter, deque
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from itertools import groupby
from operator import itemgetter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Window
from django.db.models.functions import Lag
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task
from simple_history.utils import bulk_create_with_history

from callers.letters import arrangements_text, fill, template_for, unknown_placeholders
from callers.models import (
    Appeal,
    Call,
    Caller,
    CallerActivity,
    DashboardFigure,
    Flag,
    FlagReview,
    Letter,
    LetterTemplate,
    MatchesRefresh,
    Meeting,
    MeetingCycle,
    MeetingItem,
    Rule,
    RuleMatch,
    Tally,
    start_of_day,
)
from callers.models.flags import default_review_date
from callers.selectors.flags import (
    DASHBOARD_KEY,
    calls_between,
    calls_per_week_by_type,
    counts_for,
    flagged_share,
    silver_proposed,
    unflagged_matches,
)
from opcc_calls.background import retry_later
from opcc_calls.concurrency import StaleEdit, locked_for_edit
from opcc_calls.history import save_with_history

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
        for _, at, handler_id in caller_calls:
            in_window.append((at, handler_id))
            staff[handler_id] += 1
            while in_window[0][0] <= at - rule.window:
                _, gone = in_window.popleft()
                staff[gone] -= 1
                if not staff[gone]:
                    del staff[gone]
            if at >= since and len(staff) >= rule.threshold:
                fired.append((caller_id, at))
    return fired


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


@transaction.atomic
def rules_save(*, rules: Iterable[Rule], changed_by) -> MatchesRefresh:
    """Save changed or new rules and queue working out every caller's matches again (the
    one time the whole log is read, because the question itself changed): in the background,
    so the manager's page answers at once and says when it is done."""
    for rule in rules:
        save_with_history(rule, user=changed_by, reason="Rule changed")
    refresh = MatchesRefresh.objects.create(requested_by=changed_by)
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
    caller_ids = list(Caller.objects.order_by("pk").values_list("pk", flat=True))
    total = 0
    for start in range(0, len(caller_ids), REFRESH_BATCH):
        total += matches_refresh_batch(caller_ids[start : start + REFRESH_BATCH])
    MatchesRefresh.objects.filter(pk=refresh_id).update(finished_at=timezone.now(), matches=total)
    return total


@transaction.atomic
def matches_refresh_batch(caller_ids: list[int]) -> int:
    """These callers' matches worked out again, their activity rows locked meanwhile."""
    list(CallerActivity.objects.select_for_update().filter(pk__in=caller_ids).values_list("pk"))
    return matches_refresh(caller_ids=caller_ids)


PERMISSION = "callers.flag_caller"


def _check(user, permission: str = PERMISSION) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def _locked(flag: Flag, version: int) -> Flag:
    current = locked_for_edit(Flag, flag.pk, version)
    if not current.is_active:
        raise ValidationError("This flag has ended.")
    return current


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
            return save_with_history(flag, user=flagged_by, reason=f"Flagged: {reason}")
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
    return save_with_history(flag, user=reviewed_by, reason=f"Renewed: {reason.strip()}")


@transaction.atomic
def flag_change_response(
    *, flag: Flag, changed_by, agreed_response: str, reason: str, version: int
) -> Flag:
    _check(changed_by)
    if not agreed_response.strip():
        raise ValidationError({"agreed_response": "Write the agreed response handlers follow."})
    flag = _locked(flag, version)
    flag.agreed_response = agreed_response.strip()
    return save_with_history(
        flag, user=changed_by, reason=f"Agreed response changed: {reason.strip() or 'no reason'}"
    )


@transaction.atomic
def flag_change_arrangements(
    *,
    flag: Flag,
    changed_by,
    single_point_of_contact,
    contact_times: str,
    written_contact_only: bool,
    reason: str,
    version: int,
) -> Flag:
    """Change how the caller may contact the office after flagging (5.6); the reason and the
    change go in the flag's history."""
    _check(changed_by)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the arrangements are changing."})
    flag = _locked(flag, version)
    flag.single_point_of_contact = single_point_of_contact
    flag.contact_times = contact_times.strip()
    flag.written_contact_only = written_contact_only
    flag.told_on = None  # the caller is to be told of the new arrangements
    return save_with_history(
        flag, user=changed_by, reason=f"Contact arrangements changed: {reason.strip()}"
    )


@transaction.atomic
def flag_end(*, flag: Flag, ended_by, reason: str, version: int) -> Flag:
    _check(ended_by)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the flag is ending."})
    flag = _locked(flag, version)
    flag.ended_at, flag.ended_by, flag.end_reason = timezone.now(), ended_by, reason.strip()
    return save_with_history(flag, user=ended_by, reason=f"Ended: {reason.strip()}")


@transaction.atomic
def meeting_open(*, kind: str, day: date, created_by) -> Meeting:
    """Record a meeting and build its standing agenda item as things stand now: for SMT the
    current candidates; for Silver every flagged caller, their calls since the last Silver
    meeting, and whether their flag is due for review before the next. `created_by` None:
    opened by the office's Silver cycle the day before (`meetings_prepare`)."""
    if created_by is not None:
        _check(created_by)
    if Meeting.objects.filter(kind=kind, date=day).exists():
        raise ValidationError({"date": "There is already a meeting of this kind on that day."})
    meeting = Meeting(kind=kind, date=day, created_by=created_by)
    try:
        with transaction.atomic():
            save_with_history(
                meeting,
                user=created_by,
                reason="" if created_by else "Opened by the Silver cycle, the day before",
            )
    except IntegrityError as error:  # opened by someone else at the same moment
        raise ValidationError(
            {"date": "There is already a meeting of this kind on that day."}
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
    bulk_create_with_history(
        items,
        MeetingItem,
        default_user=created_by,
        default_change_reason="On the agenda when the meeting was opened",
    )
    return meeting


@transaction.atomic
def meeting_decide(
    *, item: MeetingItem, decided_by, decision: str, note: str = "", **flag_fields
) -> MeetingItem:
    """Record the meeting's decision for one caller, and carry it out on their flag. One
    decision an item: a second (two managers at once, or a page left open) is refused, and
    the flag itself is where a decision is changed later."""
    _check(decided_by)
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
    elif decision in (
        Decision.RENEW,
        Decision.CHANGE_RESPONSE,
        Decision.CHANGE_ARRANGEMENTS,
        Decision.END,
    ):
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
        elif decision == Decision.CHANGE_ARRANGEMENTS:
            flag = flag_change_arrangements(
                flag=flag,
                changed_by=decided_by,
                reason=f"agreed at the {item.meeting}: {note}",
                single_point_of_contact=flag_fields.get("single_point_of_contact"),
                contact_times=flag_fields.get("contact_times") or "",
                written_contact_only=bool(flag_fields.get("written_contact_only")),
                version=flag.version,
            )
        else:
            flag = flag_end(flag=flag, ended_by=decided_by, reason=note, version=flag.version)
    item.decision, item.decision_note, item.flag = decision, note, flag
    item.decided_by, item.decided_at = decided_by, timezone.now()
    return save_with_history(item, user=decided_by)


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@transaction.atomic
def letter_template_save(
    *, kind: str, changed_by, letterhead: str, subject: str, body: str, version: int, reason: str
) -> LetterTemplate:
    """Save the office's wording for one kind of letter (the first save makes it)."""
    _check(changed_by, "callers.change_lettertemplate")
    unknown = unknown_placeholders(subject + body)
    if unknown:
        raise ValidationError(
            {
                "body": "These placeholders are not known: "
                + ", ".join(f"{{{name}}}" for name in unknown)
                + ". Use only those listed."
            }
        )
    template = template_for(kind)
    if template.pk:
        template = locked_for_edit(LetterTemplate, template.pk, version)
    elif version != template.version:
        raise StaleEdit
    else:  # the first save: a form opened on the starting wording is now out of date
        template.version = version + 1
    template.letterhead, template.subject, template.body = letterhead, subject, body
    try:
        with transaction.atomic():
            return save_with_history(template, user=changed_by, reason=reason.strip())
    except IntegrityError as error:  # two first saves at once
        raise StaleEdit from error


@transaction.atomic
def letter_write(
    *, flag: Flag, written_by, kind: str, reason: str = "", appeal: Appeal | None = None
) -> Letter:
    """Write a letter to a flagged caller from the office's template, filled from the flag:
    the arrangements in plain words, the reason, the review date (never the agreed response
    or any note, concern or referral). Kept as written."""
    _check(written_by, "callers.write_letter")
    flag = Flag.objects.select_related("caller", "single_point_of_contact").get(pk=flag.pk)
    if kind == Letter.Kind.NOTICE:
        if not flag.is_active:
            raise ValidationError("This flag has ended: there are no arrangements to tell of.")
        if not flag.has_arrangements:
            raise ValidationError(
                "This flag has no contact arrangements to tell the caller of: set them first."
            )
        if not reason.strip():
            raise ValidationError({"reason": "Say why, in words for the caller."})
    template = template_for(kind)
    values = {
        "name": flag.caller.full_name,
        "office": settings.OFFICE_NAME,
        "date": _long_date(timezone.localdate()),
        "arrangements": arrangements_text(flag),
        "reason": reason.strip(),
        "review_date": _long_date(flag.review_date),
        "appeal_received": _long_date(appeal.received_on) if appeal else "",
        "outcome_reasons": appeal.reasons if appeal else "",
    }
    letter = Letter(
        flag=flag,
        appeal=appeal,
        kind=kind,
        arrangements=values["arrangements"],
        letterhead=template.letterhead,
        subject=fill(template.subject, values),
        body=fill(template.body, values),
        written_by=written_by,
    )
    return save_with_history(letter, user=written_by, reason="Written from the office's template")


@transaction.atomic
def letter_sent(*, letter: Letter, sent_by, sent_on: date, sent_how: str, version: int) -> Letter:
    """Record that a letter went to the caller: when, how and by whom. A notice of the
    arrangements in force marks the flag as told, in the flag's own history too."""
    _check(sent_by, "callers.write_letter")
    letter = locked_for_edit(Letter, letter.pk, version)
    if letter.sent_on:
        raise ValidationError("This letter is already recorded as sent.")
    if sent_on > timezone.localdate():
        raise ValidationError({"sent_on": "The date it was sent cannot be in the future."})
    if sent_on < timezone.localdate(letter.written_at):
        raise ValidationError({"sent_on": "It cannot have been sent before it was written."})
    letter.sent_on, letter.sent_how, letter.sent_by = sent_on, sent_how, sent_by
    save_with_history(letter, user=sent_by, reason="Recorded as sent")
    flag = (
        Flag.objects.select_for_update(of=("self",))
        .select_related("single_point_of_contact")
        .get(pk=letter.flag_id)
    )
    how = Letter.Sent(sent_how).label.lower()
    if (
        letter.kind == Letter.Kind.NOTICE
        and flag.is_active
        and letter.arrangements == arrangements_text(flag)  # not since changed
    ):
        flag.told_on = sent_on
    flag.version += 1
    save_with_history(
        flag,
        user=sent_by,
        reason=f"{letter.get_kind_display()} sent {how} on {_long_date(sent_on)}",
    )
    return letter


@transaction.atomic
def appeal_record(*, flag: Flag, recorded_by, received_on: date, grounds: str) -> Appeal:
    """Record a caller's appeal against their contact arrangements, for a manager who did not
    make the flag to decide."""
    _check(recorded_by, "callers.add_appeal")
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    if not flag.is_active:
        raise ValidationError("This flag has ended: there is nothing to appeal.")
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "The date it was received cannot be in the future."})
    if not grounds.strip():
        raise ValidationError({"grounds": "Write what the caller says."})
    if flag.appeals.waiting().exists():
        raise ValidationError("An appeal against this flag is already waiting for a decision.")
    appeal = Appeal(flag=flag, recorded_by=recorded_by, received_on=received_on, grounds=grounds)
    return save_with_history(appeal, user=recorded_by, reason="Appeal received")


def may_decide(appeal: Appeal, user) -> bool:
    """Whether this person may decide the appeal: a manager who did not make the flag."""
    return user.has_perm("callers.decide_appeal") and appeal.flag.flagged_by_id != user.pk


@transaction.atomic
def appeal_decide(
    *,
    appeal: Appeal,
    decided_by,
    outcome: str,
    reasons: str,
    version: int,
    single_point_of_contact=None,
    contact_times: str = "",
    written_contact_only: bool = False,
) -> Appeal:
    """Decide an appeal, carry out an upheld one on the flag (it ends, or the arrangements
    change) and write the letter of outcome from its own template."""
    _check(decided_by, "callers.decide_appeal")
    appeal = locked_for_edit(Appeal, appeal.pk, version, related=("flag",))
    if appeal.flag.flagged_by_id == decided_by.pk:
        raise PermissionDenied("The appeal must be decided by a manager who did not make the flag.")
    if not appeal.is_waiting:
        raise ValidationError("This appeal has already been decided.")
    if not reasons.strip():
        raise ValidationError({"reasons": "Give the reasons for the decision."})
    flag = appeal.flag
    Outcome = Appeal.Outcome
    if outcome == Outcome.UPHELD_END:
        flag_end(
            flag=flag, ended_by=decided_by, reason=f"Appeal upheld: {reasons}", version=flag.version
        )
    elif outcome == Outcome.UPHELD_CHANGE:
        flag_change_arrangements(
            flag=flag,
            changed_by=decided_by,
            reason=f"appeal upheld: {reasons}",
            single_point_of_contact=single_point_of_contact,
            contact_times=contact_times,
            written_contact_only=written_contact_only,
            version=flag.version,
        )
    appeal.outcome, appeal.reasons = outcome, reasons.strip()
    appeal.decided_by, appeal.decided_at = decided_by, timezone.now()
    save_with_history(appeal, user=decided_by, reason=f"Decided: {appeal.get_outcome_display()}")
    upheld = outcome != Outcome.NOT_UPHELD
    kind = Letter.Kind.APPEAL_UPHELD if upheld else Letter.Kind.APPEAL_NOT_UPHELD
    letter_write(flag=flag, written_by=decided_by, kind=kind, appeal=appeal)
    return appeal


@transaction.atomic
def meeting_record(
    *, meeting: Meeting, changed_by, attendees: str, apologies: str, minutes: str, version: int
) -> Meeting:
    """Who was present, apologies, and the minutes."""
    _check(changed_by)
    meeting = locked_for_edit(Meeting, meeting.pk, version)
    meeting.attendees, meeting.apologies = attendees.strip(), apologies.strip()
    meeting.minutes = minutes.strip()
    return save_with_history(meeting, user=changed_by, reason="Meeting record")


@transaction.atomic
def meeting_cycle_set(*, changed_by, silver_every_days: int, first_silver: date | None):
    """The office sets how often the Silver meeting meets."""
    _check(changed_by)
    cycle = MeetingCycle.objects.select_for_update().first() or MeetingCycle()
    cycle.silver_every_days, cycle.first_silver = silver_every_days, first_silver
    return save_with_history(cycle, user=changed_by, reason="Silver cycle set")


def meetings_prepare(*, today: date | None = None) -> Meeting | None:
    """Daily: the day before the next Silver meeting, open it (its agenda built as things
    stand) and remind every manager by email. Returns the meeting opened, if one was."""
    today = today or timezone.localdate()
    day = silver_proposed(today=today)
    if day != today + timedelta(days=1):
        return None
    try:
        meeting = meeting_open(kind=Meeting.Kind.SILVER, day=day, created_by=None)
    except ValidationError:  # already opened by a manager
        return None
    managers = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(groups__permissions__codename="flag_caller")
            | Q(user_permissions__codename="flag_caller")
        )
        .exclude(email="")
        .distinct()
        .values_list("pk", flat=True)
    )
    for manager_id in managers:
        meeting_reminder_email.enqueue(manager_id, meeting.pk)
    return meeting


@task()
def meeting_reminder_email(manager_id: int, meeting_id: int, attempt: int = 1) -> str:
    """Background: remind one manager of tomorrow's meeting, with a link to its agenda (no
    caller's name in the email)."""
    manager = get_user_model().objects.get(pk=manager_id)
    meeting = Meeting.objects.get(pk=meeting_id)
    context = {
        "meeting": meeting,
        "items": meeting.items.count(),
        "url": settings.SITE_URL + meeting.get_absolute_url(),
        "office_name": settings.OFFICE_NAME,
    }
    try:
        send_mail(
            subject=f"Tomorrow: {meeting}",
            message=render_to_string("callers/flags/email/meeting_reminder.txt", context),
            from_email=None,
            recipient_list=[manager.email],
        )
    except OSError:
        return retry_later(meeting_reminder_email, manager_id, meeting_id, attempt=attempt)
    return "sent"


#: A request for fresh dashboard figures older than this is made again (the worker was down).
FIGURES_REQUEST_LAPSES = timedelta(minutes=10)


def dashboard_figures_request() -> None:
    """Queue the dashboard's year of figures to be worked out again, unless a request is
    already on its way: of many managers opening the dashboard at once, one queues it."""
    now = timezone.now()
    DashboardFigure.objects.get_or_create(key=DASHBOARD_KEY)
    claimed = (
        DashboardFigure.objects.filter(key=DASHBOARD_KEY)
        .filter(Q(requested_at__isnull=True) | Q(requested_at__lt=now - FIGURES_REQUEST_LAPSES))
        .update(requested_at=now)
    )
    if claimed:
        dashboard_figures_refresh.enqueue()


@task()
def dashboard_figures_refresh() -> None:
    """Background: calls per week by type over the year, and the share from flagged callers
    over 90 days (both read a year or a quarter of the log)."""
    weeks, series = calls_per_week_by_type()
    flagged, total = flagged_share()
    DashboardFigure.objects.update_or_create(
        key=DASHBOARD_KEY,
        defaults={
            "value": {
                "weeks": [week.isoformat() for week in weeks],
                "series": series,
                "flagged": flagged,
                "total": total,
            },
            "computed_at": timezone.now(),
            "requested_at": None,
        },
    )
