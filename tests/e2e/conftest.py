"""Playwright (Python) driving Debian's Chromium against pytest-django's live server.

Outside CI, a machine without Chromium skips these tests with one line saying how to enable them;
with CI set (to anything but empty, 0, false, no or off) a missing browser is a failure.
"""

import json
import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright

from opcc_calls.models import User
from tests.factories import PASSWORD
from tests.helpers import IN_CI, authenticator_app, totp_code

CHROMIUM_CANDIDATES = [
    os.environ.get("CHROMIUM_PATH", ""),
    "/usr/lib/chromium/chromium",
    "/usr/bin/chromium",
    shutil.which("chromium") or "",
]
CHROMIUM = next((p for p in CHROMIUM_CANDIDATES if p and Path(p).exists()), None)
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
]
SKIP_REASON = (
    "browser tests skipped: Chromium not found; install Debian's chromium "
    "(sudo apt-get install chromium) or set CHROMIUM_PATH to run them"
)


def pytest_collection_modifyitems(config, items):
    browser_items = [i for i in items if "e2e" in Path(str(i.fspath)).parts]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
        if CHROMIUM is None and not IN_CI:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if CHROMIUM is None:
        pytest.fail("CI is set but Chromium is missing: .ci/run installs Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()


#: Every browser session: British, on office time, and with reduced motion, so that no state a
#: test checks (axe's colour contrast above all) is caught halfway through a CSS transition.
CONTEXT = {"locale": "en-GB", "timezone_id": "Europe/London", "reduced_motion": "reduce"}


@pytest.fixture
def open_page(browser: Browser, live_server) -> Iterator[Callable[..., Page]]:
    """Opens a page in a browser session of its own (one person signed in), with the same
    settings every time; a script error or CSP violation on any of them fails the test."""
    contexts, errors = [], []

    def ours(message) -> bool:
        """An error on one of our pages (not on the identity provider's, in the SSO tests)."""
        origin = message.location.get("url", "") if message.location else ""
        return message.type == "error" and origin.startswith(live_server.url)

    def opened(*, network_fails: bool = False, **options) -> Page:
        """`network_fails`: the test cuts the network or answers 503 on purpose, so the
        browser's "Failed to load resource" and htmx's failed requests are expected (script
        errors are not)."""
        context = browser.new_context(**{"base_url": live_server.url} | CONTEXT | options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()

        def heard(message) -> None:
            if ours(message) and not (
                network_fails
                and message.text.startswith(
                    ("Failed to load resource", "htmx:sendError", "htmx:afterRequest")
                )
            ):
                errors.append(message.text)

        page.on("console", heard)
        page.on("pageerror", lambda e: errors.append(str(e)))
        return page

    yield opened
    for context in contexts:
        context.close()
    assert not errors, errors


@pytest.fixture
def page(open_page) -> Page:
    return open_page()


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Both steps, as staff do: the password, then a code from their authenticator app (set up
    for them here the first time, as the office requires)."""
    secret = authenticator_secret(User.objects.get(username=username))
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your second factor")).to_be_visible()
    # The same person signing in twice within 30 seconds needs the next code: each works once.
    for step in (0, 1):
        page.get_by_label("Code").fill(totp_code(secret, periods_from_now=step))
        page.get_by_role("button", name="Sign in").click()
        signed_in = page.get_by_role("button", name="Sign out")
        refused = page.get_by_text("That code is not right")
        expect(signed_in.or_(refused)).to_be_visible()
        if signed_in.is_visible():
            return
    expect(signed_in).to_be_visible()


def authenticator_secret(user) -> str:
    """The secret of someone's authenticator app, given them if they have none."""
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing:
        return decrypt(existing.data["secret"])
    return authenticator_app(user)


_axe = Axe()


def assert_accessible(page: Page) -> None:
    """axe-core finds no serious or critical violation on the page as it stands, once nothing
    on it is moving (a button measured mid-transition has colours it never shows at rest)."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    results = _axe.run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert not bad, "\n".join(bad)


OIDC_DIR = Path(__file__).resolve().parent.parent / "oidc"


@pytest.fixture
def oidc_provider(live_server, settings):
    """A real OpenID Connect provider (the npm package oidc-provider) on loopback, and the app
    configured to use it as the office's single sign-on: what OIDC_ISSUER, OIDC_CLIENT_ID and
    OIDC_CLIENT_SECRET do in production. Yields the accounts it knows, by login name."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.fail(
            "Node.js and npm are needed for the single sign-on tests (.ci/run installs them)"
        )
    if not (OIDC_DIR / "node_modules" / "oidc-provider").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=OIDC_DIR, check=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    accounts = {
        "hannah": {"email": "", "email_verified": True, "name": "Hannah"},
        "stranger": {"email": "stranger@elsewhere.example", "email_verified": True},
        "unverified": {"email": "", "email_verified": False},
    }
    secret = "tests-only-client-secret"
    env = os.environ | {
        "PORT": str(port),
        "CLIENT_ID": "opcc-calls",
        "CLIENT_SECRET": secret,
        "REDIRECT_URI": f"{live_server.url}/accounts/oidc/office/login/callback/",
        "ACCOUNTS": json.dumps(accounts),
    }

    def started(accounts_now: dict):
        env["ACCOUNTS"] = json.dumps(accounts_now)
        process = subprocess.Popen(
            [node, "provider.mjs"],
            cwd=OIDC_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        said = []
        while not said or "listening" not in said[-1]:  # warnings may come first
            said.append(process.stdout.readline())
            if not said[-1]:
                process.kill()
                pytest.fail(f"the OpenID Connect provider did not start: {''.join(said)}")
        return process

    issuer = f"http://127.0.0.1:{port}"
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": directives | {"form-action": [*directives["form-action"], issuer]}
    }
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "office",
                    "name": "the office's sign-in",
                    "client_id": "opcc-calls",
                    "secret": secret,
                    "settings": {"server_url": issuer},
                }
            ],
        }
    }
    process = None

    def start(**emails) -> None:
        nonlocal process
        for login, email in emails.items():
            accounts[login]["email"] = email
        process = started(accounts)

    yield start
    if process:
        process.kill()
        process.wait()
