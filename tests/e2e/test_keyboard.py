"""The handler's keyboard path, key by key: the calls a handler logs forty times a day, with a
caller in their ear, counted in keys that are not text (Tab, Enter, arrows, shortcuts). The
figures go in the README ("The keyboard path"); a change that adds a key fails here."""

import re

import pytest
from playwright.sync_api import Page, expect

from callers.models import Call, Caller, ContactRequest
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import CallerPhoneFactory, CallFactory, StaffContactFactory

pytestmark = pytest.mark.django_db(transaction=True)


class Keys:
    """A keyboard that counts every key that is not text."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.pressed: list[str] = []

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)
            self.pressed.append(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text, delay=20)  # text, not counted


def open_log_a_call(page: Page, handler_user) -> Keys:
    """Where a handler waits for the phone: "Log a call" open, the number field ready."""
    sign_in(page, handler_user.username)
    page.goto("/callers/log/")
    expect(page.get_by_label("Phone number")).to_be_focused()
    return Keys(page)


def the_call_is_logged(page: Page) -> Call:
    expect(page.get_by_role("heading", name="Call logged")).to_be_visible()
    return Call.objects.latest("pk")


def returning_caller() -> Caller:
    caller = CallerPhoneFactory(number="+441234567890", caller__full_name="Ruth Example").caller
    CallFactory(caller=caller, about="Asked about the precept.")
    return caller


def choose_the_highlighted_match(page: Page, keys: Keys, caller: Caller) -> None:
    keys.type("01234 567890")
    expect(page.locator(f"#match-{caller.pk}.active")).to_be_visible()
    keys.press("Enter")
    card = page.locator(".handling-card")
    expect(card.get_by_role("heading", name="Handling card: Ruth Example")).to_be_visible()
    # The card shows beside the form; the handler stays in it, at the type of call.
    expect(page.get_by_label("Enquiry", exact=True)).to_be_focused()


def test_a_returning_caller_found_by_number_in_at_most_8_keys(page: Page, handler_user):
    caller = returning_caller()
    keys = open_log_a_call(page, handler_user)
    choose_the_highlighted_match(page, keys, caller)
    keys.press("Space")  # Enquiry
    keys.press("Tab")
    keys.type("Asked again about the precept.")
    keys.press("Tab")
    keys.type("Sent the leaflet.")
    keys.press("Tab", "Space")  # identity: checked before anything was discussed
    assert_accessible(page)
    keys.press("Control+Enter")
    call = the_call_is_logged(page)
    assert (call.caller, call.call_type, call.identity_check) == (caller, "enquiry", "checked")
    assert call.about == "Asked again about the precept." and call.outcome == "Sent the leaflet."
    assert len(keys.pressed) <= 8, keys.pressed


def test_a_new_caller_in_at_most_10_keys(page: Page, handler_user):
    keys = open_log_a_call(page, handler_user)
    keys.type("020 7946 0000")
    keys.press("Tab")
    keys.type("Ann Example")
    expect(page.get_by_text("No caller matches")).to_be_visible()
    keys.press("Enter")  # nobody highlighted: carry on as a new caller
    expect(page.get_by_label("Enquiry", exact=True)).to_be_focused()
    keys.press("Space")
    keys.press("Tab")
    keys.type("Asked how to contact the Commissioner.")
    keys.press("Tab")
    keys.type("Gave the address.")
    keys.press("Tab", "ArrowDown")  # identity: not needed
    keys.press("Control+Enter")
    call = the_call_is_logged(page)
    assert call.caller.full_name == "Ann Example" and call.identity_check == "not_needed"
    assert str(call.caller.phones.get().number) == "+442079460000"
    assert len(keys.pressed) <= 10, keys.pressed


def test_a_request_to_speak_to_the_commissioner_in_at_most_10_keys(page: Page, handler_user):
    StaffContactFactory(name="Pat Commissioner", is_commissioner=True)
    caller = returning_caller()
    keys = open_log_a_call(page, handler_user)
    choose_the_highlighted_match(page, keys, caller)
    keys.press("ArrowDown", "ArrowDown")  # Complaint, then the Commissioner
    expect(page.get_by_label("Request to speak to the Commissioner")).to_be_checked()
    keys.press("Tab")  # the Commissioner's office is emailed: nobody to choose
    expect(page.get_by_label("Why they want to speak to them")).to_be_focused()
    keys.type("About the police budget.")
    keys.press("Tab")
    keys.type("Wants to speak to the Commissioner.")
    keys.press("Tab")
    keys.type("Took the details.")
    keys.press("Tab", "Space")
    keys.press("Control+Enter")
    call = the_call_is_logged(page)
    assert call.call_type == "commissioner"
    assert ContactRequest.objects.get(call=call).requested.name == "Pat Commissioner"
    assert len(keys.pressed) <= 10, keys.pressed


def test_arrows_move_between_matches_and_enter_chooses(page: Page, handler_user):
    CallerPhoneFactory(caller__full_name="Mary Allen")
    CallerPhoneFactory(caller__full_name="Mary Allan")
    keys = open_log_a_call(page, handler_user)
    keys.press("Tab")
    keys.type("Mary Allen")
    matches = page.locator("#matches .caller-matches > li")
    expect(matches).to_have_count(2)
    expect(page.locator("#matches li.active")).to_have_count(0)  # a name highlights nobody
    keys.press("ArrowDown", "ArrowDown")
    expect(matches.nth(1)).to_have_class(re.compile(r"\bactive\b"))
    second = matches.nth(1).locator(".match-name").inner_text()
    expect(page.locator("#match-status")).to_have_text(f"{second} highlighted: Enter chooses them.")
    keys.press("Enter")
    expect(page.locator(".handling-card")).to_contain_text(f"Handling card: {second}")
    expect(page.get_by_label("Enquiry", exact=True)).to_be_focused()


def test_enter_in_a_field_never_runs_find_caller(page: Page, handler_user):
    open_log_a_call(page, handler_user)
    page.get_by_label("Full name").fill("Not given")
    page.get_by_label("To be forwarded to Police Headquarters").check()
    department = page.get_by_label("Department at Police Headquarters")
    department.fill("Fraud")
    department.press("Enter")
    expect(department).to_be_focused()  # nothing was posted: the page is as it was
    expect(department).to_have_value("Fraud")
    assert Call.objects.count() == 0


def test_log_a_call_is_at_most_3_keys_from_any_page(page: Page, handler_user):
    sign_in(page, handler_user.username)
    page.goto("/callers/")
    keys = Keys(page)
    keys.press("Tab", "Tab")
    expect(page.get_by_role("link", name="Skip to the log-a-call form")).to_be_focused()
    keys.press("Enter")
    expect(page.get_by_role("heading", name="Log a call")).to_be_visible()
    expect(page.get_by_label("Phone number")).to_be_focused()
    assert len(keys.pressed) <= 3
