"""Every view declares the permission it needs.

`requires("app.codename")` turns away a signed-in user without it (403) and records the
permission on the view, so the URL-walking test can check that no view forgot to declare one.
`requires(SIGNED_IN)` is for the few pages every member of staff may use (home, password change).

Permissions come from `CachedPermissionsBackend`: once per change, not twice per page.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth import models as auth_models
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.decorators import permission_required
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.db.models.signals import m2m_changed, pre_delete

SIGNED_IN = "signed-in"


def requires(permission: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        wrapped = (
            view
            if permission == SIGNED_IN
            else permission_required(permission, raise_exception=True)(view)
        )
        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorator


class CachedPermissionsBackend(ModelBackend):
    """Django's ModelBackend, but a person's permissions are read from the database once per
    change, not twice on every page (the navigation asks on each): they are kept in the cache
    under the person's `permissions_version`, which every change to their groups, their own
    permissions or a group's permissions moves on (`permissions_changed`, below). The user
    row, read on every request anyway, carries the version, so a change counts at once, in
    every process."""

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            key = (
                f"permissions:{user_obj.pk}:{user_obj.permissions_version}:"
                f"{int(user_obj.is_superuser)}"
            )
            permissions = caches["local"].get(key)
            if permissions is None:
                permissions = super().get_all_permissions(user_obj)
                caches["local"].set(key, permissions, PERMISSIONS_KEPT_SECONDS)
            user_obj._perm_cache = permissions
        return user_obj._perm_cache


#: How long unused cached permissions stay (a working day); a change never waits for this.
PERMISSIONS_KEPT_SECONDS = 9 * 3600


def _move_on(users) -> None:
    """Every cached permission of these users is out of date from now."""
    get_user_model().objects.filter(pk__in=users).update(
        permissions_version=F("permissions_version") + 1
    )


def _members_of(groups):
    return get_user_model().objects.filter(groups__in=groups).values("pk")


def _holders_of(permissions):
    return (
        get_user_model()
        .objects.filter(
            Q(user_permissions__in=permissions) | Q(groups__permissions__in=permissions)
        )
        .values("pk")
    )


def permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """m2m_changed for a user's groups, a user's permissions and a group's permissions: the
    people affected get a new permissions version (before a clear, as it loses the members)."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    User, Group = get_user_model(), auth_models.Group
    if sender in (User.groups.through, User.user_permissions.through):
        _move_on([instance.pk] if not reverse else (pk_set or _everyone_of(instance, sender)))
    elif sender is Group.permissions.through:
        groups = [instance.pk] if not reverse else (pk_set or _groups_of(instance))
        _move_on(_members_of(groups))


def _everyone_of(instance, sender):
    """The users on the other side of a reverse clear: a group's members, or a permission's
    direct holders."""
    User = get_user_model()
    if sender is User.groups.through:
        return _members_of([instance.pk])
    return User.objects.filter(user_permissions=instance).values("pk")


def _groups_of(permission):
    return auth_models.Group.objects.filter(permissions=permission).values("pk")


def group_deleted(sender, instance, **kwargs) -> None:
    _move_on(_members_of([instance.pk]))


def permission_deleted(sender, instance, **kwargs) -> None:
    _move_on(_holders_of([instance.pk]))


def connect_permission_signals() -> None:
    User, Group = get_user_model(), auth_models.Group
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(permissions_changed, sender=through)
    pre_delete.connect(group_deleted, sender=Group)
    pre_delete.connect(permission_deleted, sender=auth_models.Permission)


def permission_check(user, permission: str) -> None:
    """What every service that records who did something checks first: the person holds the
    permission, or nothing is written (PermissionDenied, a 403 from a view)."""
    if not user.has_perm(permission):
        raise PermissionDenied


def staff_holding(permission: str, *, superusers: bool = False) -> QuerySet:
    """Active staff who hold the permission ("app.codename"), through a role or given to them
    (and superusers too when asked), each once, with an email address to reach them at: who
    is emailed when something needs a manager, a reviewer or the keeper of a queue."""
    app_label, codename = permission.split(".")
    held = Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    ) | Q(
        user_permissions__codename=codename,
        user_permissions__content_type__app_label=app_label,
    )
    if superusers:
        held |= Q(is_superuser=True)
    return get_user_model().objects.filter(is_active=True).filter(held).exclude(email="").distinct()
