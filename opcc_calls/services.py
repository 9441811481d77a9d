"""Writes for the project's own records: the office's sign-in policy, resetting a lost
second factor, and the procedure's versions and who has read them."""

from datetime import date

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from opcc_calls.history import save_with_history
from opcc_calls.models import Procedure, ProcedureAcknowledgement, SecurityPolicy, User


@transaction.atomic
def security_policy_set(*, by: User, require_second_factor: bool, reason: str) -> SecurityPolicy:
    """Require a second factor of everyone, or stop requiring it; the reason goes in history."""
    if not by.has_perm("opcc_calls.change_securitypolicy"):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, for the record.")})
    policy = SecurityPolicy.objects.select_for_update().get_or_create(pk=1)[0]
    policy.require_second_factor = require_second_factor
    return save_with_history(policy, user=by, reason=reason.strip())


@transaction.atomic
def second_factor_reset(*, person: User, by: User, reason: str) -> int:
    """An administrator removes every second factor of someone who lost theirs (their phone,
    their key); they set up a new one at their next sign-in. Recorded in their history with
    who did it and why. Returns how many authenticators were removed."""
    if not by.has_perm("opcc_calls.reset_second_factor"):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, for the record.")})
    removed, _by_kind = Authenticator.objects.filter(user=person).delete()
    person = User.objects.select_for_update().get(pk=person.pk)
    save_with_history(
        person, user=by, reason=f"Second factor reset by an administrator: {reason.strip()}"
    )
    return removed


@transaction.atomic
def procedure_publish(
    *, by: User, version: str, text: str, changes: str, review_date: date
) -> Procedure:
    """Publish a new version of the procedure (SOP 6.1): it becomes the current one, and every
    member of staff is asked to acknowledge it."""
    if not by.has_perm("opcc_calls.publish_procedure"):
        raise PermissionDenied
    procedure = Procedure(
        version=version.strip(),
        text=text,
        changes=changes.strip(),
        review_date=review_date,
        published_by=by,
    )
    return save_with_history(procedure, user=by, reason=f"Version {version} published")


def procedure_acknowledge(*, by: User, procedure: Procedure) -> ProcedureAcknowledgement:
    """Record that someone has read this version; saying so twice records it once."""
    try:
        with transaction.atomic():
            return ProcedureAcknowledgement.objects.create(user=by, procedure=procedure)
    except IntegrityError:
        return ProcedureAcknowledgement.objects.get(user=by, procedure=procedure)


@transaction.atomic
def staff_language_set(*, person: User, language: str) -> None:
    """The interface's language a member of staff chose, kept on their account (with history)
    so it follows them to every computer. The account is read afresh under a lock: `person`
    is as the request found it, and saving that would undo what an administrator changed
    meanwhile (their roles' email address, or the account made inactive)."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Not a language this interface is in.")})
    account = User.objects.select_for_update().get(pk=person.pk)
    if account.language != language:
        account.language = language
        save_with_history(account, user=person, reason="Chose the interface's language")
    person.language = language
