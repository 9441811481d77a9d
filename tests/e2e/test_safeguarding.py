"""Journeys: a concern raised while logging a call and decided by a manager; a safeguarding
referral; merging two records of one person; a subject access export (policy 5.3b, 5.8i)."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from callers.models import Call, Concern, ManagerAlert, Referral
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import CallerFactory, CallerPhoneFactory, CallFactory
from tests.helpers import pdf_text

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_handler_raises_a_concern_and_a_manager_decides_it(
    page: Page, open_page, handler_user, manager_user
):
    caller = CallerPhoneFactory(number="+441234567890", caller__full_name="Ruth Example").caller
    sign_in(page, handler_user.username)
    page.get_by_role("link", name="Log a call").first.click()
    page.get_by_label("Phone number").fill("01234 567890")
    page.get_by_role("button", name="Choose Ruth Example").click()
    page.get_by_label("Enquiry", exact=True).check()
    page.get_by_label("What the call is about").fill("Said she might take an overdose tonight")
    expect(page.locator(".risk-warning")).to_contain_text("Call 999")
    # One click tells every manager, in place: what was typed stays.
    page.get_by_role("button", name="Tell a manager now").click()
    expect(page.locator(".tell-manager")).to_contain_text("Every manager has been emailed")
    expect(page.get_by_label("What the call is about")).to_have_value(
        "Said she might take an overdose tonight"
    )
    page.get_by_label("Checked before anything about them was discussed").check()
    page.locator(
        "summary", has_text="If you have a concern about the caller"
    ).click()  # opens the section
    page.get_by_label("Kind of concern").select_option(label="Risk to the caller")
    page.get_by_label("What you noticed").fill("Very low and talking about ending things.")
    page.get_by_role("button", name="Log call").click()
    expect(page.get_by_role("heading", name="Call logged")).to_be_visible()
    expect(page.locator(".risk-warning")).to_be_visible()
    page.get_by_role("button", name="Tell a manager now").click()  # and from the confirmation
    expect(page.locator(".tell-manager")).to_contain_text("Every manager has been emailed")
    assert [a.call is not None for a in ManagerAlert.objects.order_by("pk")] == [False, True]
    assert_accessible(page)

    manager = open_page()
    sign_in(manager, manager_user.username)
    manager.goto("/callers/concerns/")
    assert_accessible(manager)
    manager.get_by_role("row", name="Ruth Example").get_by_role("link").click()
    expect(manager.get_by_text("Very low and talking about ending things.")).to_be_visible()
    assert_accessible(manager)
    manager.get_by_label("What you decided").fill("Called the crisis team with her consent.")
    manager.get_by_label("Agreed handling").fill("Keep calls calm; offer the crisis line.")
    manager.get_by_label("Close the concern").check()
    manager.get_by_role("button", name="Save the decision").click()
    expect(manager.locator(".concern-status")).to_contain_text("Closed")

    # The manager records the referral that followed.
    manager.get_by_role("link", name="Record a safeguarding referral").click()
    manager.get_by_label("Referred to").select_option(label="Mental health crisis team")
    manager.get_by_label("Lawful basis for sharing").select_option(label="Vital interests")
    manager.get_by_label("Yes, the caller consented").check()
    manager.get_by_label("Their reference").fill("MHCT-778")
    assert_accessible(manager)
    manager.get_by_role("button", name="Record the referral").click()
    expect(manager.get_by_text("Safeguarding referral recorded.")).to_be_visible()
    assert Referral.objects.get(caller=caller).concern == Concern.objects.get(caller=caller)

    # Back on the phone, the handler sees the agreed handling but not the detail.
    page.goto(caller.get_absolute_url())
    card = page.locator(".safeguarding-summary")
    expect(card).to_contain_text("Keep calls calm; offer the crisis line.")
    expect(card).to_contain_text("A safeguarding referral has been made.")
    expect(page.get_by_text("Very low and talking about ending things.")).to_have_count(0)


def test_merging_two_records_keeps_every_call_and_shows_in_history(page: Page, compliance_user):
    first = CallerPhoneFactory(number="+441234567890", caller__full_name="Pat Jones").caller
    second = CallerPhoneFactory(number="+441234567890", caller__full_name="Patricia Jones").caller
    CallFactory.create_batch(2, caller=first)
    CallFactory.create_batch(3, caller=second)
    sign_in(page, compliance_user.username)
    page.goto("/callers/duplicates/")
    assert_accessible(page)
    page.get_by_role("link", name="Compare and merge Pat Jones and Patricia Jones").click()
    page.get_by_label(f"Pat Jones ({first.reference})").check()
    assert_accessible(page)
    page.get_by_role("button", name="Merge the records").click()
    expect(page.get_by_text("The two records are now one.")).to_be_visible()
    expect(page.locator(".change-history")).to_contain_text(f"Merged in caller {second.reference}")
    assert Call.objects.filter(caller=first).count() == 5
    page.goto(second.get_absolute_url())
    expect(page.get_by_text("This record was merged into")).to_be_visible()
    expect(page.locator(".change-history")).to_contain_text(f"Merged into caller {first.reference}")


def test_from_a_callers_page_to_merging_by_reference(page: Page, compliance_user):
    first = CallerFactory(full_name="Chris Doe")
    second = CallerFactory(full_name="Christopher Doe")
    sign_in(page, compliance_user.username)
    page.goto(first.get_absolute_url())
    record_keeping = page.get_by_role("complementary", name="Record keeping")
    record_keeping.get_by_role("link", name="Merge with another record").click()
    assert_accessible(page)
    page.get_by_label("Reference of the other record").fill(first.reference)
    page.get_by_role("button", name="Compare the two records").click()
    expect(page.locator("#id_other").locator("..")).to_contain_text("That is this record")
    page.get_by_label("Reference of the other record").fill(second.reference.lower())
    page.get_by_role("button", name="Compare the two records").click()
    expect(page.get_by_role("heading", name="Merge two callers")).to_be_visible()
    page.get_by_label(f"Christopher Doe ({second.reference})").check()
    page.get_by_role("button", name="Merge the records").click()
    expect(page.get_by_text("The two records are now one.")).to_be_visible()
    assert page.url.endswith(second.get_absolute_url())


def test_a_subject_access_request_from_log_to_the_document_for_the_caller(
    page: Page, manager_user, background_worker
):
    """Logged from the caller's page with its deadline, identity recorded, the response
    written by the worker and downloaded by whoever asked: the caller's records only."""
    caller = CallerFactory(full_name="Sam Subject", notes="Prefers letters")
    calls = CallFactory.create_batch(3, caller=caller, about="Asked about CCTV near home")
    other = CallFactory(about="Another person's complaint about noise")
    sign_in(page, manager_user.username)
    page.goto(caller.get_absolute_url())
    record_keeping = page.get_by_role("complementary", name="Record keeping")
    record_keeping.get_by_role("link", name="Log a subject access request").click()
    assert_accessible(page)
    page.get_by_label("Someone acting for them").check()
    page.get_by_role("button", name="Log the request").click()
    expect(page.locator("#error-summary")).to_contain_text("Say who is acting for the caller")
    page.get_by_label("Who is acting for them").fill("Jo Advocate, Citizens Advice")
    page.get_by_role("button", name="Log the request").click()
    expect(page.get_by_text("logged: due")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("How it was verified").fill("Signed authority and address matched")
    page.get_by_role("button", name="Record the check").click()
    expect(page.get_by_text("Identity recorded.")).to_be_visible()
    page.get_by_role("button", name="Write the response").click()
    expect(page.locator(".response-status")).to_contain_text("background worker")
    background_worker()
    link = page.get_by_role("link", name="Download the document (PDF)")
    expect(link).to_be_visible(timeout=30_000)  # the page asks until the worker is done
    assert_accessible(page)
    with page.expect_download() as info:
        link.click()
    text = pdf_text(Path(info.value.path()).read_bytes())
    assert text.count("Asked about CCTV near home") == len(calls)
    assert "Prefers letters" in text and "Staff note" in text and "Contents" in text
    assert "Another person" not in text and other.caller.full_name not in text
    page.goto("/")
    expect(page.locator(".sar-due-soon")).to_have_count(0)  # due in a month, not this week
