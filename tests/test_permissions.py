"""Walks every URL pattern: anonymous users are sent to sign in, and every view of ours declares
the permission it needs, which a signed-in user without it is refused (403)."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from opcc_calls.permissions import SIGNED_IN

pytestmark = pytest.mark.django_db

# Django's own views, which declare themselves: sign-in is open; the rest need a signed-in user.
PUBLIC = {"login"}
DJANGO_AUTH_VIEWS = {"logout", "password_change", "password_change_done"}
# Tokenised links emailed to people who may never sign in (checked in their own tests).
TOKEN_VIEWS = {"callers:request_decide"}


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns == "admin":
                continue  # Django admin checks is_staff and model permissions itself.
            yield from _walk(
                entry.url_patterns,
                prefix + str(entry.pattern),
                f"{namespace}{ns}:" if ns else namespace,
            )
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern), entry.callback


def _url(route: str) -> str:
    """Fill a route's converters with values that resolve (ids that need not exist)."""
    path = re.sub(r"<int:\w+>", "1", route)
    path = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000001", path)
    path = re.sub(r"<(?:str|slug):\w+>", "x", path)
    return "/" + path.replace("^", "").replace("$", "")


ROUTES = sorted(_walk(get_resolver().url_patterns), key=lambda r: r[0])
SIGNED_IN_ONLY = [r for r in ROUTES if r[0] not in PUBLIC | TOKEN_VIEWS]
OURS = [r for r in ROUTES if r[0] not in PUBLIC | DJANGO_AUTH_VIEWS | TOKEN_VIEWS]
NEEDING_A_PERMISSION = [r for r in OURS if getattr(r[2], "required_permission", None) != SIGNED_IN]


def test_the_walk_finds_our_views():
    names = {name for name, _, _ in ROUTES}
    assert {"home", "login", "logout"} <= names


@pytest.mark.parametrize(
    ("name", "route", "view"), SIGNED_IN_ONLY, ids=[r[0] for r in SIGNED_IN_ONLY]
)
def test_anonymous_users_are_sent_to_sign_in(client, name, route, view):
    response = client.get(_url(route))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("name", "route", "view"), OURS, ids=[r[0] for r in OURS])
def test_every_view_declares_its_permission(name, route, view):
    assert hasattr(view, "required_permission"), f"{name} declares no permission"


@pytest.mark.parametrize(
    ("name", "route", "view"), NEEDING_A_PERMISSION, ids=[r[0] for r in NEEDING_A_PERMISSION]
)
def test_signed_in_user_without_the_permission_is_refused(roleless_client, name, route, view):
    response = roleless_client.get(_url(route))
    assert response.status_code == 403
