"""Entries reviewed a minute in the Compliance Officer's queue, keyboard only, one at a time
(open an entry, Tab to "Reviewed", Space, Enter: the next opens) against ticking routine
entries in the queue (j and x, then r; or a and r for a whole page). On the demo data in a
throwaway SQLite database, served by runserver, keys pressed by Chromium through Playwright
with no pause: it measures the keys and the waiting, not a person's reading.

    .venv/bin/python bench/review_pace.py [--entries 20]
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
SESSION = """
from importlib import import_module
from django.conf import settings
from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from opcc_calls.middleware import SECOND_FACTOR_SESSION_KEY
user = get_user_model().objects.get(username="compliance")
session = import_module(settings.SESSION_ENGINE).SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "opcc_calls.permissions.CachedPermissionsBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session[SECOND_FACTOR_SESSION_KEY] = True
session.create()
print(session.session_key)
"""


def manage(env: dict, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def one_at_a_time(page, base: str, n: int) -> tuple[int, int, float]:
    """Open the oldest, then for each: Tab from the top of the page to "Reviewed", Space,
    Enter; saving opens the next."""
    page.goto(f"{base}/dmts/review/")
    page.get_by_role("link", name="Start with the oldest").click()
    keys, done, started = 0, 0, time.perf_counter()
    while done < n:
        page.wait_for_selector("h1")
        while not page.evaluate(
            "document.activeElement && document.activeElement.value === 'reviewed'"
        ):
            page.keyboard.press("Tab")
            keys += 1
        page.keyboard.press("Space")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        keys += 2
        done += 1
    return done, keys, time.perf_counter() - started


def ticked(page, base: str, n: int, *, whole_page: bool) -> tuple[int, int, float]:
    page.goto(f"{base}/dmts/review/")
    keys, started = 0, time.perf_counter()
    if whole_page:
        page.keyboard.press("a")
        keys += 1
    else:
        for _ in range(n):
            page.keyboard.press("j")
            page.keyboard.press("x")
            keys += 2
    done = int(page.locator("[data-ticked-count]").inner_text().split()[0])
    with page.expect_navigation():
        page.keyboard.press("r")
    keys += 1
    page.wait_for_selector(".queue-count")
    return done, keys, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    options = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="opcc-review-pace-")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "SQLITE_PATH": f"{folder}/demo.sqlite3",
        "SECRET_KEY": "review-pace-only-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    env.pop("DATABASE_URL", None)
    manage(env, "migrate", "-v0")
    manage(env, "seed_demo")
    session = manage(env, "shell", "--no-imports", "-c", SESSION).strip()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    results = {}
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=options.chromium)
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
            page = context.new_page()
            page.goto(f"{base}/dmts/review/")  # a first page, so no run pays for warming up
            for name, run in (
                ("one at a time", lambda: one_at_a_time(page, base, options.entries)),
                (
                    "ticked with j and x",
                    lambda: ticked(page, base, options.entries, whole_page=False),
                ),
                (
                    "a whole page with a",
                    lambda: ticked(page, base, options.entries, whole_page=True),
                ),
            ):
                done, keys, seconds = run()
                results[name] = {
                    "entries": done,
                    "keys per entry": round(keys / done, 1),
                    "seconds": round(seconds, 2),
                    "entries a minute": round(done / seconds * 60),
                }
            browser.close()
    finally:
        server.terminate()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
