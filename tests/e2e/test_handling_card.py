"""The handling card's first screen (1366 x 768, a common office laptop) answers who is this,
how to handle them and how often they have called, with their last calls: nothing of that
below the fold, however much the card has to say."""

import pytest
from playwright.sync_api import Page, expect

from callers.models import Concern
from callers.services.flags import flag_create
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import CallerPhoneFactory, CallFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_first_screen_answers_who_how_and_how_often(open_page, handler_user, manager_user):
    caller = CallerPhoneFactory(
        number="+441234567890",
        caller__full_name="Margaret Thompson",
        caller__other_names="Maggie Thompson",
        caller__reasonable_adjustments="Speak slowly and confirm anything agreed in writing.",
    ).caller
    for n in range(6):
        CallFactory(
            caller=caller,
            about=f"Call {n}: asked again about the noise from the pub on Friday nights and "
            "whether the police had been told, and wanted it put in writing.",
            outcome="Explained the options and the complaints route.",
        )
    flag_create(
        caller=caller,
        by=manager_user,
        kind="frequent",
        reason="Several calls a day",
        agreed_response="Log the call, be polite, and say that the single point of contact "
        "will reply in writing within five working days.",
        single_point_of_contact=manager_user,
        written_contact_only=True,
    )
    Concern.objects.create(caller=caller, raised_by=manager_user, kind="other", noticed="x")
    page: Page = open_page(viewport={"width": 1366, "height": 768})
    sign_in(page, handler_user.username)
    page.goto("/callers/log/")
    page.get_by_label("Phone number").fill("01234 567890")
    page.get_by_role("button", name="Choose Margaret Thompson").click()
    card = page.locator(".handling-card")
    expect(card).to_contain_text("single point of contact will reply in writing")
    fold = page.viewport_size["height"]
    for part in (".agreed-response", ".caller-counts", ".recent-calls li:last-child"):
        box = card.locator(part).bounding_box()
        assert box and box["y"] + box["height"] <= fold, (part, box)
    assert_accessible(page)
