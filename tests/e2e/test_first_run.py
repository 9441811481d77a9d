"""The first-run checklist as a manager meets it (issue 26): on their home page until done,
each item put right where it says, gone once it is."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from opcc_calls.roles import Role
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_puts_right_what_the_checklist_lists(page: Page, settings):
    settings.COMPLAINTS_EMAIL, settings.TELEPHONY_WEBHOOK_SECRET = "c@opcc.example", "x" * 32
    UserFactory(
        username="maya",
        first_name="Maya",
        roles=[Role.CALL_HANDLER, Role.BUSINESS_AND_COMPLIANCE_MANAGER],
        is_staff=True,
    )
    newcomer = UserFactory(username="new-manager", roles=[Role.BUSINESS_AND_COMPLIANCE_MANAGER])
    sign_in(page, "maya")
    page.set_viewport_size({"width": 1024, "height": 800})
    page.reload()
    checklist = page.get_by_role("region", name="Before the office takes calls")
    expect(checklist).to_contain_text("no entry for the Commissioner")
    expect(checklist).to_contain_text("Some staff cannot log calls")
    expect(checklist).to_contain_text("new-manager")
    assert_accessible(page)

    # The Commissioner, added to the staff directory as the checklist says.
    page.goto("/admin/callers/staffcontact/add/")
    page.get_by_label("Name").fill("Alison Hughes")
    page.get_by_label("Email address").fill("commissioner@opcc.example")
    page.get_by_label("Is the Police and Crime Commissioner").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()

    page.goto("/")
    expect(checklist).not_to_contain_text("Commissioner")
    expect(checklist).to_contain_text("new-manager")

    # The newcomer given the call handlers' role too: nothing is left, and no checklist.
    newcomer.groups.add(Group.objects.get(name=Role.CALL_HANDLER))
    page.reload()
    expect(page.get_by_role("heading", name="Good to see you, Maya")).to_be_visible()
    expect(checklist).to_have_count(0)
