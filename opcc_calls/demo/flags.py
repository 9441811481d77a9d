"""Demo flags with their agreed responses, SMT and Silver meetings, letters and an appeal."""

from datetime import timedelta

from django.utils import timezone

from callers.models import (
    Caller,
    Flag,
    Letter,
    Meeting,
)
from callers.selectors.rules import candidate_ids
from callers.services.flags import flag_create
from callers.services.follow_ups import follow_up_add
from callers.services.letters import appeal_record, letter_sent, letter_write
from callers.services.meetings import meeting_decide, meeting_open, meeting_record
from callers.services.rules import matches_refresh
from dmts.services.follow_ups import follow_ups_gather
from opcc_calls.demo.words import AGREED_RESPONSES
from opcc_calls.history import save_with_history


def seed_flags_and_meetings(manager) -> int:
    """Work out candidates, flag a few of them as agreed at a past SMT meeting (one now
    overdue for review), and record the Silver meetings since. Returns flags created."""
    if Flag.objects.exists():
        return 0
    matches_refresh()
    today = timezone.localdate()
    smt = meeting_open(kind=Meeting.Kind.SMT, day=today - timedelta(days=21), by=manager)
    flagged = 0
    for item, response in zip(
        smt.items.order_by("-counts__calls_90d", "pk")[:4], AGREED_RESPONSES, strict=False
    ):
        kind = "frequent" if any("Frequent" in r for r in item.reasons) else "regular"
        meeting_decide(
            item=item,
            by=manager,
            decision="flag",
            kind=kind,
            agreed_response=response,
            note="Agreed at SMT",
        )
        flagged += 1
    # One flag agreed long ago, now overdue for review.
    older = [pk for pk in candidate_ids() if not Flag.objects.filter(caller_id=pk).exists()]
    if older:
        flag_create(
            caller=Caller.objects.get(pk=older[0]),
            by=manager,
            kind="regular",
            reason="Agreed before the system was in use",
            agreed_response=AGREED_RESPONSES[2],
            # Contact arrangements (5.6): one person, set times, in writing.
            single_point_of_contact=manager,
            contact_times="Tuesdays and Thursdays, 10:00 to 12:00",
            written_contact_only=True,
            flagged_at=timezone.now() - timedelta(days=200),
            review_date=today - timedelta(days=17),
        )
        flagged += 1
    for agreed in Flag.objects.filter(meeting=smt):  # at the SMT meeting three weeks ago
        agreed.flagged_at = timezone.now() - timedelta(days=21)
        save_with_history(agreed, user=None, reason="Demo: agreed at the SMT meeting")
    # The last fortnightly Silver meeting; today's is left for the demo user to open.
    meeting_open(kind=Meeting.Kind.SILVER, day=today - timedelta(weeks=2), by=manager)
    return flagged


def seed_letters_and_appeals(*, manager, compliance) -> None:
    """The flag with contact arrangements: the notice sent to the caller by post, and the
    caller's appeal waiting for a manager other than the one who flagged them."""
    restricted = Flag.objects.active().filter(written_contact_only=True).first()
    if restricted is None or restricted.letters.exists():
        return
    letter = letter_write(
        flag=restricted,
        by=manager,
        kind=Letter.Kind.NOTICE,
        reason=(
            "You have telephoned us many times a week about the same matter, and each time "
            "reached a different member of staff. One person answering you in writing means "
            "you get one consistent answer."
        ),
    )
    letter_sent(
        letter=letter,
        by=manager,
        sent_on=timezone.localdate(),
        sent_how=Letter.Sent.POST,
        version=letter.version,
    )
    appeal_record(
        flag=restricted,
        by=compliance,
        received_on=timezone.localdate(),
        grounds=(
            "Letter received: they say written contact is hard for them because of their "
            "eyesight, and ask to be able to telephone at the set times."
        ),
    )


def seed_meeting_record(*, manager, handler) -> None:
    """The last Silver meeting's record, with an action for the handler still open (it shows
    on their home page and carries to the next meeting), and the Follow-ups queue gathered."""
    last = Meeting.objects.filter(kind=Meeting.Kind.SILVER).first()
    if last is None or last.attendees:
        return
    meeting_record(
        meeting=last,
        by=manager,
        attendees="Business and Compliance Manager\nCompliance Officer\nHead of Communications",
        apologies="Chief Executive",
        minutes=(
            "Frequent callers reviewed. Calls from flagged callers have fallen since the "
            "flags; one caller's contact arrangements to be explained to them in writing."
        ),
        version=last.version,
    )
    flagged = Flag.objects.active().order_by("pk").first()
    follow_up_add(
        by=manager,
        meeting=last,
        what="Check the single point of contact has written back to the caller",
        owner=handler,
        due_on=timezone.localdate() + timedelta(days=3),
        caller=flagged.caller if flagged else None,
    )
    follow_ups_gather()
