"""Realistic demo callers and calls for `seed_demo`: a few hundred callers over six months,
some calling many times a day, some weekly, most once or twice, taken by several staff."""

import random
import uuid
from datetime import datetime, timedelta

from django.db.models import Count, Max, Min
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from callers.models import (
    Call,
    Caller,
    CallerActivity,
    CallerPhone,
    Concern,
    ContactRequest,
    Flag,
    Letter,
    Meeting,
    Referral,
    StaffContact,
)
from callers.selectors.rules import candidate_ids
from callers.services.calls import call_log
from callers.services.contact_requests import contact_request_decide
from callers.services.flags import flag_create
from callers.services.letters import appeal_record, letter_sent, letter_write
from callers.services.meetings import meeting_decide, meeting_open, meeting_record
from callers.services.rules import matches_refresh
from callers.services.safeguarding import concern_decide, concern_raise, referral_record
from dmts.models import DmtsEntry
from dmts.services import (
    complaint_handover_send,
    complaint_reference_record,
    follow_up_add,
    follow_ups_gather,
)

FIRST_NAMES = [
    "Aisha",
    "Alan",
    "Amir",
    "Amy",
    "Andrew",
    "Angela",
    "Anthony",
    "Barbara",
    "Ben",
    "Bernard",
    "Carol",
    "Chloe",
    "Christine",
    "Colin",
    "Connor",
    "Daniel",
    "Darren",
    "Deborah",
    "Dennis",
    "Diane",
    "Dorothy",
    "Edward",
    "Eileen",
    "Emily",
    "Fatima",
    "Frank",
    "Gary",
    "Gemma",
    "George",
    "Gurpreet",
    "Hannah",
    "Harry",
    "Helen",
    "Ian",
    "Imran",
    "Jack",
    "Jacqueline",
    "Jane",
    "Janet",
    "Jason",
    "Jean",
    "John",
    "Jon",
    "Joyce",
    "Julie",
    "Karen",
    "Kevin",
    "Kieran",
    "Laura",
    "Leanne",
    "Lee",
    "Lesley",
    "Linda",
    "Lorraine",
    "Malcolm",
    "Margaret",
    "Mark",
    "Mary",
    "Michael",
    "Mohammed",
    "Nathan",
    "Neil",
    "Nicola",
    "Norman",
    "Olivia",
    "Patricia",
    "Paul",
    "Pauline",
    "Peter",
    "Priya",
    "Rachel",
    "Raymond",
    "Rebecca",
    "Richard",
    "Rita",
    "Robert",
    "Roger",
    "Ruth",
    "Ryan",
    "Sandra",
    "Sarah",
    "Sean",
    "Sharon",
    "Shirley",
    "Simon",
    "Sophie",
    "Stephen",
    "Stuart",
    "Susan",
    "Terry",
    "Thomas",
    "Tracey",
    "Trevor",
    "Valerie",
    "Wayne",
    "Yvonne",
    "Zainab",
]
SURNAMES = [
    "Adams",
    "Ahmed",
    "Ali",
    "Allen",
    "Atkinson",
    "Bailey",
    "Baker",
    "Barker",
    "Bell",
    "Bennett",
    "Begum",
    "Bibi",
    "Brown",
    "Butler",
    "Campbell",
    "Carter",
    "Chapman",
    "Clark",
    "Clarke",
    "Collins",
    "Cook",
    "Cooper",
    "Cox",
    "Davies",
    "Davis",
    "Dawson",
    "Edwards",
    "Ellis",
    "Evans",
    "Fisher",
    "Fletcher",
    "Foster",
    "Gibson",
    "Graham",
    "Gray",
    "Green",
    "Griffiths",
    "Hall",
    "Harris",
    "Harrison",
    "Hill",
    "Holmes",
    "Hughes",
    "Hussain",
    "Jackson",
    "James",
    "Jenkins",
    "Johnson",
    "Jones",
    "Kaur",
    "Kelly",
    "Khan",
    "King",
    "Knight",
    "Lee",
    "Lewis",
    "Lloyd",
    "Marshall",
    "Martin",
    "Mason",
    "Matthews",
    "Miller",
    "Mitchell",
    "Moore",
    "Morgan",
    "Morris",
    "Murphy",
    "Owen",
    "Palmer",
    "Parker",
    "Patel",
    "Pearson",
    "Phillips",
    "Price",
    "Richards",
    "Roberts",
    "Robinson",
    "Rogers",
    "Russell",
    "Scott",
    "Shaw",
    "Simpson",
    "Singh",
    "Smith",
    "Stevens",
    "Taylor",
    "Thomas",
    "Thompson",
    "Turner",
    "Walker",
    "Ward",
    "Watson",
    "White",
    "Wilkinson",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
]
ORGANISATIONS = [
    ("Brightline Office Supplies", "printer toner and paper"),
    ("Cloudwise IT Solutions", "managed IT support"),
    ("Greenleaf Energy", "a business energy contract"),
    ("Apex Recruitment", "temporary staff"),
    ("SafeStreet CCTV", "CCTV for public spaces"),
    ("Civic Events Ltd", "a stand at a community safety conference"),
]
ABOUTS = {
    Call.Type.ENQUIRY: [
        "Asked how to report anti-social behaviour on their estate.",
        "Wanted to know when the Commissioner's next public meeting is.",
        "Asked about funding for a neighbourhood watch scheme.",
        "Asked how the police precept on council tax is spent.",
        "Wanted an update on a crime they reported to the police.",
        "Asked how to get a copy of the Police and Crime Plan.",
    ],
    Call.Type.COMPLAINT: [
        "Unhappy with how officers dealt with a noise complaint.",
        "Complained that nobody called back about a burglary report.",
        "Complaint about the conduct of an officer at a traffic stop.",
    ],
    Call.Type.COMMISSIONER: [
        "Wants to speak to the Commissioner personally about speeding in the village.",
        "Asked to speak to the Commissioner about a long-running neighbour dispute.",
    ],
    Call.Type.NAMED_PERSON: [
        "Asked to speak to the Chief Executive about a letter they received.",
        "Wanted the communications team about a press article.",
    ],
    Call.Type.POLICE_HQ: [
        "Wanted to speak to the officer in charge of their case.",
        "Asked to be put through to the firearms licensing team.",
        "Wanted lost property at police headquarters.",
    ],
    Call.Type.OTHER: [
        "Called to say they had already emailed and wanted to check it arrived.",
        "Wrong number: was trying to reach the council.",
    ],
}
OUTCOMES = [
    "Explained the options and gave the published contact details.",
    "Took details; will be logged for the Compliance Officer.",
    "Caller was satisfied with the information given.",
    "Signposted to the force's online reporting.",
    "Caller ended the call.",
]
HQ_DEPARTMENTS = ["Professional Standards", "Firearms Licensing", "Lost Property", "Control Room"]
PUBLIC_TYPES = [Call.Type.ENQUIRY] * 6 + [
    Call.Type.COMPLAINT,
    Call.Type.POLICE_HQ,
    Call.Type.POLICE_HQ,
    Call.Type.OTHER,
    Call.Type.COMMISSIONER,
]


def _office_hours(rng: random.Random, day: datetime) -> datetime:
    return day.replace(
        hour=rng.randint(8, 17), minute=rng.randint(0, 59), second=rng.randint(0, 59), microsecond=0
    )


def _call(rng, caller, handlers, received_at, call_type=None) -> Call:
    call_type = call_type or rng.choice(PUBLIC_TYPES)
    call = Call(
        caller=caller,
        handler=rng.choice(handlers),
        received_at=received_at,
        ended_at=received_at + timedelta(minutes=rng.randint(2, 25)),
        call_type=call_type,
        about=rng.choice(ABOUTS.get(call_type, ABOUTS[Call.Type.ENQUIRY])),
        outcome=rng.choice(OUTCOMES),
        identity_check=rng.choice(Call.IdentityCheck.values),
        logged_at=received_at,
    )
    if call_type == Call.Type.COMPLAINT:
        call.complaint_status = rng.choice(Call.ComplaintStatus.values)
    if call_type == Call.Type.POLICE_HQ:
        call.police_department = rng.choice(HQ_DEPARTMENTS)
        call.published_route_given = True
    if call_type == Call.Type.COMMISSIONER:
        call.call_type = Call.Type.ENQUIRY  # demo contact requests are left to real use
    return call


def seed_callers_and_calls(handlers: list, *, seed: int = 2015) -> tuple[int, int]:
    """Create the demo callers and calls once; returns (callers, calls) created."""
    if Caller.objects.exists():
        return 0, 0
    rng = random.Random(seed)
    now = timezone.localtime()
    start = now - timedelta(days=182)
    callers, phones, calls = [], [], []
    used_names = set()
    # Ofcom's numbers for drama (020 7946 0000 to 0999): never a real person's.
    numbers = iter(rng.sample(range(1000), 1000))

    def new_caller(**fields) -> Caller:
        while True:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
            if name not in used_names:
                used_names.add(name)
                break
        caller = Caller(full_name=fields.pop("full_name", name), created_at=start, **fields)
        callers.append(caller)
        phones.append(
            CallerPhone(caller=caller, number=f"+442079460{next(numbers):03d}", created_at=start)
        )
        return caller

    plans = []
    for _ in range(15):  # frequent: bursts of several calls a day
        caller = new_caller(
            reasonable_adjustments=rng.choice(
                ["", "Speak slowly and summarise what was agreed.", "Prefers written contact."]
            )
        )
        plans.append((caller, "burst"))
    for _ in range(30):  # regular: about weekly
        plans.append((new_caller(), "weekly"))
    for org, selling in ORGANISATIONS:  # sales and marketing
        plans.append((new_caller(other_names=org), ("sales", org, selling)))
    for _ in range(250):  # most people call once or twice
        plans.append((new_caller(), "occasional"))

    for caller, plan in plans:
        if plan == "burst":
            for _ in range(rng.randint(25, 45)):
                day = start + timedelta(days=rng.randint(0, 181))
                for _ in range(rng.randint(2, 7)):
                    calls.append(_call(rng, caller, handlers, _office_hours(rng, day)))
        elif plan == "weekly":
            day = start + timedelta(days=rng.randint(0, 6))
            while day < now - timedelta(hours=1):
                calls.append(_call(rng, caller, handlers, _office_hours(rng, day)))
                day += timedelta(days=rng.randint(5, 10))
        elif isinstance(plan, tuple):
            _, org, selling = plan
            for _ in range(rng.randint(1, 3)):
                day = start + timedelta(days=rng.randint(0, 181))
                call = _call(rng, caller, handlers, _office_hours(rng, day), Call.Type.SALES)
                call.organisation, call.selling = org, selling
                call.about = f"Sales call from {org} about {selling}."
                calls.append(call)
        else:
            for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
                day = start + timedelta(days=rng.randint(0, 181))
                calls.append(_call(rng, caller, handlers, _office_hours(rng, day)))

    calls = [c for c in calls if c.received_at <= now]
    bulk_create_with_history(callers, Caller, batch_size=500)
    for phone in phones:
        phone.caller_id = phone.caller.pk
    bulk_create_with_history(phones, CallerPhone, batch_size=500)
    for call in calls:
        call.caller_id = call.caller.pk
    bulk_create_with_history(calls, Call, batch_size=1000)
    rebuild_caller_activity()
    return len(callers), len(calls)


def rebuild_caller_activity() -> int:
    """Recompute every caller's running counters from the log (one aggregate query)."""
    CallerActivity.objects.all().delete()
    rows = Caller.objects.annotate(
        n=Count("calls"), first=Min("calls__received_at"), last=Max("calls__received_at")
    ).values_list("pk", "n", "first", "last")
    activity = [
        CallerActivity(caller_id=pk, calls_total=n, first_call_at=first, last_call_at=last)
        for pk, n, first, last in rows
    ]
    CallerActivity.objects.bulk_create(activity, batch_size=1000)
    return len(activity)


AGREED_RESPONSES = [
    "Listen, log the call and tell them their concern has been passed to their single point "
    "of contact, who will reply in writing within five working days. Do not give new answers "
    "on the phone.",
    "Keep calls to ten minutes. Remind them they can write to the office. If they ask for the "
    "Commissioner, take details and email the Chief Executive's office; do not promise a call.",
    "Signpost to the force's online reporting and the victims' service. Log the call; the "
    "Compliance Officer replies to any new issue in writing.",
    "They are being supported by adult social care: be patient, speak slowly and summarise "
    "what was agreed. Pass any new concern to the Business and Compliance Manager.",
]


def seed_flags_and_meetings(manager) -> int:
    """Work out candidates, flag a few of them as agreed at a past SMT meeting (one now
    overdue for review), and record the Silver meetings since. Returns flags created."""
    if Flag.objects.exists():
        return 0
    matches_refresh()
    today = timezone.localdate()
    smt = meeting_open(kind=Meeting.Kind.SMT, day=today - timedelta(days=21), created_by=manager)
    flagged = 0
    for item, response in zip(
        smt.items.order_by("-counts__calls_90d", "pk")[:4], AGREED_RESPONSES, strict=False
    ):
        kind = "frequent" if any("Frequent" in r for r in item.reasons) else "regular"
        meeting_decide(
            item=item,
            decided_by=manager,
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
            flagged_by=manager,
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
    Flag.objects.filter(meeting=smt).update(flagged_at=timezone.now() - timedelta(days=21))
    # The last fortnightly Silver meeting; today's is left for the demo user to open.
    meeting_open(kind=Meeting.Kind.SILVER, day=today - timedelta(weeks=2), created_by=manager)
    return flagged


def seed_letters_and_appeals(*, manager, compliance) -> None:
    """The flag with contact arrangements: the notice sent to the caller by post, and the
    caller's appeal waiting for a manager other than the one who flagged them."""
    restricted = Flag.objects.active().filter(written_contact_only=True).first()
    if restricted is None or restricted.letters.exists():
        return
    letter = letter_write(
        flag=restricted,
        written_by=manager,
        kind=Letter.Kind.NOTICE,
        reason=(
            "You have telephoned us many times a week about the same matter, and each time "
            "reached a different member of staff. One person answering you in writing means "
            "you get one consistent answer."
        ),
    )
    letter_sent(
        letter=letter,
        sent_by=manager,
        sent_on=timezone.localdate(),
        sent_how=Letter.Sent.POST,
        version=letter.version,
    )
    appeal_record(
        flag=restricted,
        recorded_by=compliance,
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
        changed_by=manager,
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
        created_by=manager,
        meeting=last,
        what="Check the single point of contact has written back to the caller",
        owner=handler,
        due_on=timezone.localdate() + timedelta(days=3),
        caller=flagged.caller if flagged else None,
    )
    follow_ups_gather()


def seed_safeguarding(*, manager, handler) -> None:
    """A concern waiting for a manager, one decided with a referral, and a likely duplicate."""
    if Concern.objects.exists():
        return
    frequent = list(Caller.objects.filter(flags__isnull=False).distinct()[:2])
    if len(frequent) < 2:
        return
    concern_raise(
        caller=frequent[0],
        raised_by=handler,
        kind=Concern.Kind.MENTAL_HEALTH,
        noticed="Sounded confused about dates and said nobody ever calls back.",
    )
    decided = concern_raise(
        caller=frequent[1],
        raised_by=handler,
        kind=Concern.Kind.RISK_TO_CALLER,
        noticed="Said they were not coping since a bereavement.",
    )
    concern_decide(
        concern=decided,
        decided_by=manager,
        version=decided.version,
        close=True,
        decision="Spoke to adult social care, who already support them.",
        handling="Be patient; offer the Samaritans' number if they are upset.",
    )
    referral_record(
        caller=frequent[1],
        made_by=manager,
        concern=decided,
        referred_to=Referral.Body.ADULT_SOCIAL_CARE,
        their_reference="ASC-2026-114",
        lawful_basis=Referral.LawfulBasis.VITAL_INTERESTS,
        consent=Referral.Consent.YES,
        outcome="Social worker visited.",
    )
    # Someone logged twice under a different spelling, sharing a number.
    original = Caller.objects.filter(flags__isnull=True, calls__isnull=False).first()
    if original:
        twin = Caller.objects.create(
            full_name=original.full_name.replace("a", "e", 1), created_at=original.created_at
        )
        CallerPhone.objects.create(caller=twin, number=original.phones.first().number)


def seed_requests_and_complaints(*, handler, compliance) -> int:
    """This week's calls logged through the log-a-call service, as a handler would: a request
    to speak to the Commissioner and one to a named person, each decided; a complaint handed to
    the complaints process with the complaints team's reference; another still going. Returns
    calls logged (none when they are there already)."""
    if ContactRequest.objects.exists():
        return 0
    people = list(
        Caller.objects.current().filter(flags__isnull=True, calls__isnull=False).distinct()[:4]
    )
    now = timezone.now()
    commissioner = StaffContact.objects.filter(is_commissioner=True).first()
    named = StaffContact.objects.filter(is_commissioner=False, user__isnull=True).first()
    plans = [
        (
            Call.Type.COMMISSIONER,
            {"requested": commissioner, "request_reason": "Wants to discuss the police budget."},
            "Wants to speak to the Commissioner about the police budget.",
            ContactRequest.Decision.WILL_CALL_BACK,
        ),
        (
            Call.Type.NAMED_PERSON,
            {"requested": named, "request_reason": "About a letter she received."},
            "Asked to speak to the Chief Executive about a letter.",
            ContactRequest.Decision.WILL_NOT_CALL_BACK,
        ),
        (
            Call.Type.COMPLAINT,
            {"complaint_status": Call.ComplaintStatus.REFERRED},
            "Complained that her report of noise was not followed up.",
            "CMP/2026/0042",
        ),
        (
            Call.Type.COMPLAINT,
            {"complaint_status": Call.ComplaintStatus.REFERRED},
            "Unhappy with how long a reply to his letter has taken.",
            "",
        ),
    ]
    logged = 0
    for caller, (call_type, details, about, then) in zip(people, plans, strict=False):
        call = call_log(
            handler=handler,
            submission_token=uuid.uuid4(),
            caller=caller,
            call_type=call_type,
            about=about,
            outcome="Took the details and explained what happens next.",
            identity_check=Call.IdentityCheck.CHECKED,
            received_at=now - timedelta(days=2 - logged % 3, hours=logged),
            **details,
        ).call
        logged += 1
        if call_type == Call.Type.COMPLAINT:
            complaint_handover_send.call(call.pk)  # the worker's job, done here at once
            if then:
                entry = DmtsEntry.objects.get(pk=call.pk)
                complaint_reference_record(
                    entry=entry, reference=then, recorded_by=compliance, version=entry.version
                )
        else:
            contact_request_decide(
                contact_request=call.contact_request,
                decision=then,
                note="Will ring back on Friday morning."
                if then == ContactRequest.Decision.WILL_CALL_BACK
                else "",
            )
    return logged
