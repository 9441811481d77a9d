"""The retention schedule applied from its page, as the Business and Compliance Manager does:
what is due, confirmation and a reason, the background worker, the disposal log."""

import pytest
from playwright.sync_api import Page, expect

from tests.callers.data_protection.test_data_protection import aged_caller
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_applies_the_schedule_with_a_reason(page: Page, manager_user, background_worker):
    old = aged_caller(7, full_name="Olive Oldcall")
    sign_in(page, manager_user.username)
    page.get_by_role("button", name="Frequent callers").click()
    page.get_by_role("link", name="Retention").click()
    due = page.locator(".retention-due")
    expect(due.get_by_role("row", name="Calls and DMTS entries")).to_contain_text(
        str(old.calls.get().pk)
    )
    expect(page.get_by_text("Olive")).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("Why now").fill("The monthly review")
    page.get_by_role("button", name="Apply the retention schedule").click()
    expect(page.locator("#error-summary")).to_contain_text("Tick to confirm")
    expect(page.get_by_label("Why now")).to_have_value("The monthly review")
    page.get_by_label("I have checked what is due").check()
    page.get_by_role("button", name="Apply the retention schedule").click()
    expect(page.get_by_text("being applied in the background").first).to_be_visible()
    background_worker()
    log = page.locator(".disposal-log")
    for _ in range(40):  # the worker applies it; the page shows it once it has
        page.reload()
        if log.get_by_text("The monthly review").count():
            break
        page.wait_for_timeout(250)
    expect(log.get_by_text("The monthly review").first).to_be_visible()
    assert_accessible(page)
