"""Journey: a manager flags a caller with written contact only, writes the notice to them,
downloads it as a Word document and a PDF, and records it sent; the caller appeals, the
manager who flagged them cannot decide it, another manager upholds it and the flag ends."""

import io
from pathlib import Path

import docx
import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from callers.models import Flag
from opcc_calls.roles import Role
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import UserFactory
from tests.helpers import frequent_caller, pdf_text

pytestmark = pytest.mark.django_db(transaction=True)
STAFF_NOTE = "Staff only: the caller's neighbour says they are unwell."


def _download(page: Page, link: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link, exact=True).click()
    return Path(info.value.path()).read_bytes()


def test_notice_sent_appeal_heard_by_another_manager_and_upheld(
    page: Page, open_page, manager_user, compliance_user
):
    caller = frequent_caller()
    caller.full_name, caller.postal_address = "Zoë Example", "2 Low Road\nTownsville AB1 2CD"
    caller.save()
    other = UserFactory(username="olu", roles=[Role.BUSINESS_AND_COMPLIANCE_MANAGER])

    # The manager sets the office's letterhead, which every letter carries.
    sign_in(page, manager_user.username)
    page.goto("/callers/letter-templates/")
    page.get_by_role("link", name="Set the letterhead").click()
    assert_accessible(page)
    page.locator("#id_address").fill("Police Headquarters\n1 Example Way\nAN1 2CD")
    page.get_by_label("Telephone").fill("0300 123 4567")
    page.get_by_label("Email address").fill("opcc@example.org")
    page.get_by_label("Why it is changing").fill("Our address for letters")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Telephone: 0300 123 4567")).to_be_visible()

    # The manager flags them with written contact only, a staff-only note beside it.
    page.goto(f"/callers/{caller.pk}/flag/")
    page.get_by_label("Frequent caller").check()
    page.get_by_label("Agreed response").fill("Take details; the contact writes back.")
    page.get_by_label("Written contact only").check()
    page.get_by_label("Adjustments considered").fill(STAFF_NOTE)
    page.get_by_role("button", name="Flag this caller").click()
    expect(page.get_by_text("is flagged as a frequent caller")).to_be_visible()

    # The notice: written from the office's wording, downloaded both ways.
    page.get_by_role("link", name="Write the notice to the caller").click()
    assert_accessible(page)
    why = page.get_by_label("Why, in words for the caller")
    expect(why).to_have_value("")  # the flag's own reason is for staff
    why.fill("You called us 40 times in a week.")
    page.get_by_role("button", name="Write the notice").click()
    expect(page.get_by_role("heading", name="How you may contact us")).to_be_visible()
    assert_accessible(page)
    word = docx.Document(io.BytesIO(_download(page, "Word document (editable)")))
    word_text = "\n".join(paragraph.text for paragraph in word.paragraphs)
    large = PdfReader(io.BytesIO(_download(page, "PDF, large print (16 point)")))
    assert large.trailer["/Root"]["/MarkInfo"]["/Marked"]  # tagged, for a screen reader
    for text in (word_text, pdf_text(_download(page, "PDF"))):
        assert "Zoë Example" in text
        assert "Please contact us in writing only" in text
        assert "Telephone: 0300 123 4567" in text
        assert f"Your reference: {caller.reference}" in text
        assert STAFF_NOTE not in text
        assert "Take details" not in text

    # Recorded as sent: the flag says so.
    page.get_by_label("By post").check()
    page.get_by_role("button", name="Record as sent").click()
    expect(page.locator(".letters")).to_contain_text("sent by post on")
    expect(page.locator(".flag-notice")).to_contain_text("the caller was told on")

    # The Compliance Officer records the caller's appeal.
    officer = open_page()
    sign_in(officer, compliance_user.username)
    officer.goto(page.url)
    officer.get_by_role("link", name="Record an appeal").click()
    officer.get_by_label("What the caller says").fill("I only call about my own case.")
    assert_accessible(officer)
    officer.get_by_role("button", name="Record the appeal").click()
    expect(officer.locator(".appeal-outcome")).to_contain_text("Waiting for a decision")
    appeal_url = officer.url

    # The manager who made the flag may not decide it.
    page.goto(appeal_url)
    expect(page.locator(".not-the-decider")).to_be_visible()
    expect(page.get_by_role("button", name="Record the decision")).to_have_count(0)

    # Another manager finds it on their home page and upholds it: the flag ends.
    deciding = open_page()
    sign_in(deciding, other.username)
    deciding.locator(".appeals-waiting").get_by_role("link", name="Zoë Example").click()
    assert_accessible(deciding)
    deciding.get_by_label("Upheld: the flag ends").check()
    deciding.get_by_label("Reasons for the decision").fill("The calls were about a new matter.")
    deciding.get_by_role("button", name="Record the decision").click()
    expect(deciding.locator(".appeal-outcome")).to_contain_text("Upheld: the flag ends")
    deciding.get_by_role("link", name="Appeal upheld").click()
    expect(deciding.get_by_text("We have upheld your appeal.")).to_be_visible()
    assert not Flag.objects.active().filter(caller=caller).exists()
