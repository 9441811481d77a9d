"""Demo subject access requests: one due this week, one extended, one answered."""

from datetime import timedelta

from django.utils import timezone

from callers.models import Caller, SubjectAccessRequest
from callers.services.subject_access import (
    subject_access_complete,
    subject_access_extend,
    subject_access_request_log,
)


def seed_subject_access(manager) -> None:
    if SubjectAccessRequest.objects.exists():
        return
    callers = list(Caller.objects.filter(calls__isnull=False).distinct().order_by("pk")[:3])
    if len(callers) < 3:
        return
    today = timezone.localdate()
    subject_access_request_log(
        caller=callers[0],
        by=manager,
        received_on=today - timedelta(days=27),
        requester="caller",
        identity_verified_on=today - timedelta(days=25),
        identity_note="Letter came from the address we hold; signature matched.",
    )
    extended = subject_access_request_log(
        caller=callers[1],
        by=manager,
        received_on=today - timedelta(days=20),
        requester="representative",
        representative="A solicitor acting for them (signed authority received)",
    )
    subject_access_extend(
        sar=extended,
        by=manager,
        reason="Several requests at once, covering ten years of calls.",
        version=extended.version,
    )
    answered = subject_access_request_log(
        caller=callers[2],
        by=manager,
        received_on=today - timedelta(days=60),
        requester="caller",
        identity_verified_on=today - timedelta(days=58),
        identity_note="Asked on the phone for details only the caller would know.",
    )
    subject_access_complete(
        sar=answered,
        by=manager,
        completed_on=today - timedelta(days=40),
        version=answered.version,
    )
