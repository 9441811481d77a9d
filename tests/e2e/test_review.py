"""Journey: the Compliance Officer works through the review queue and exports the log
(policy 5.5, 5.8g, 5.8h)."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from dmts.models import DmtsEntry
from tests.e2e.conftest import assert_accessible, sign_in
from tests.helpers import log_call, run_background_tasks

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_compliance_officer_reviews_three_entries_and_exports_the_log(
    page: Page, compliance_user, handler_user, background_worker
):
    calls = [log_call(handler_user, about=f"Enquiry number {i}") for i in range(3)]
    for age, call in zip((3, 2, 1), calls, strict=True):
        DmtsEntry.objects.filter(pk=call.pk).update(
            created_at=timezone.now() - timedelta(hours=age)
        )
    references = [c.dmts_entry.reference for c in calls]

    sign_in(page, compliance_user.username)
    expect(page.locator(".awaiting-review")).to_have_text("3")
    page.get_by_role("link", name="Review queue").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Start with the oldest").click()

    # First: correct it, then review it.
    expect(page.get_by_role("heading", name=f"DMTS entry {references[0]}")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Correct this entry").click()
    page.get_by_label("What the call is about").fill("Enquiry about the Police and Crime Plan")
    page.get_by_label("Reason for the correction").fill("Made the summary clearer")
    page.get_by_role("button", name="Save correction").click()
    expect(page.locator(".change-history")).to_contain_text("Made the summary clearer")
    page.get_by_label("Reviewed", exact=True).check()
    page.get_by_role("button", name="Save and go to the next entry").click()

    # Second and third follow without going back to the list.
    expect(page.get_by_role("heading", name=f"DMTS entry {references[1]}")).to_be_visible()
    page.get_by_label("Needs follow-up").check()
    page.get_by_label("Compliance Officer's notes").fill("Ring the caller back on Monday.")
    page.get_by_role("button", name="Save and go to the next entry").click()
    expect(page.get_by_role("heading", name=f"DMTS entry {references[2]}")).to_be_visible()
    page.get_by_label("Reviewed", exact=True).check()
    page.get_by_role("button", name="Save and go to the next entry").click()
    expect(page.locator(".queue-count")).to_have_text("0")
    assert DmtsEntry.objects.awaiting_review().count() == 0

    page.get_by_role("link", name="Call log").first.click()
    page.get_by_label("Review status").select_option(label="Needs follow-up")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".entry-table tbody tr")).to_have_count(1)
    assert_accessible(page)
    page.get_by_role("button", name="Export CSV").click()
    expect(page.get_by_text("Your export is queued")).to_be_visible()
    assert_accessible(page)

    # The background worker (a process of its own) writes it; the page, asking every two
    # seconds, says when it is ready.
    background_worker()
    download_link = page.get_by_role("link", name="Download the CSV")
    expect(download_link).to_be_visible(timeout=30_000)
    expect(page.get_by_role("status")).to_contain_text("ready: 1 row")
    assert_accessible(page)
    with page.expect_download() as download:
        download_link.click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[0] for row in rows[1:]] == [references[1]]
    assert "Ring the caller back on Monday." in rows[1]


def test_a_complaint_is_handed_to_the_complaints_process_and_its_reference_recorded(
    page: Page, compliance_user, handler_user, settings
):
    settings.COMPLAINTS_EMAIL = "complaints@opcc.example"
    call = log_call(
        handler_user, call_type="complaint", complaint_status="referred", about="Unhappy"
    )
    run_background_tasks()  # the worker emails the complaints process
    sign_in(page, compliance_user.username)
    page.goto(call.dmts_entry.get_absolute_url())
    expect(page.locator(".complaint-handover")).to_contain_text(
        "Emailed to complaints@opcc.example"
    )
    assert_accessible(page)
    page.get_by_role("textbox", name="Complaints team's reference").fill("CMP/2026/0042")
    page.get_by_role("button", name="Record the reference").click()
    expect(page.locator(".complaint-reference")).to_have_text("CMP/2026/0042")
    assert DmtsEntry.objects.get(pk=call.pk).complaint_reference == "CMP/2026/0042"


def test_routine_entries_reviewed_together_by_keyboard_alone(
    page: Page, compliance_user, handler_user
):
    """j and x down the queue, r to mark them: each entry its own history row; a complaint
    waits to be reviewed on its own."""
    calls = [log_call(handler_user, about=f"Routine enquiry {i}") for i in range(4)]
    complaint = log_call(handler_user, call_type="complaint", complaint_status="referred")
    sign_in(page, compliance_user.username)
    page.goto("/dmts/review/")
    assert_accessible(page)
    for _ in calls:
        page.keyboard.press("j")
        page.keyboard.press("x")
    expect(page.locator("[data-ticked-count]")).to_have_text("4 entries ticked")
    page.keyboard.press("j")  # the complaint: nothing to tick, its link has the focus
    expect(page.get_by_role("link", name=complaint.dmts_entry.reference)).to_be_focused()
    page.keyboard.press("x")
    expect(page.locator("[data-ticked-count]")).to_have_text("4 entries ticked")
    page.keyboard.press("r")
    expect(page.get_by_text("4 entries marked reviewed.")).to_be_visible()
    expect(page.locator(".queue-count")).to_have_text("1")
    assert_accessible(page)
    for call in calls:
        entry = DmtsEntry.objects.get(pk=call.dmts_entry.pk)
        assert entry.status == "reviewed" and entry.history.count() == 2
    page.keyboard.press("j")
    page.keyboard.press("o")
    expect(
        page.get_by_role("heading", name=f"DMTS entry {complaint.dmts_entry.reference}")
    ).to_be_visible()
