"""Journey: a manager publishes version 1.1 of the procedure; a handler is asked on their next
page, reads and acknowledges it; the manager's list shows it (SOP 6.1)."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_publish_acknowledge_and_see_who_has_read_it(
    page: Page, open_page, manager_user, handler_user
):
    sign_in(page, manager_user.username)
    page.goto("/procedure/publish/")
    assert_accessible(page)
    page.get_by_label("Version number").fill("1.1")
    page.get_by_label("The procedure").fill("1. Purpose\n\nTo recognise frequent callers.")
    page.get_by_label("What changed").fill("Section 5.6: contact arrangements")
    page.get_by_label("Review date").fill("30/11/2027")
    page.get_by_role("button", name="Publish this version").click()
    readers = page.locator(".procedure-readers")
    expect(readers.locator("tr", has_text=str(handler_user))).to_contain_text("Not yet")
    assert_accessible(page)

    handler = open_page()
    sign_in(handler, handler_user.username)
    reminder = handler.locator(".procedure-reminder")
    expect(reminder).to_contain_text("Version 1.1 of the procedure")
    handler.get_by_role("link", name="Log a call").first.click()  # nothing is blocked
    expect(handler.get_by_role("heading", name="Log a call")).to_be_visible()
    handler.get_by_role("link", name="read and acknowledge it").click()
    expect(handler.get_by_text("To recognise frequent callers.")).to_be_visible()
    assert_accessible(handler)
    handler.get_by_role("button", name="I have read version 1.1").click()
    expect(handler.locator(".procedure-acknowledged")).to_contain_text(
        "You acknowledged version 1.1"
    )
    expect(handler.locator(".procedure-reminder")).to_have_count(0)

    page.reload()
    expect(readers.locator("tr", has_text=str(handler_user))).not_to_contain_text("Not yet")
