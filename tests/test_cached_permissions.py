"""Permissions are read once per change and kept in the cache (CachedPermissionsBackend): a
page no longer asks the database for them, yet every way a permission can be given or taken
away counts at once, on the next request."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opcc_calls.models import User
from opcc_calls.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REVIEW = "dmts.review_dmtsentry"


def fresh(user) -> User:
    """The user as the next request loads them."""
    return User.objects.get(pk=user.pk)


def test_a_page_asks_for_permissions_once_not_every_time(compliance_client):
    with CaptureQueriesContext(connection) as first:
        compliance_client.get(reverse("home"))
    with CaptureQueriesContext(connection) as second:
        compliance_client.get(reverse("home"))
    # The first pays for the permissions (two queries) and the procedure's current version
    # (one: kept in the cache too); the second for neither.
    assert len(second) == len(first) - 3
    assert not [q for q in second.captured_queries if "opcc_calls_procedure" in q["sql"]]
    assert not [q for q in second.captured_queries if "auth_permission" in q["sql"]]


def officer_group() -> Group:
    return Group.objects.get(name=Role.COMPLIANCE_OFFICER.value)


def review_permission() -> Permission:
    return Permission.objects.get(codename="review_dmtsentry")


TAKEN_AWAY = {
    "removed from the group": lambda user: user.groups.remove(officer_group()),
    "the group loses a member": lambda user: officer_group().user_set.remove(user),
    "all their groups cleared": lambda user: user.groups.clear(),
    "the group's members cleared": lambda user: officer_group().user_set.clear(),
    "the group loses the permission": lambda user: officer_group().permissions.remove(
        review_permission()
    ),
    "the group's permissions cleared": lambda user: officer_group().permissions.clear(),
    "the permission leaves every group": lambda user: review_permission().group_set.clear(),
    "the group is deleted": lambda user: officer_group().delete(),
    "the permission is deleted": lambda user: review_permission().delete(),
}


@pytest.mark.parametrize("change", TAKEN_AWAY, ids=list(TAKEN_AWAY))
def test_a_permission_taken_away_is_gone_at_once(compliance_user, change):
    assert fresh(compliance_user).has_perm(REVIEW)  # cached now
    TAKEN_AWAY[change](compliance_user)
    assert not fresh(compliance_user).has_perm(REVIEW)


GIVEN = {
    "added to the group": lambda user: user.groups.add(officer_group()),
    "the group gains a member": lambda user: officer_group().user_set.add(user),
    "given the permission themselves": lambda user: user.user_permissions.add(review_permission()),
    "the permission given to them": lambda user: review_permission().user_set.add(user),
    "made a superuser": lambda user: User.objects.filter(pk=user.pk).update(is_superuser=True),
}


@pytest.mark.parametrize("change", GIVEN, ids=list(GIVEN))
def test_a_permission_given_counts_at_once(handler_user, change):
    officer_group()  # the role groups exist
    assert not fresh(handler_user).has_perm(REVIEW)  # cached now
    GIVEN[change](handler_user)
    assert fresh(handler_user).has_perm(REVIEW)


def test_a_permission_given_to_a_group_counts_for_its_members(handler_user):
    group = Group.objects.get(name=Role.CALL_HANDLER.value)
    assert not fresh(handler_user).has_perm(REVIEW)
    group.permissions.add(review_permission())
    assert fresh(handler_user).has_perm(REVIEW)
    review_permission().group_set.remove(group)
    assert not fresh(handler_user).has_perm(REVIEW)


def test_someone_else_keeps_their_cache(compliance_user):
    other = UserFactory(roles=[Role.CALL_HANDLER])
    version = fresh(other).permissions_version
    compliance_user.groups.remove(officer_group())
    assert fresh(other).permissions_version == version


def test_the_navigation_kept_in_the_cache_follows_the_page_and_a_change_of_role(
    compliance_client, compliance_user
):
    """The navigation is rendered once per person, permissions and page: it still marks the
    page you are on, and loses a link the moment its permission goes."""
    home = compliance_client.get(reverse("home")).content.decode()
    queue = compliance_client.get(reverse("dmts:queue")).content.decode()
    assert 'href="/" aria-current="page"' in home and 'aria-current="page">Review' not in home
    assert 'href="/dmts/review/" aria-current="page">Review queue' in queue
    compliance_user.groups.remove(officer_group())
    assert "Review queue</a>" not in compliance_client.get(reverse("home")).content.decode()
