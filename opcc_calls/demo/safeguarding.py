"""Demo concerns about vulnerability, and a safeguarding referral."""

from callers.models import (
    Caller,
    CallerPhone,
    Concern,
    Referral,
)
from callers.services.safeguarding import concern_decide, concern_raise, referral_record


def seed_safeguarding(*, manager, handler) -> None:
    """A concern waiting for a manager, one decided with a referral, and a likely duplicate."""
    if Concern.objects.exists():
        return
    frequent = list(Caller.objects.filter(flags__isnull=False).distinct()[:2])
    if len(frequent) < 2:
        return
    concern_raise(
        caller=frequent[0],
        by=handler,
        kind=Concern.Kind.MENTAL_HEALTH,
        noticed="Sounded confused about dates and said nobody ever calls back.",
    )
    decided = concern_raise(
        caller=frequent[1],
        by=handler,
        kind=Concern.Kind.RISK_TO_CALLER,
        noticed="Said they were not coping since a bereavement.",
    )
    concern_decide(
        concern=decided,
        by=manager,
        version=decided.version,
        close=True,
        decision="Spoke to adult social care, who already support them.",
        handling="Be patient; offer the Samaritans' number if they are upset.",
    )
    referral_record(
        caller=frequent[1],
        by=manager,
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
