"""Journeys: the Compliance Officer gives a waiting request to a colleague from the Follow-ups
queue, who finds it on their home page and marks it done; a manager produces the quarterly
report and downloads it."""

import io
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from callers.models import Call, FollowUp
from dmts.services.follow_ups import follow_ups_gather
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import CallFactory, StaffContactFactory
from tests.helpers import log_call

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_follow_up_is_given_to_someone_who_marks_it_done(
    page: Page, open_page, compliance_user, handler_user
):
    log_call(
        handler_user,
        call_type=Call.Type.NAMED_PERSON,
        received_at=timezone.now() - timedelta(days=7),
        requested=StaffContactFactory(),
        request_reason="A letter.",
    )
    follow_ups_gather()
    sign_in(page, compliance_user.username)
    page.get_by_role("link", name="Follow-ups").first.click()
    expect(page.locator(".follow-ups")).to_contain_text("Get a decision from")
    assert_accessible(page)
    page.locator(".follow-ups").get_by_role("link").first.click()
    page.get_by_label("Owner").select_option(label=str(handler_user))
    page.get_by_label("Due").fill(timezone.localdate().strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text(f"Given to {handler_user}.")).to_be_visible()
    assert_accessible(page)

    colleague = open_page()
    sign_in(colleague, handler_user.username)
    colleague.locator(".my-follow-ups").get_by_role("link").first.click()
    colleague.get_by_label("What was done").fill("Asked them to decide today.")
    colleague.get_by_role("button", name="Mark done").click()
    expect(colleague.locator(".follow-up-status")).to_contain_text("Done")
    assert FollowUp.objects.get().status == "done"


def test_the_quarterly_report_on_the_page_and_in_excel(page: Page, manager_user, background_worker):
    for days in (1, 2, 3):
        CallFactory(received_at=timezone.now() - timedelta(days=days))
    sign_in(page, manager_user.username)
    page.goto("/callers/report/")
    today = timezone.localdate()
    page.get_by_label("From").fill((today - timedelta(days=7)).strftime("%d/%m/%Y"))
    page.get_by_label("To (included)").fill(today.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Show the report").click()
    expect(page.locator(".report-waiting")).to_contain_text("being worked out")
    assert_accessible(page)
    background_worker()
    row = page.get_by_role("row", name=re.compile(r"^All calls 3 "))
    for _ in range(40):  # the worker works it out; the page shows it once it has
        page.reload()
        if row.count():
            break
        time.sleep(0.25)
    expect(row).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download as Excel").click()
    workbook = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    rows = {row[1]: row[2] for row in workbook.active.iter_rows(values_only=True)}
    assert rows["All calls"] == 3
