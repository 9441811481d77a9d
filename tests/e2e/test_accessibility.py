"""Every other page a manager can reach passes axe-core with no serious or critical
violation (the journeys check the rest as they go)."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from callers.models import Concern
from callers.services.flags import flag_create
from tests.e2e.conftest import assert_accessible, sign_in
from tests.helpers import frequent_caller, log_call

pytestmark = pytest.mark.django_db(transaction=True)


def test_remaining_pages_pass_axe(page: Page, manager_user):
    caller = frequent_caller()
    made = flag_create(
        caller=caller,
        by=manager_user,
        kind="frequent",
        reason="r",
        agreed_response="Written replies only.",
    )
    call = log_call(manager_user)
    Concern.objects.create(caller=caller, raised_by=manager_user, kind="other", noticed="x")
    urls = [
        reverse("password_change"),
        reverse("callers:search"),
        reverse("callers:edit", args=[caller.pk]),
        reverse("callers:flag", args=[made.pk]),
        reverse("callers:flag_renew", args=[made.pk]),
        reverse("callers:flag_end", args=[made.pk]),
        reverse("callers:flag_response", args=[made.pk]),
        reverse("callers:flag_arrangements", args=[made.pk]),
        reverse("callers:letter_templates"),
        reverse("callers:follow_ups"),
        reverse("callers:report"),
        reverse("callers:letter_template", args=["appeal_upheld"]),
        reverse("callers:meetings"),
        reverse("callers:import"),
        reverse("callers:concern_new", args=[caller.pk]),
        reverse("dmts:correct", args=[call.pk]),
        reverse("dmts:void", args=[call.pk]),
        reverse("signed_in"),  # opened by itself, not beside a form
    ]
    sign_in(page, manager_user.username)
    for url in urls:
        page.goto(url)
        assert_accessible(page)
