"""Journey: the Business and Compliance Manager runs an SMT meeting from its summary table:
records who attended, decides three callers in turn with nothing pre-selected, adds an action
for a colleague, who finds it on their home page; the next Silver meeting is proposed a
fortnight on."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.helpers import frequent_caller

pytestmark = pytest.mark.django_db(transaction=True)


def test_run_an_smt_meeting_from_the_summary_table(
    page: Page, open_page, manager_user, handler_user
):
    callers = [frequent_caller(calls) for calls in (3, 4, 5)]
    sign_in(page, manager_user.username)
    page.goto("/callers/meetings/")
    page.get_by_label("SMT meeting").check()
    page.get_by_role("button", name="Open the meeting").click()
    summary = page.locator(".agenda-summary")
    for caller in callers:
        expect(summary).to_contain_text(caller.full_name)
    assert_accessible(page)

    page.get_by_role("textbox", name="Present").fill("Maya (Business and Compliance Manager)\nOlu")
    page.get_by_label("Apologies").fill("Sam")
    page.get_by_role("button", name="Save the meeting record").click()
    expect(page.get_by_text("Meeting record saved.")).to_be_visible()

    # Most calls first: each decision opens the next caller without one.
    page.get_by_role("link", name="90 days").click()
    page.locator(".agenda-row").first.get_by_role("link", name="Decide").click()
    for number, caller in enumerate(reversed(callers)):
        form = page.locator(".decision-form")
        expect(page.get_by_role("heading", name=f"Decision for {caller.full_name}")).to_be_visible()
        expect(form.get_by_label("Decision")).to_have_value("")  # nothing pre-selected
        if number == 0:
            assert_accessible(page)
            form.get_by_label("Decision").select_option(label="Flag")
            form.get_by_label("Flag as").select_option(label="Frequent caller")
            form.get_by_label("Agreed response").fill("One reply a week, in writing.")
        else:
            form.get_by_label("Decision").select_option(label="No action")
        form.get_by_role("button", name="Record the decision").click()
        expect(page.locator(".agenda-row", has_text=caller.full_name)).not_to_contain_text("Decide")
    expect(page.get_by_text("Every caller on the agenda has a decision.")).to_be_visible()
    expect(page.locator(".undecided-count")).to_have_text("0")

    due = (timezone.localdate() + timedelta(days=7)).strftime("%d/%m/%Y")
    action = "Write to the flagged caller with their arrangements"
    page.get_by_role("textbox", name="Action").fill(action)
    page.get_by_label("Owner").select_option(label=str(handler_user))
    page.get_by_label("Due").fill(due)
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator(".actions-agreed")).to_contain_text(str(handler_user))

    colleague = open_page()
    sign_in(colleague, handler_user.username)
    expect(colleague.locator(".my-follow-ups")).to_contain_text(action)
    assert_accessible(colleague)

    # The Silver cycle: the next is proposed a fortnight after the last.
    page.goto("/callers/meetings/")
    page.get_by_role("radio", name="Silver meeting").check()
    page.get_by_role("button", name="Open the meeting").click()
    page.goto("/callers/meetings/")
    fortnight = timezone.localdate() + timedelta(days=14)
    expect(page.locator(".silver-proposed")).to_contain_text(f"{fortnight.day} {fortnight:%B %Y}")
