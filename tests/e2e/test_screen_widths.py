"""Every page fits the screens people have: at 1024, 1280 and 1366 px wide (the commonest
office laptop), for each role, every page that role may open has no horizontal scroll; a wide
table scrolls inside its own box, not the page."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from tests.e2e.conftest import sign_in
from tests.factories import UserFactory
from tests.helpers import world_args
from tests.test_permissions import EXPECTED, ROLES

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1024, 1280, 1366)
#: What sticks out past the window, when something does.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(-3)
  .map(e => e.tagName.toLowerCase() + '.' + (e.className || '').toString().split(' ')[0])"""
#: Pages only a system administrator opens: Django's admin.
ADMIN_PAGES = [
    "/admin/",
    "/admin/callers/caller/",
    "/admin/callers/call/",
    "/admin/opcc_calls/user/",
]


def pages_for(role: str, world: dict) -> list[str]:
    column = ROLES.index("manager" if role == "admin" else role)
    urls = []
    for name, expected in sorted(EXPECTED.items()):
        if expected[column] != 200 or name in {"health", "telephony_events"}:
            continue
        if name.endswith(("_pdf", "_docx", "_xlsx", "_csv", "_download")):
            continue  # a file to keep (a letter, a pack, a spreadsheet), not a page
        args = world_args(name, world)
        urls.append(
            reverse(name, kwargs=args) if isinstance(args, dict) else reverse(name, args=args)
        )
    return urls + (ADMIN_PAGES if role == "admin" else [])


@pytest.mark.parametrize("role", ["handler", "compliance", "manager", "admin"])
def test_every_page_fits_1024_1280_and_1366_pixels(role: str, world, page: Page, request):
    user = (
        UserFactory(username="admin-user", is_staff=True, is_superuser=True)
        if role == "admin"
        else request.getfixturevalue(f"{role}_user")
    )
    sign_in(page, user.username)
    too_wide = []
    for url in pages_for(role, world):
        answer = page.request.get(url)
        if not answer.text().lstrip().lower().startswith("<!doctype html>"):
            continue  # a part of a page (htmx's), or what the screen-pop script reads
        page.set_viewport_size({"width": WIDTHS[0], "height": 800})
        page.goto(url)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            scroll = page.evaluate("() => document.documentElement.scrollWidth")
            if scroll > width:
                too_wide.append(f"{url} at {width}: {scroll} px, {page.evaluate(WIDEST)}")
    assert not too_wide, "\n".join(too_wide)
