"""Journey: a manager flags a candidate with an agreed response; a handler taking that
caller's call sees it; the Compliance Officer finds them in the frequent calls log; the next
Silver meeting has them on its agenda (policy 5.3c, 5.6, 5.8h)."""

import pytest
from playwright.sync_api import Page, expect

from callers.models import Flag
from callers.services.flags import flag_create
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import CallerPhoneFactory
from tests.helpers import frequent_caller

pytestmark = pytest.mark.django_db(transaction=True)
RESPONSE = "Take details and tell them their single point of contact will write back."


def test_flag_agreed_response_frequent_calls_log_and_silver_agenda(
    page: Page, open_page, manager_user, handler_user, compliance_user
):
    caller = frequent_caller()
    CallerPhoneFactory(caller=caller, number="+441234567890")

    # A manager sees the candidate and flags them with an agreed response.
    sign_in(page, manager_user.username)
    expect(page.locator(".candidate-count")).to_have_text("1")
    page.get_by_role("link", name="1 candidate").click()
    expect(page.get_by_role("cell", name=caller.full_name, exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=f"Flag {caller.full_name}").click()
    page.get_by_label("Frequent caller").check()
    page.get_by_label("Agreed response").fill(RESPONSE)
    page.get_by_label("Reasonable adjustments were considered").check()
    assert_accessible(page)
    page.get_by_role("button", name="Flag this caller").click()
    expect(page.get_by_text("is flagged as a frequent caller")).to_be_visible()
    assert Flag.objects.active().filter(caller=caller).exists()

    # A handler starts logging a call from that number and sees the agreed response.
    handler = open_page()
    sign_in(handler, handler_user.username)
    handler.get_by_role("link", name="Log a call").first.click()
    handler.get_by_label("Phone number").fill("01234 567890")
    expect(handler.locator(".caller-matches")).to_contain_text("Frequent caller")
    handler.get_by_role("button", name=f"Choose {caller.full_name}").click()
    expect(
        handler.get_by_role("heading", name=f"Handling card: {caller.full_name}")
    ).to_be_visible()
    notice = handler.locator(".flag-notice")
    expect(notice).to_contain_text(RESPONSE)
    expect(notice).to_contain_text("never stops you logging this call")
    assert_accessible(handler)

    # The Compliance Officer finds them in the frequent calls log.
    officer = open_page()
    sign_in(officer, compliance_user.username)
    officer.goto("/callers/frequent-calls-log/")
    expect(officer.locator(".frequent-calls-log")).to_contain_text(caller.full_name)
    assert_accessible(officer)

    # The manager opens the next Silver meeting and finds them on the agenda.
    page.goto("/callers/meetings/")
    page.get_by_role("radio", name="Silver meeting").check()
    page.get_by_role("button", name="Open the meeting").click()
    row = page.locator(".agenda-row", has_text=caller.full_name)
    expect(row).to_contain_text("Frequent caller")
    assert_accessible(page)
    row.get_by_role("link", name=f"Decide for {caller.full_name}").click()
    form = page.locator(".decision-form")
    form.get_by_label("Decision").select_option(label="No action")
    form.get_by_label("Note").fill("Calls have settled since the flag.")
    page.get_by_role("button", name=f"Record the decision for {caller.full_name}").click()
    expect(page.locator(".agenda-row", has_text=caller.full_name)).to_contain_text("No action")


def test_dashboard_and_rules_pages_are_accessible(page: Page, manager_user):
    frequent_caller()
    sign_in(page, manager_user.username)
    page.goto("/callers/dashboard/")
    expect(page.get_by_role("heading", name="Frequent callers dashboard")).to_be_visible()
    assert_accessible(page)
    page.goto("/callers/rules/")
    assert_accessible(page)


def test_a_manager_changes_the_contact_arrangements_after_flagging(page: Page, manager_user):
    made = flag_create(
        caller=frequent_caller(),
        by=manager_user,
        kind="frequent",
        reason="r",
        agreed_response="Log the call; replies in writing.",
    )
    sign_in(page, manager_user.username)
    page.goto(made.get_absolute_url())
    page.get_by_role("link", name="Change the contact arrangements").click()
    assert_accessible(page)
    page.get_by_label("Contact at set times").fill("Tuesdays 10:00 to 12:00")
    page.get_by_label("Written contact only").check()
    page.get_by_label("Why they are changing").fill("Agreed at the Silver meeting")
    page.get_by_role("button", name="Save").click()
    # Set times by telephone and writing only: a caller could not follow both.
    expect(page.get_by_text("contradict each other").first).to_be_visible()
    expect(page.get_by_label("Contact at set times")).to_have_value("Tuesdays 10:00 to 12:00")
    assert_accessible(page)
    page.get_by_label("Written contact only").uncheck()
    page.get_by_role("button", name="Save").click()
    notice = page.locator(".flag-notice")
    expect(notice).to_contain_text("Contact at set times: Tuesdays 10:00 to 12:00")
    expect(notice).not_to_contain_text("Written contact only")
