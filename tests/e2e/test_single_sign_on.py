"""Journey: signing in through the organisation's own identity provider (OpenID Connect), here
a real provider on loopback (the npm package oidc-provider), not a mock. A verified email
address finds the existing account; nobody is created, and no role is given."""

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import Page, expect

from opcc_calls.models import User
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def through_the_provider(page: Page, login: str) -> None:
    page.goto("/sign-in/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in with the office's sign-in").click()
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/interaction/"))
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any")
    page.locator("button[type=submit]").click()
    consent = page.locator("button[type=submit]", has_text="Continue")
    if consent.count():
        consent.click()


def test_a_verified_email_signs_in_to_the_existing_account(page: Page, oidc_provider, handler_user):
    oidc_provider(hannah=handler_user.email.upper())  # the provider's case need not match
    through_the_provider(page, "hannah")
    expect(page.get_by_role("heading", name="Taking calls")).to_be_visible()
    assert SocialAccount.objects.get(provider="office").user == handler_user
    assert_accessible(page)


def test_nobody_is_created_for_an_unknown_or_unverified_address(
    page: Page, open_page, oidc_provider, handler_user
):
    oidc_provider(unverified=handler_user.email)
    users = User.objects.count()
    through_the_provider(page, "stranger")
    expect(page.get_by_text("has no account for that email address")).to_be_visible()
    page = open_page()  # a new browser: the provider would remember the stranger
    through_the_provider(page, "unverified")
    expect(page.get_by_text("has no account for that email address")).to_be_visible()
    assert User.objects.count() == users and not SocialAccount.objects.exists()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
