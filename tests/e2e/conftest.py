"""Playwright (Python) driving Debian's Chromium against pytest-django's live server.

Outside CI, a machine without Chromium skips these tests with one line saying how to enable them;
with CI=true a missing browser is a failure.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.factories import PASSWORD

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
        if CHROMIUM is None and os.environ.get("CI") != "true":
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if CHROMIUM is None:
        pytest.fail("CI=true but Chromium is missing: .ci/run installs Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    # A CSP violation or script error on any page is a failure, not a silent glitch.
    assert not errors, errors


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


_axe = Axe()


def assert_accessible(page: Page) -> None:
    """axe-core finds no serious or critical violation on the page as it stands."""
    results = _axe.run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert not bad, "\n".join(bad)
