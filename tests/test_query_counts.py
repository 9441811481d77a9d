"""Pages not covered by their feature's tests run a fixed number of queries however much
data there is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from callers.models import Concern
from callers.services.flags import flag_change_response
from opcc_calls.roles import Role
from tests.factories import UserFactory
from tests.helpers import flag, frequent_caller, log_call, queries, sign_in_fully

pytestmark = pytest.mark.django_db


def test_home_for_every_role_at_once(client, manager_user):
    everyone = UserFactory(roles=list(Role), is_staff=True)
    sign_in_fully(client, everyone)
    counts = []
    for n in (1, 10):
        for _ in range(n):
            flag(frequent_caller(), manager_user)
            log_call(everyone)
        counts.append(queries(client, "/"))
    assert counts[0] == counts[1]


def test_flag_and_concern_pages(manager_client, manager_user):
    counts = {"flag": [], "concern": []}
    for renewals in (1, 8):
        caller = frequent_caller()
        made = flag(caller, manager_user)
        for version in range(1, renewals + 1):
            flag_change_response(
                flag=made,
                by=manager_user,
                reason="r",
                agreed_response=f"Response {version}",
                version=version,
            )
        concern = Concern.objects.create(
            caller=caller, raised_by=manager_user, kind="other", noticed="x"
        )
        counts["flag"].append(queries(manager_client, made.get_absolute_url()))
        counts["concern"].append(queries(manager_client, concern.get_absolute_url()))
    assert counts["flag"][0] == counts["flag"][1]
    assert counts["concern"][0] == counts["concern"][1]


def test_caller_edit_and_entry_correction_pages(manager_client, manager_user):
    counts = []
    for n in (1, 20):
        call = log_call(manager_user)
        for _ in range(n):
            log_call(manager_user, caller=call.caller)
        counts.append(
            (
                queries(manager_client, reverse("callers:edit", args=[call.caller_id])),
                queries(manager_client, reverse("dmts:correct", args=[call.pk])),
            )
        )
    assert counts[0] == counts[1]


def test_no_page_asks_the_shared_cache_for_its_layout(handler_client):
    """The navigation and the log-a-call form's fields are kept in each process's memory:
    in the shared cache (a table) they cost every page two queries more than the floor."""
    for url in (reverse("home"), reverse("callers:log")):
        handler_client.get(url)
        with CaptureQueriesContext(connection) as ran:
            handler_client.get(url)
        assert not [q for q in ran.captured_queries if "opcc_calls_cache" in q["sql"]], url
