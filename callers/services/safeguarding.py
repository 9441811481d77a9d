"""Concerns raised with managers, safeguarding referrals and risk words (policy 5.3b, 5.8i,
5.8j)."""

import logging
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from simple_history.utils import bulk_create_with_history

from callers.models import Call, Caller, Concern, ManagerAlert, Referral, RiskWord
from opcc_calls.background import SENT, email_or_retry
from opcc_calls.concurrency import locked_for_edit
from opcc_calls.history import save_with_history
from opcc_calls.models import User
from opcc_calls.permissions import staff_holding

logger = logging.getLogger(__name__)

REPEAT_MINUTES = 5

#: Written in the first person: each also matches any other person and the usual endings
#: ("kill myself" finds "killing himself"; see callers.selectors.safeguarding.risk_pattern).
DEFAULT_RISK_WORDS = [
    "suicide",
    "suicidal",
    "kill myself",
    "end my life",
    "take my own life",
    "want to end it",
    "end it all",
    "want to die",
    "overdose",
    "self-harm",
    "hurt myself",
    "harm myself",
    # Said without saying it (5.3b: a risk to life is not always put plainly).
    "won't be here tomorrow",
    "won't be around much longer",
    "no reason to live",
    "better off without me",
    "jump off * bridge",
    "jump in front of * train",
    # A risk to others.
    "harm * children",
    "hurt * children",
    "kill him",
    "hurt someone",
    "weapon",
    "knife",
    "gun",
    "bomb",
]


def risk_words_install() -> None:
    """A new installation's risk words; runs after every migrate and only fills what is
    empty, so managers' changes are never overwritten."""
    if not RiskWord.objects.exists():
        bulk_create_with_history(
            [RiskWord(word=w) for w in DEFAULT_RISK_WORDS],
            RiskWord,
            default_change_reason="Default risk words installed",
        )


def _managers_emails() -> list[str]:
    return list(staff_holding("callers.change_concern").values_list("email", flat=True))


@task()
def concern_email(concern_id: int, attempt: int = 1) -> str:
    """Background: tell managers a concern is waiting, and again later while the mail server
    will not take it. The email says only that: the detail stays in the system, behind the
    permission to see it."""
    return email_or_retry(
        concern_email,
        concern_id,
        attempt=attempt,
        subject=lambda: _("A concern about a caller has been raised"),
        template="callers/safeguarding/email/concern_raised.txt",
        context={"link": settings.SITE_URL + reverse("callers:concern", args=[concern_id])},
        to=_managers_emails(),
    )


def manager_alert_raise(*, by: User, token: uuid.UUID, call: Call | None = None) -> ManagerAlert:
    """ "Tell a manager now" (5.3b): record that the handler asked and queue the email to every
    manager. The same click sent twice (the same token) is kept, and emailed, once."""
    try:
        with transaction.atomic():
            alert = save_with_history(
                ManagerAlert(raised_by=by, token=token, call=call),
                user=by,
                checks_in_database=True,  # a token used before fails here, once, in the database
            )
            manager_alert_email.enqueue(alert.pk)  # queued with the record
    except IntegrityError:
        return ManagerAlert.objects.get(token=token)
    return alert


@task()
def manager_alert_email(alert_id: int, attempt: int = 1) -> str:
    """Background, at once: email managers that a handler needs one now. It names the member
    of staff and links the call if it is logged; nothing about the caller."""
    alert = ManagerAlert.objects.select_related("raised_by", "call").get(pk=alert_id)
    who = alert.raised_by.get_full_name() or alert.raised_by.username
    outcome = email_or_retry(
        manager_alert_email,
        alert_id,
        attempt=attempt,
        subject=lambda: _("Needed now: %(who)s is on a call about a risk to life") % {"who": who},
        template="callers/safeguarding/email/manager_needed.txt",
        context={
            "who": who,
            "at": alert.raised_at,
            "the_call": f"The call: {settings.SITE_URL}{alert.call.get_absolute_url()}"
            if alert.call
            else "The call is not logged yet.",
        },
        to=_managers_emails(),
    )
    if outcome == SENT:
        alert.emailed_at = timezone.now()
        save_with_history(alert, user=None, reason="Emailed to every manager")
    return outcome


@transaction.atomic
def concern_raise(
    *, caller: Caller, by: User, kind: str, noticed: str, call: Call | None = None
) -> Concern:
    """Any handler raises a concern about a caller with their manager (5.8i, 5.8j). The same
    concern sent twice in a row (a double click) is kept once."""
    Caller.objects.select_for_update().filter(pk=caller.pk).first()  # one at a time per caller
    repeat = Concern.objects.filter(
        caller=caller,
        raised_by=by,
        kind=kind,
        noticed=noticed.strip(),
        raised_at__gte=timezone.now() - timedelta(minutes=REPEAT_MINUTES),
    ).first()
    if repeat:
        return repeat
    concern = Concern(caller=caller, raised_by=by, kind=kind, noticed=noticed.strip(), call=call)
    save_with_history(concern, user=by)
    concern_email.enqueue(concern.pk)  # queued with the concern
    return concern


@transaction.atomic
def concern_decide(
    *,
    concern: Concern,
    by: User,
    decision: str,
    version: int,
    handling: str = "",
    close: bool = False,
) -> Concern:
    """A manager records what was decided about a concern; refuses a decision made on a page
    opened before another manager saved theirs (StaleEdit)."""
    if not by.has_perm("callers.change_concern"):
        raise PermissionDenied
    if not decision.strip():
        raise ValidationError({"decision": _("Record what you decided.")})
    concern = locked_for_edit(Concern, concern.pk, version)
    concern.decision, concern.handling = decision.strip(), handling.strip()
    concern.decided_by = by
    if close and concern.closed_at is None:
        concern.closed_at = timezone.now()
    return save_with_history(
        concern, user=by, reason="Decided and closed" if close else "Decision recorded"
    )


@transaction.atomic
def referral_record(
    *,
    caller: Caller,
    by: User,
    referred_to: str,
    lawful_basis: str,
    consent: str,
    referred_on: date | None = None,
    other_body: str = "",
    their_reference: str = "",
    outcome: str = "",
    concern: Concern | None = None,
) -> Referral:
    """A manager records a referral to the force or a safeguarding body (5.3b), with the
    lawful basis and whether the caller consented."""
    if not by.has_perm("callers.add_referral"):
        raise PermissionDenied
    referral = Referral(
        caller=caller,
        made_by=by,
        referred_to=referred_to,
        other_body=other_body,
        referred_on=referred_on or timezone.localdate(),
        their_reference=their_reference,
        lawful_basis=lawful_basis,
        consent=consent,
        outcome=outcome,
        concern=concern,
    )
    if referral.referred_to == Referral.Body.OTHER and not referral.other_body.strip():
        raise ValidationError({"other_body": _("Say who the referral went to.")})
    return save_with_history(referral, user=by)


@transaction.atomic
def referral_outcome(
    *, referral: Referral, by: User, outcome: str, their_reference: str, version: int
) -> Referral:
    """Record what came of a referral; refuses a page opened before someone else saved."""
    if not by.has_perm("callers.change_referral"):
        raise PermissionDenied
    referral = locked_for_edit(Referral, referral.pk, version)
    referral.outcome, referral.their_reference = outcome.strip(), their_reference.strip()
    return save_with_history(referral, user=by, reason="Outcome recorded")
