"""Journeys: a handler logs calls while on the phone (policy 5.4, 5.5, 5.7, 5.8, 5.9)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from callers.models import Call, Caller, ContactRequest
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import CallerPhoneFactory, CallFactory, StaffContactFactory
from tests.helpers import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def start_call(page: Page) -> None:
    page.get_by_role("link", name="Log a call").first.click()
    expect(page.get_by_role("heading", name="Log a call")).to_be_visible()


NOT_NEEDED = "Not needed: nothing about them was discussed"


def fill_call(
    page: Page,
    call_type: str,
    about: str,
    outcome: str = "Explained the options.",
    identity: str = NOT_NEEDED,
) -> None:
    page.get_by_label(call_type, exact=True).check()
    page.get_by_label("What the call is about").fill(about)
    page.get_by_label("Outcome").fill(outcome)
    page.get_by_label(identity, exact=True).check()


def save(page: Page) -> str:
    page.get_by_role("button", name="Log call").click()
    expect(page.get_by_role("heading", name="Call logged")).to_be_visible()
    return page.locator(".call-reference").inner_text()


def test_new_caller_then_the_same_caller_by_another_format_of_their_number(
    page: Page, handler_user
):
    sign_in(page, handler_user.username)
    start_call(page)
    page.get_by_label("Phone number").fill("01234 567890")
    page.get_by_label("Full name").fill("John Smith")
    expect(page.get_by_text("No caller matches")).to_be_visible()
    fill_call(page, "Enquiry", "Asked how to contact the Commissioner.")
    reference = save(page)
    assert re.fullmatch(r"DMTS-\d{4}-\d{6}", reference)

    page.get_by_role("link", name="Log another call").click()
    page.get_by_label("Phone number").fill("+44 1234 567890")
    page.get_by_role("button", name="Choose John Smith").click()
    card = page.locator(".handling-card")
    expect(card.get_by_role("heading", name="Handling card: John Smith")).to_be_visible()
    expect(page.get_by_label("Enquiry", exact=True)).to_be_focused()  # still in the form
    expect(card.locator(".caller-counts tr", has_text="Calls")).to_contain_text("1")
    expect(card).to_contain_text("Asked how to contact the Commissioner.")
    assert_accessible(page)
    fill_call(page, "Enquiry", "Called back about the same thing.")
    save(page)
    assert Caller.objects.count() == 1
    assert Caller.objects.get().calls.count() == 2


def test_returning_caller_found_by_a_misspelt_name(page: Page, handler_user):
    caller = CallerPhoneFactory(
        caller__full_name="Margaret Thompson", caller__reasonable_adjustments="Speak slowly."
    ).caller
    CallFactory(caller=caller, about="Noise from the pub on Friday nights.")
    sign_in(page, handler_user.username)
    start_call(page)
    page.get_by_label("Full name").fill("Margret Tompson")
    page.get_by_role("button", name="Choose Margaret Thompson").click()
    card = page.locator(".handling-card")
    expect(card).to_contain_text("Speak slowly.")
    expect(card).to_contain_text("Noise from the pub on Friday nights.")
    fill_call(page, "Complaint", "Still unhappy about the noise.")
    page.get_by_label("Complaints process").select_option(
        label="Referred to the complaints process"
    )
    save(page)
    assert caller.calls.count() == 2


def test_request_for_a_named_person_emails_them_and_they_record_a_decision(
    page: Page, open_page, live_server, handler_user, smtp_server, background_worker
):
    background_worker(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_server.port),
        SITE_URL=live_server.url,
    )
    StaffContactFactory(name="Clare Kelly", job_title="Chief Executive", email="ce@opcc.example")
    sign_in(page, handler_user.username)
    start_call(page)
    page.get_by_label("Phone number").fill("020 7946 0000")
    page.get_by_label("Full name").fill("Ann Example")
    fill_call(page, "Request to speak to a named person", "Wants the Chief Executive.")
    section = page.locator("fieldset[data-call-types~=named_person]")
    expect(section).to_contain_text("Do not transfer the call")
    page.get_by_label("Person asked for").select_option(label="Clare Kelly, Chief Executive")
    page.get_by_label("Why they want to speak to them").fill("About a letter she received.")
    save(page)
    expect(page.get_by_text("is being emailed")).to_be_visible()

    # The background worker (a process of its own) sends the mail queued with the call.
    wait_until(lambda: smtp_server.messages)
    [message] = smtp_server.messages
    assert message["To"] == "ce@opcc.example"
    link = re.search(r"https?://\S+/callers/requests/\?t=\S+", message.get_content()).group(0)

    # The person asked for may never sign in: the emailed link is enough.
    recipient = open_page(base_url=None)
    recipient.goto(link)
    expect(recipient.get_by_text("About a letter she received.")).to_be_visible()
    assert_accessible(recipient)
    recipient.get_by_label("Will call back").check()
    recipient.get_by_role("button", name="Record my decision").click()
    expect(recipient.get_by_text("Thank you: your decision has been recorded")).to_be_visible()
    expect(recipient).to_have_url(re.compile(r"/callers/requests/$"))  # the token has gone
    assert ContactRequest.objects.get().decision == "will_call_back"


def test_a_number_typed_before_the_page_has_loaded_is_still_searched_for(page: Page, handler_user):
    """A quick handler (or a loaded machine) types before the scripts have arrived: the
    search must still run once they have, not wait for another key."""
    CallerPhoneFactory(number="+441234567890", caller__full_name="Ruth Example")
    sign_in(page, handler_user.username)
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    network.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 800, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    page.get_by_role("link", name="Log a call").first.click()
    page.get_by_label("Phone number").fill("01234 567890")  # the scripts are still on their way
    expect(page.get_by_role("button", name="Choose Ruth Example")).to_be_visible()


def test_an_abusive_call(page: Page, handler_user):
    sign_in(page, handler_user.username)
    start_call(page)
    page.get_by_label("Full name").fill("Not given")
    fill_call(page, "Other", "Shouted abuse about a parking ticket.", "Call ended.")
    page.locator(
        "summary", has_text="If the call was abusive or malicious"
    ).click()  # opens the section
    page.get_by_label("The call was abusive or malicious").check()
    page.get_by_role("button", name="Log call").click()
    expect(page.locator("#error_1_id_warning_time")).to_contain_text("Give the time")
    assert Call.objects.count() == 0
    # During the call: a minute and two after it was received (now, the form's default).
    warned, ended = (f"{timezone.localtime() + timedelta(minutes=m):%H:%M}" for m in (1, 2))
    page.get_by_label("Warning given at").fill(warned)
    page.get_by_label("Call terminated at").fill(ended)
    save(page)
    call = Call.objects.get()
    assert call.abusive and call.warning_given_at and call.terminated_at
    page.get_by_role("link", name="View the call").click()
    expect(page.get_by_text(f"warning given {warned}, call terminated {ended}")).to_be_visible()


def test_a_sales_call_shows_only_what_it_needs(page: Page, handler_user):
    sign_in(page, handler_user.username)
    start_call(page)
    sales = page.locator("fieldset[data-call-types=sales]")
    expect(sales).to_be_hidden()
    page.get_by_label("Full name").fill("Sam Seller")
    fill_call(page, "Sales or marketing", "Selling printer toner.")
    expect(sales).to_be_visible()
    expect(page.locator("[data-call-types=complaint]")).to_be_hidden()
    page.get_by_label("Organisation").fill("Brightline Office Supplies")
    page.get_by_label("What they were selling or promoting").fill("Printer toner")
    save(page)
    call = Call.objects.get()
    assert (call.call_type, call.organisation) == ("sales", "Brightline Office Supplies")


def test_how_they_were_recognised_in_one_key_and_a_sales_call_asking_for_someone(
    page: Page, handler_user
):
    """5.7 with a number key in its answers; 5.9(b): a sales call asking for a named person
    takes the person as any request does."""
    person = StaffContactFactory(name="Dana Director")
    sign_in(page, handler_user.username)
    start_call(page)
    page.get_by_label("Full name").fill("Sam Seller")
    page.get_by_label("They said they had called before (5.7b)").focus()
    page.keyboard.press("3")
    expect(page.get_by_label("I asked whether they had called before (5.7c)")).to_be_checked()
    fill_call(page, "Sales or marketing", "Selling printer toner; asked for Dana.")
    page.get_by_label("Organisation").fill("Brightline Office Supplies")
    page.get_by_label("What they were selling or promoting").fill("Printer toner")
    page.get_by_label("Person asked for").select_option(value=str(person.pk))
    page.get_by_role("button", name="Log call").click()
    expect(page.locator("#error-summary")).to_contain_text("Say why they asked for this person")
    page.get_by_label("Why they want to speak to them").fill("To offer a discount.")
    save(page)
    call = Call.objects.get()
    assert (call.call_type, call.recognised) == ("sales", "asked")
    assert call.contact_request.requested == person


def test_a_double_click_logs_one_call(page: Page, handler_user):
    sign_in(page, handler_user.username)
    start_call(page)
    page.get_by_label("Full name").fill("Double Click")
    fill_call(page, "Enquiry", "Asked twice.")
    page.get_by_role("button", name="Log call").dblclick()
    expect(page.get_by_role("heading", name="Call logged")).to_be_visible()
    assert Call.objects.count() == 1


def test_the_form_works_without_javascript(open_page, handler_user):
    caller = CallerPhoneFactory(number="+441234567890", caller__full_name="John Smith").caller
    page = open_page(java_script_enabled=False)
    sign_in(page, handler_user.username)
    page.goto("/callers/log/")
    page.get_by_label("Phone number").fill("(01234) 567 890")
    page.get_by_role("button", name="Find caller").click()
    page.get_by_role("button", name="Choose John Smith").click()
    expect(page.get_by_role("heading", name="Handling card: John Smith")).to_be_visible()
    fill_call(page, "Enquiry", "No JavaScript here.")
    save(page)
    assert caller.calls.count() == 1


def test_callers_search_and_caller_page(page: Page, handler_user):
    caller = CallerPhoneFactory(caller__full_name="Margaret Thompson").caller
    CallFactory.create_batch(3, caller=caller)
    sign_in(page, handler_user.username)
    page.get_by_role("link", name="Callers").click()
    page.get_by_label("Name or phone number").fill("Margret Thompson")
    page.get_by_label("Name or phone number").press("Enter")
    page.get_by_role("link", name="Margaret Thompson").first.click()
    expect(page.get_by_role("heading", name="Calls per day, last 90 days")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Edit details").click()
    page.get_by_label("Reasonable adjustments").fill("Prefers written contact.")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("Caller's details saved.")).to_be_visible()
    expect(page.locator(".change-history")).to_contain_text("Prefers written contact.")


def test_a_browser_set_to_the_us_still_shows_and_takes_british_dates(open_page, handler_user):
    page = open_page(locale="en-US", timezone_id="America/New_York")
    sign_in(page, handler_user.username)
    page.goto("/callers/log/")
    today = timezone.localtime()
    page.locator("summary", has_text="Received at").click()
    received = page.get_by_label("Received at")
    expect(received).to_have_value(re.compile(rf"^{today:%d/%m/%Y} \d\d:\d\d$"))
    page.get_by_label("Ended at").fill("23:59")
    assert_accessible(page)
