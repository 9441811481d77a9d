"""Writes for the project's own records: the office's sign-in policy, and resetting a lost
second factor."""

from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from opcc_calls.history import save_with_history
from opcc_calls.models import SecurityPolicy, User


@transaction.atomic
def security_policy_set(*, changed_by, require_second_factor: bool, reason: str) -> SecurityPolicy:
    """Require a second factor of everyone, or stop requiring it; the reason goes in history."""
    if not changed_by.has_perm("opcc_calls.change_securitypolicy"):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Say why, for the record."})
    policy = SecurityPolicy.objects.select_for_update().get_or_create(pk=1)[0]
    policy.require_second_factor = require_second_factor
    return save_with_history(policy, user=changed_by, reason=reason.strip())


@transaction.atomic
def second_factor_reset(*, user: User, reset_by, reason: str) -> int:
    """An administrator removes every second factor of someone who lost theirs (their phone,
    their key); they set up a new one at their next sign-in. Recorded in their history with
    who did it and why. Returns how many authenticators were removed."""
    if not reset_by.has_perm("opcc_calls.reset_second_factor"):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Say why, for the record."})
    removed, _ = Authenticator.objects.filter(user=user).delete()
    user = User.objects.select_for_update().get(pk=user.pk)
    save_with_history(
        user, user=reset_by, reason=f"Second factor reset by an administrator: {reason.strip()}"
    )
    return removed
