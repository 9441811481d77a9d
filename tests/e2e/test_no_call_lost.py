"""Journeys: no call lost, none logged twice (the handler types while the caller speaks; the
server side may fail for a while): the network cut mid-submit, a reload, a session that ends
mid-call, and a long correction whose submit fails."""

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from callers.models import Call
from tests.e2e.conftest import assert_accessible, authenticator_secret, sign_in
from tests.e2e.test_log_call import fill_call, start_call
from tests.factories import PASSWORD
from tests.helpers import log_call, totp_code, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

SENDING = ".log-call-sending"


def test_the_network_cut_for_30_seconds_mid_submit_the_call_arrives_once(open_page, handler_user):
    page = open_page(network_fails=True)
    sign_in(page, handler_user.username)
    start_call(page)
    page.get_by_label("Full name").fill("Olwen Pritchard")
    fill_call(page, "Enquiry", "Asked when the Commissioner's surgery is.")

    # The first send reaches the server, which logs the call, but its answer is lost on the
    # way back: then the network is gone for 30 seconds.
    context = page.context
    answers_lost = []

    def lose_the_answer(route):
        if route.request.method == "POST" and not answers_lost:
            route.fetch()
            answers_lost.append(True)
            context.set_offline(True)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/callers/log/", lose_the_answer)
    page.get_by_role("button", name="Log call").click()
    expect(page.locator(SENDING)).to_contain_text("The call is not logged yet", timeout=10_000)
    expect(page.locator(SENDING)).to_contain_text("what you typed is kept")
    assert_accessible(page)
    assert Call.objects.count() == 1  # the first send got through; nobody knew
    page.wait_for_timeout(30_000)
    expect(page.get_by_label("Full name")).to_have_value("Olwen Pritchard")  # nothing emptied
    context.set_offline(False)

    expect(page.get_by_role("heading", name="Call logged")).to_be_visible(timeout=30_000)
    assert Call.objects.count() == 1  # sent again with the same token: logged once
    expect(page.locator(".call-reference")).to_have_text(Call.objects.get().reference)
    expect(page.get_by_text("already been logged")).to_have_count(0)  # nothing to puzzle over


def test_the_server_answering_503_is_tried_again_until_it_takes_the_call(open_page, handler_user):
    page = open_page(network_fails=True)
    sign_in(page, handler_user.username)
    start_call(page)
    page.get_by_label("Full name").fill("Dafydd Rowlands")
    fill_call(page, "Enquiry", "Wanted the address of police headquarters.")
    busy = []

    def restarting(route):
        if route.request.method == "POST" and len(busy) < 2:
            busy.append(True)  # what the server answers while PostgreSQL restarts
            route.fulfill(status=503, headers={"Retry-After": "5"}, body="Back in a moment")
        else:
            route.continue_()

    page.route("**/callers/log/", restarting)
    page.get_by_role("button", name="Log call").click()
    expect(page.locator(SENDING)).to_contain_text("busy or restarting")
    expect(page.get_by_role("heading", name="Call logged")).to_be_visible(timeout=20_000)
    assert len(busy) == 2
    assert Call.objects.filter(caller__full_name="Dafydd Rowlands").count() == 1


def test_what_was_typed_comes_back_after_a_reload_and_goes_once_logged(page: Page, handler_user):
    sign_in(page, handler_user.username)
    start_call(page)
    page.get_by_label("Full name").fill("Siân Ellis")
    fill_call(page, "Complaint", "Unhappy with how her report was handled.")
    page.reload()
    expect(page.locator(".draft-restored")).to_contain_text("not saved yet")
    expect(page.get_by_label("Full name")).to_have_value("Siân Ellis")
    expect(page.get_by_label("What the call is about")).to_have_value(
        "Unhappy with how her report was handled."
    )
    expect(page.get_by_label("Complaint", exact=True)).to_be_checked()
    expect(page.get_by_label("Complaints process")).to_be_visible()  # its section open again
    assert_accessible(page)
    page.get_by_label("Complaints process").select_option(
        label="Referred to the complaints process"
    )
    page.get_by_role("button", name="Log call").click()
    expect(page.get_by_role("heading", name="Call logged")).to_be_visible()
    assert Call.objects.count() == 1

    page.get_by_role("link", name="Log another call").click()
    expect(page.get_by_label("Full name")).to_have_value("")
    expect(page.locator(".draft-restored")).to_have_count(0)


def test_a_session_that_ends_mid_call_signs_in_again_beside_the_form_and_logs_it_once(
    open_page, handler_user
):
    page = open_page(network_fails=True)  # the ended session's 401 is the browser's to log
    sign_in(page, handler_user.username)
    start_call(page)
    page.get_by_label("Full name").fill("Gareth Lloyd")
    fill_call(page, "Enquiry", "Asked how to contact his neighbourhood team.")
    Session.objects.all().delete()  # the working day's session ends while he is speaking

    page.get_by_role("button", name="Log call").click()
    expect(page.locator(SENDING)).to_contain_text("Sign in again to log this call")
    assert_accessible(page)
    with page.expect_popup() as opened:
        page.get_by_role("button", name="Sign in again").click()
    window = opened.value
    window.get_by_label("Username").fill(handler_user.username)
    window.get_by_label("Password").fill(PASSWORD)
    window.get_by_role("button", name="Sign in").click()
    secret = authenticator_secret(handler_user)
    for step in (1, 2):  # each code works once: the first sign-in may have used the next one
        if window.is_closed():
            break
        window.get_by_label("Code").fill(totp_code(secret, periods_from_now=step))
        window.get_by_role("button", name="Sign in").click()
        closed_or_refused = window.get_by_text("That code is not right")
        try:
            closed_or_refused.wait_for(timeout=3_000)
        except PlaywrightError:  # not refused: signed in, and the window closed
            break

    # The window tells the form and closes; the form was never left nor emptied.
    expect(page.get_by_role("heading", name="Call logged")).to_be_visible(timeout=15_000)
    wait_until(lambda: window.is_closed(), seconds=5)
    call = Call.objects.get()
    assert call.caller.full_name == "Gareth Lloyd"
    assert call.handler == handler_user


def test_a_correction_typed_at_length_survives_a_failed_submit(
    open_page, compliance_user, handler_user
):
    call = log_call(handler_user, about="Enquiry about the plan")
    entry = call.dmts_entry
    page = open_page(network_fails=True)
    sign_in(page, compliance_user.username)
    page.goto(f"/dmts/{entry.pk}/correct/")
    page.get_by_label("What the call is about").fill("Enquiry about the Police and Crime Plan")
    page.get_by_label("Reason for the correction").fill("The summary named the wrong plan")

    page.route("**/dmts/*/correct/", lambda route: route.abort("connectionrefused"))
    page.get_by_role("button", name="Save correction").click()
    page.wait_for_timeout(500)
    page.unroute("**/dmts/*/correct/")
    page.goto(f"/dmts/{entry.pk}/correct/")  # back to the form, as a person would
    expect(page.locator(".draft-restored")).to_be_visible()
    expect(page.get_by_label("Reason for the correction")).to_have_value(
        "The summary named the wrong plan"
    )
    page.get_by_role("button", name="Save correction").click()
    expect(page.locator(".change-history")).to_contain_text("The summary named the wrong plan")

    page.goto(f"/dmts/{entry.pk}/correct/")  # saved: nothing is put back
    expect(page.get_by_label("Reason for the correction")).to_have_value("")
    expect(page.locator(".draft-restored")).to_have_count(0)
