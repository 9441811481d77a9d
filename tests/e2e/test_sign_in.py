"""Journey: each role signs in and lands on its home page; sign-in and home pass axe-core."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.helpers import authenticator_app, totp_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_page_is_accessible(page: Page):
    page.goto("/")
    expect(page).to_have_url("/sign-in/?next=/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize(
    ("user_fixture", "section"),
    [
        ("handler_user", "Taking calls"),
        ("compliance_user", "The DMTS call log"),
        ("manager_user", "Managing the arrangements"),
    ],
)
def test_each_role_signs_in_to_its_home_page(page: Page, request, user_fixture, section):
    user = request.getfixturevalue(user_fixture)
    sign_in(page, user.username)
    expect(page.get_by_role("heading", name=section)).to_be_visible()
    assert_accessible(page)


def test_wrong_password_is_explained_and_keyboard_only_sign_in_works(page: Page, handler_user):
    secret = authenticator_app(handler_user)
    page.goto("/sign-in/")
    expect(page.get_by_label("Username")).to_be_focused()  # ready to type at once
    page.keyboard.type(handler_user.username)
    page.keyboard.press("Tab")
    page.keyboard.type("not-the-password")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Code")).to_be_focused()  # the second step, ready to type
    page.keyboard.type(totp_code(secret))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Taking calls")).to_be_visible()
    page.keyboard.press("Tab")  # the skip link comes first, and takes you to the content
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_sign_out(page: Page, handler_user):
    sign_in(page, handler_user.username)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url("/sign-in/")


def test_a_first_sign_in_sets_up_the_required_second_factor(page: Page, handler_user):
    """The office requires a second factor and this person has none yet: they are taken to
    set up an authenticator app, then reach their work."""
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(handler_user.username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("asks everyone to use a second factor")).to_be_visible()
    assert_accessible(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    expect(page.get_by_label("Unused codes")).to_have_value(re.compile(r"^\d{8}(\s+\d{8}){9}$"))
    assert_accessible(page)
    page.get_by_role("link", name="Log a call").first.click()
    expect(page.get_by_role("heading", name="Log a call")).to_be_visible()


def test_a_handler_with_an_extension_sets_up_the_second_factor(page: Page, handler_user):
    """The screen pop's poll, every three quarters of a second, was led to the set-up page,
    which made a new secret each time: every code typed was refused. Until the second factor
    is set up there is no poll, and a poll that comes anyway is told, not led."""
    handler_user.extension = "201"
    handler_user.save()
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(handler_user.username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    secret = page.locator("#authenticator_secret").input_value()
    expect(page.locator("#screen-pop")).to_have_count(0)
    polled = page.request.get("/callers/log/phone-call/", headers={"Accept": "application/json"})
    assert polled.status == 403 and "second_factor" in polled.json()
    page.wait_for_timeout(2500)  # three polls' time, as someone reaches for their phone
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    page.goto("/callers/log/")
    expect(page.locator("#screen-pop")).to_have_count(1)  # and now the screen pop is there


def test_a_security_key_as_the_second_factor(page: Page, handler_user):
    """WebAuthn, with Chromium's virtual authenticator standing in for a key on the desk."""
    sign_in(page, handler_user.username)
    webauthn = page.context.new_cdp_session(page)
    webauthn.send("WebAuthn.enable")
    webauthn.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    page.get_by_role("button", name="Account").click()
    page.get_by_role("link", name="Second factor").click()
    page.goto("/accounts/2fa/webauthn/add/")
    assert_accessible(page)
    page.get_by_label("Name").fill("Desk key")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Security key added.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    page.get_by_label("Username").fill(handler_user.username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Use a security key or passkey").click()
    expect(page.get_by_role("heading", name="Taking calls")).to_be_visible()
