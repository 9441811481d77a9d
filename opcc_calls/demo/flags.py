"""Demo flags with their agreed responses, SMT and Silver meetings, letters and an appeal."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from callers.models import (
    Call,
    Caller,
    Flag,
    Language,
    Letter,
    Letterhead,
    LetterLanguage,
    Meeting,
)
from callers.models.flags import default_review_date
from callers.selectors.letters import in_a_sentence
from callers.selectors.rules import candidate_ids
from callers.services.flags import flag_change_arrangements, flag_create
from callers.services.follow_ups import follow_up_add
from callers.services.letters import appeal_record, letter_sent, letter_write, letterhead_save
from callers.services.meetings import (
    meeting_decide,
    meeting_open,
    meeting_record,
    meetings_prepare,
)
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
    # One flag agreed long ago, before the office used the system and so before the SMT
    # meeting below (which therefore does not list her as a candidate): overdue for review.
    flagged = 0
    older = [pk for pk in candidate_ids() if not Flag.objects.filter(caller_id=pk).exists()]
    if older:
        flag_create(
            caller=Caller.objects.get(pk=older[0]),
            by=manager,
            kind="regular",
            reason="Agreed before the system was in use",
            agreed_response=AGREED_RESPONSES[2],
            # Contact arrangements (5.6): one person, in writing.
            single_point_of_contact=manager,
            written_contact_only=True,
            flagged_at=timezone.now() - timedelta(days=150),
            review_date=today - timedelta(days=17),
        )
        flagged += 1
    smt = meeting_open(kind=Meeting.Kind.SMT, day=today - timedelta(days=21), by=manager)
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
    for agreed in Flag.objects.filter(meeting=smt):  # at the SMT meeting three weeks ago
        agreed.flagged_at = timezone.now() - timedelta(days=21)
        agreed.review_date = default_review_date() - timedelta(days=21)  # six months on
        # The calls that led to it as they stood then, not as they stand now.
        agreed.counts_at_flag = Call.objects.for_caller(agreed.caller).window_counts(
            now=agreed.flagged_at
        )
        save_with_history(agreed, user=None, reason="Demo: agreed at the SMT meeting")
    # The last fortnightly Silver meeting, thirteen days ago; the next, tomorrow, is opened
    # as the daily `prepare_meetings` opens it, with its agenda and the managers reminded.
    meeting_open(kind=Meeting.Kind.SILVER, day=today - timedelta(days=13), by=manager)
    meetings_prepare(today=today)
    return flagged


def seed_letters_and_appeals(*, manager, compliance) -> None:
    """The office's letterhead; a flag agreed at the SMT meeting given contact arrangements
    (one person, set times), the notice of them sent to the caller by post, and the caller's
    appeal waiting for a manager other than the one who flagged them. Their eyesight asks for
    large print, which their letters are offered in first."""
    if not Letterhead.objects.exists():
        letterhead_save(
            by=manager,
            name=settings.OFFICE_NAME,
            name_in_sentence=in_a_sentence(settings.OFFICE_NAME),
            address="Police Headquarters\n1 Example Way\nAnytown\nAN1 2CD",
            telephone="+443001234567",
            email="opcc@example.org",
            web="https://opcc.example.org",
            welsh_name="Swyddfa Comisiynydd yr Heddlu a Throseddu",
            welsh_name_in_sentence="Swyddfa Comisiynydd yr Heddlu a Throseddu",
            version=1,
            reason="Demo: the office's letterhead",
        )
    agreed = Flag.objects.active().filter(meeting__isnull=False).order_by("pk").first()
    if agreed is None or agreed.letters.exists():
        return
    restricted = flag_change_arrangements(
        flag=agreed,
        by=manager,
        single_point_of_contact=manager,
        contact_times="Tuesdays and Thursdays, 10:00 to 12:00",
        written_contact_only=False,
        reason="Agreed at the SMT meeting: one person, at set times",
        version=agreed.version,
    )
    caller = restricted.caller
    caller.postal_address = caller.postal_address or "12 Sample Road\nAnytown\nAN3 4EF"
    caller.reasonable_adjustments = "Sight loss: letters in large print, read back on request."
    caller.large_print = True
    # A Welsh speaker: their letters in Welsh and English, the Welsh first.
    caller.language, caller.letter_language = Language.WELSH, LetterLanguage.BILINGUAL
    save_with_history(caller, user=manager, reason="Demo: their address and adjustments")
    letter = letter_write(
        flag=restricted,
        by=manager,
        kind=Letter.Kind.NOTICE,
        reason=(
            "You have telephoned us many times a week about the same matter, and each time "
            "reached a different member of staff. One person answering you, at set times, "
            "means you get one consistent answer."
        ),
        welsh_reason=(
            "Rydych wedi ffonio ni lawer gwaith yr wythnos am yr un mater, ac wedi cyrraedd "
            "aelod gwahanol o staff bob tro. Mae un person yn eich ateb, ar adegau penodol, yn "
            "golygu eich bod yn cael un ateb cyson."
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
            "Letter received: they say the set times are hard for them because of their "
            "hospital appointments, and ask to be able to telephone on Fridays as well."
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
