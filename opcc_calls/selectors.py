"""Reads for the project's own records: the procedure's current version, whether someone still
has to acknowledge it, and who has."""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import caches

from opcc_calls.models import Procedure, ProcedureAcknowledgement, User

#: Where a person's session remembers the version they acknowledged (no query on their pages).
ACKNOWLEDGED_SESSION_KEY = "opcc:procedure:acknowledged"


def procedure_current() -> Procedure | None:
    """The version in force: the latest published (kept in each process's memory, a minute at
    most)."""
    return caches["local"].get_or_set(
        Procedure.CACHE_KEY,
        lambda: Procedure.objects.order_by("-published_at", "-pk").first(),
        Procedure.CACHE_SECONDS,
    )


def procedure_to_acknowledge(request) -> Procedure | None:
    """The current version if this person has not acknowledged it yet. Once they have, their
    session remembers it: their pages ask the database nothing until a new version comes."""
    if not request.user.is_authenticated:
        return None
    current = procedure_current()
    if current is None or request.session.get(ACKNOWLEDGED_SESSION_KEY) == current.pk:
        return None
    if ProcedureAcknowledgement.objects.filter(procedure=current, user=request.user).exists():
        request.session[ACKNOWLEDGED_SESSION_KEY] = current.pk
        return None
    return current


@dataclass(frozen=True)
class Reader:
    user: User
    acknowledged_at: datetime | None


def procedure_readers(procedure: Procedure) -> list[Reader]:
    """Every active member of staff and when they acknowledged this version (None: not yet),
    those still to do it first (two queries)."""
    when = dict(procedure.acknowledgements.values_list("user_id", "acknowledged_at"))
    staff = User.objects.filter(is_active=True).exclude(groups=None).distinct()
    readers = [Reader(user, when.get(user.pk)) for user in staff]
    return sorted(readers, key=lambda r: (r.acknowledged_at is not None, str(r.user)))
