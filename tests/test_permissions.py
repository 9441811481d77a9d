"""Who may open what: every URL the project serves, for every role, against a table of what is
expected. The table is written out by hand; a URL that is not in it fails the test, so a new
page cannot arrive without someone deciding who may see it. And every view of ours declares
the permission it needs."""

import re

import lxml.html
import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from opcc_calls.permissions import SIGNED_IN
from tests.factories import UserFactory
from tests.helpers import sign_in_fully, world_args

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "no role", "handler", "compliance", "manager"]
#: The apps whose views must declare their permission with `requires()`.
OUR_APPS = ("opcc_calls.", "callers.", "dmts.")


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns == "admin":
                continue  # Django's admin checks is_staff and each model's permissions itself.
            yield from _walk(
                entry.url_patterns,
                prefix + str(entry.pattern),
                f"{namespace}{ns}:" if ns else namespace,
            )
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern), entry.callback


ROUTES = sorted(_walk(get_resolver().url_patterns), key=lambda r: r[0])
OURS = [r for r in ROUTES if r[2].__module__.startswith(OUR_APPS)]

LOGIN = "sign in"  # sent to the sign-in page
#: GET as each role: anonymous, signed in with no role, call handler, Compliance Officer,
#: Business and Compliance Manager. Objects named in URLs exist (the `world` fixture); the
#: handler took the call. 405: the page only takes a POST.
EXPECTED = {
    # The project
    "home": (LOGIN, 200, 200, 200, 200),
    "health": (200, 200, 200, 200, 200),
    # The interface's language: a switch on every page, the sign-in page's too
    "language": (405, 405, 405, 405, 405),
    # The procedure (SOP 6.1): everyone reads it; managers publish it and see who has read it
    "procedure": (LOGIN, 200, 200, 200, 200),
    "procedure_publish": (LOGIN, 403, 403, 403, 200),
    "procedure_readers": (LOGIN, 403, 403, 403, 200),
    "telephony_events": (405, 405, 405, 405, 405),
    "security_policy": (LOGIN, 403, 403, 403, 200),
    # Where signing in again beside a form ends (its window tells the form and closes)
    "signed_in": (LOGIN, 200, 200, 200, 200),
    # Signing in (django-allauth): open before sign-in, or about one's own account.
    "login": (200, 302, 302, 302, 302),
    "account_login": (200, 302, 302, 302, 302),
    "logout": (LOGIN, 200, 200, 200, 200),
    "account_logout": (LOGIN, 200, 200, 200, 200),
    "password_change": (LOGIN, 200, 200, 200, 200),
    "account_change_password": (LOGIN, 200, 200, 200, 200),
    "account_set_password": (LOGIN, 302, 302, 302, 302),
    "account_signup": (200, 302, 302, 302, 302),
    "account_inactive": (200, 200, 200, 200, 200),
    "account_reauthenticate": (LOGIN, 200, 200, 200, 200),
    "account_reset_password": (200, 200, 200, 200, 200),
    "account_reset_password_done": (200, 200, 200, 200, 200),
    "account_reset_password_from_key": (200, 200, 200, 200, 200),
    "account_reset_password_from_key_done": (200, 200, 200, 200, 200),
    "mfa_index": (LOGIN, 200, 200, 200, 200),
    "mfa_authenticate": (LOGIN, 302, 302, 302, 302),
    "mfa_reauthenticate": (LOGIN, 302, 302, 302, 302),
    "mfa_activate_totp": (LOGIN, 302, 302, 302, 302),
    "mfa_deactivate_totp": (LOGIN, 404, 404, 404, 404),
    "mfa_generate_recovery_codes": (LOGIN, 302, 302, 302, 302),
    "mfa_view_recovery_codes": (LOGIN, 404, 404, 404, 404),
    "mfa_download_recovery_codes": (LOGIN, 404, 404, 404, 404),
    "mfa_add_webauthn": (LOGIN, 302, 302, 302, 302),
    "mfa_list_webauthn": (LOGIN, 200, 200, 200, 200),
    "mfa_edit_webauthn": (LOGIN, 302, 302, 302, 302),
    "mfa_remove_webauthn": (LOGIN, 302, 302, 302, 302),
    "mfa_reauthenticate_webauthn": (LOGIN, 302, 302, 302, 302),
    "socialaccount_login_cancelled": (200, 200, 200, 200, 200),
    "socialaccount_login_error": (401, 401, 401, 401, 401),  # "sign-in failed", said as 401
    "socialaccount_signup": (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    "openid_connect_login": (404, 404, 404, 404, 404),  # no provider configured here
    "openid_connect_callback": (404, 404, 404, 404, 404),
    # Logging a call and callers (policy 5.4-5.8)
    "callers:log": (LOGIN, 403, 200, 200, 200),
    "callers:matches": (LOGIN, 403, 405, 405, 405),
    "callers:phone_call": (LOGIN, 403, 200, 200, 200),
    "callers:phone_call_dismiss": (LOGIN, 403, 405, 405, 405),
    "callers:risk_check": (LOGIN, 403, 405, 405, 405),
    "callers:tell_manager": (LOGIN, 403, 405, 405, 405),
    "callers:logged": (LOGIN, 403, 200, 200, 200),
    "callers:search": (LOGIN, 403, 200, 200, 200),
    "callers:detail": (LOGIN, 403, 200, 200, 200),
    "callers:card": (LOGIN, 403, 200, 200, 200),
    "callers:edit": (LOGIN, 403, 200, 200, 200),
    "callers:request_decide": (404, 404, 404, 404, 404),  # no link followed in this session
    "callers:request_change": (LOGIN, 403, 403, 200, 200),
    # The DMTS call log (5.5, 5.8g)
    "dmts:log": (LOGIN, 403, 200, 200, 200),
    "dmts:entry": (LOGIN, 403, 200, 200, 200),
    "dmts:correct": (LOGIN, 403, 200, 200, 200),
    "dmts:queue": (LOGIN, 403, 403, 200, 200),
    "dmts:review_selected": (LOGIN, 403, 403, 405, 405),
    "dmts:review": (LOGIN, 403, 403, 405, 405),
    "dmts:void": (LOGIN, 403, 403, 200, 200),
    "dmts:complaint_reference": (LOGIN, 403, 403, 405, 405),
    "dmts:export_new": (LOGIN, 403, 403, 405, 405),
    # The Compliance Officer's own export: nobody else may see or download it.
    "dmts:export": (LOGIN, 403, 403, 200, 404),
    "dmts:export_download": (LOGIN, 403, 403, 200, 404),
    # Follow-ups and the report, at the addresses they had under dmts: sent where they are now.
    "moved": (LOGIN, 301, 301, 301, 301),
    # Frequent and regular callers (5.2, 5.3, 5.6, 5.8h)
    "callers:candidates": (LOGIN, 403, 403, 200, 200),
    "callers:flag_new": (LOGIN, 403, 403, 403, 200),
    "callers:flag": (LOGIN, 403, 403, 200, 200),
    "callers:flag_renew": (LOGIN, 403, 403, 403, 200),
    "callers:flag_response": (LOGIN, 403, 403, 403, 200),
    "callers:flag_arrangements": (LOGIN, 403, 403, 403, 200),
    "callers:flag_end": (LOGIN, 403, 403, 403, 200),
    # Telling the caller in writing, and their appeal: letters hold the caller's address
    "callers:notice_new": (LOGIN, 403, 403, 403, 200),
    "callers:letter": (LOGIN, 403, 403, 200, 200),
    "callers:letter_docx": (LOGIN, 403, 403, 200, 200),
    "callers:letter_pdf": (LOGIN, 403, 403, 200, 200),
    "callers:letter_sent": (LOGIN, 403, 403, 403, 405),
    "callers:letterhead": (LOGIN, 403, 403, 403, 200),
    "callers:letter_templates": (LOGIN, 403, 403, 403, 200),
    "callers:letter_template": (LOGIN, 403, 403, 403, 200),
    "callers:appeal_new": (LOGIN, 403, 403, 200, 200),
    "callers:appeal": (LOGIN, 403, 403, 200, 200),
    "callers:appeal_decide": (LOGIN, 403, 403, 403, 405),
    "callers:frequent_log": (LOGIN, 403, 403, 200, 200),
    "callers:frequent_log_csv": (LOGIN, 403, 403, 200, 200),
    "callers:frequent_log_xlsx": (LOGIN, 403, 403, 200, 200),
    "callers:meetings": (LOGIN, 403, 403, 200, 200),
    "callers:meeting": (LOGIN, 403, 403, 200, 200),
    "callers:meeting_decide": (LOGIN, 403, 403, 403, 405),
    "callers:meeting_record": (LOGIN, 403, 403, 403, 405),
    "callers:meeting_pdf": (LOGIN, 403, 403, 200, 200),
    "callers:meeting_action": (LOGIN, 403, 403, 403, 405),
    "callers:meeting_cycle": (LOGIN, 403, 403, 403, 405),
    # Follow-ups: kept by the Compliance Officer and managers; each open to its owner too
    "callers:follow_ups": (LOGIN, 403, 403, 200, 200),
    "callers:report": (LOGIN, 403, 403, 200, 200),
    # Until the worker has worked the report out, its downloads send you to its page.
    "callers:report_xlsx": (LOGIN, 403, 403, 302, 302),
    "callers:report_pdf": (LOGIN, 403, 403, 302, 302),
    "callers:follow_up": (LOGIN, 403, 403, 200, 200),
    "callers:follow_up_assign": (LOGIN, 403, 403, 405, 405),
    "callers:follow_up_done": (LOGIN, 405, 405, 405, 405),
    "callers:dashboard": (LOGIN, 403, 403, 200, 200),
    "callers:rules": (LOGIN, 403, 403, 200, 200),
    # Vulnerability and safeguarding (5.3b, 5.8i, 5.8j): detail for managers only
    "callers:concern_new": (LOGIN, 403, 200, 200, 200),
    "callers:concerns": (LOGIN, 403, 403, 403, 200),
    "callers:concern": (LOGIN, 403, 403, 403, 200),
    "callers:referral_new": (LOGIN, 403, 403, 403, 200),
    "callers:referral": (LOGIN, 403, 403, 403, 200),
    # Data protection
    "callers:duplicates": (LOGIN, 403, 403, 200, 200),
    "callers:merge": (LOGIN, 403, 403, 200, 200),
    "callers:merge_with": (LOGIN, 403, 403, 200, 200),
    "callers:legal_hold": (LOGIN, 403, 403, 403, 405),
    "callers:retention": (LOGIN, 403, 403, 403, 200),
    # Subject access: the register and the responses hold concerns, so managers only (V14)
    "callers:subject_access": (LOGIN, 403, 403, 403, 200),
    "callers:subject_access_requests": (LOGIN, 403, 403, 403, 200),
    "callers:subject_access_request": (LOGIN, 403, 403, 403, 200),
    "callers:subject_access_step": (LOGIN, 403, 403, 403, 405),
    "callers:subject_access_build": (LOGIN, 403, 403, 403, 405),
    # Only whoever asked for a response may see or download it.
    "callers:subject_access_response": (LOGIN, 403, 403, 403, 404),
    "callers:subject_access_download": (LOGIN, 403, 403, 403, 404),
    "callers:import": (LOGIN, 403, 403, 403, 200),
}


@pytest.fixture
def role_clients(client, handler_user, compliance_user, manager_user):
    def signed_in(user) -> Client:
        return sign_in_fully(Client(), user)

    return {
        "anonymous": client,
        "no role": signed_in(UserFactory(username="no-role-at-all")),
        "handler": signed_in(handler_user),
        "compliance": signed_in(compliance_user),
        "manager": signed_in(manager_user),
    }


def test_every_url_has_its_row_in_the_table():
    served = {name for name, _, _ in ROUTES}
    assert served - set(EXPECTED) == set(), "URLs with no row: decide who may open them"
    assert set(EXPECTED) - served == set(), "rows for URLs that no longer exist"


@pytest.mark.parametrize(("name", "route", "view"), OURS, ids=[r[0] for r in OURS])
def test_every_view_of_ours_declares_its_permission(name, route, view):
    assert hasattr(view, "required_permission"), f"{name} declares no permission"


@pytest.mark.parametrize(("name", "route", "view"), OURS, ids=[r[0] for r in OURS])
def test_a_view_that_needs_a_permission_refuses_whoever_lacks_it(name, route, view):
    """The table's 403s for our views come from the declared permission, not by chance."""
    permission = view.required_permission
    no_role = EXPECTED[name][ROLES.index("no role")]
    if permission.startswith(("callers.", "dmts.", "opcc_calls.")):
        assert no_role == 403, f"{name} needs {permission}: someone with no role gets 403"
    else:
        assert permission in {SIGNED_IN} or no_role != 403


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_gets_what_the_table_says(name, world, role_clients):
    args = world_args(name, world)
    url = reverse(name, kwargs=args) if isinstance(args, dict) else reverse(name, args=args)
    got = []
    for role in ROLES:
        response = role_clients[role].get(url)
        if response.status_code == 302 and re.match(r"^/sign-in/", response.url):
            got.append(LOGIN)
        else:
            got.append(response.status_code)
    assert tuple(got) == EXPECTED[name], dict(zip(ROLES, got, strict=True))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_page_repeats_an_id(name, world, role_clients):
    """Every id on a page is its own (a label, a skip link or an htmx target finds the one it
    means): each page as every role that may open it sees it."""
    args = world_args(name, world)
    url = reverse(name, kwargs=args) if isinstance(args, dict) else reverse(name, args=args)
    for role in ROLES:
        response = role_clients[role].get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        ids = [e.get("id") for e in lxml.html.fromstring(response.content).iter() if e.get("id")]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        assert not repeated, f"{role}: {repeated}"
