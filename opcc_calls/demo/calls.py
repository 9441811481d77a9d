"""Realistic demo callers and calls for `seed_demo`: a few hundred callers over six months,
some calling many times a day, some weekly, most once or twice, taken by several staff; and
requests to speak to someone, and complaints handed to the complaints process."""

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
    ContactRequest,
    Language,
    StaffContact,
)
from callers.services.calls import call_log
from callers.services.contact_requests import contact_request_decide
from dmts.models import DmtsEntry
from dmts.services.complaints import complaint_handover_email, complaint_reference_record
from opcc_calls.demo.words import (
    ABOUTS,
    FIRST_NAMES,
    HQ_DEPARTMENTS,
    ORGANISATIONS,
    OUTCOMES,
    PUBLIC_TYPES,
    SURNAMES,
)

RECOGNISED = ["found", "remembered", "found", "said", "asked", ""]


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
        # How they were recognised (5.7), from the minute (not the generator: the rest of the
        # demo stays as it was); a sixth left unrecorded, as calls logged before it was asked.
        recognised=RECOGNISED[received_at.minute % len(RECOGNISED)],
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
    # Their languages from a generator of their own (the calls stay as they were): most
    # English, some Welsh, a few with an interpreter, some not asked yet.
    languages = random.Random(seed + 1)

    def language() -> dict:
        n = languages.random()
        if n < 0.12:
            return {"language": Language.WELSH}
        if n < 0.16:
            other = languages.choice(["Polish", "Arabic", "Urdu", "British Sign Language"])
            return {"language": Language.OTHER, "other_language": other, "interpreter_needed": True}
        return {"language": Language.ENGLISH} if n < 0.8 else {}

    def new_caller(**fields) -> Caller:
        while True:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
            if name not in used_names:
                used_names.add(name)
                break
        fields = language() | fields
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
            by=handler,
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
            complaint_handover_email.call(call.pk)  # the worker's job, done here at once
            if then:
                entry = DmtsEntry.objects.get(pk=call.pk)
                complaint_reference_record(
                    entry=entry, reference=then, by=compliance, version=entry.version
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
