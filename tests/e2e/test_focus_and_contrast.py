"""Focus plainly visible on every control (WCAG 2.2 2.4.11) and links readable inside tinted
boxes (axe, serious), in the states where they failed: an overdue row of the frequent calls
log, the card's "See the detail" for a manager."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from callers.models import Concern, Flag
from callers.services.flags import flag_create
from tests.e2e.conftest import assert_accessible, sign_in
from tests.helpers import frequent_caller

pytestmark = pytest.mark.django_db(transaction=True)


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: tuple[int, int, int], two: tuple[int, int, int]) -> float:
    a, b = sorted((luminance(one), luminance(two)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def focus_colours(page: Page, selector: str) -> list[tuple[int, int, int]]:
    """The colours of what shows the focus on the element once it has it: its outline and
    any ring drawn with box-shadow."""
    page.locator(selector).first.focus()
    style = page.locator(selector).first.evaluate(
        "e => { const s = getComputedStyle(e);"
        " return [s.outlineStyle === 'none' ? '' : s.outlineColor, s.boxShadow]; }"
    )
    colours = []
    for *rgb, alpha in re.findall(r"rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)", " ".join(style)):
        a = float(alpha) if alpha else 1.0  # a translucent ring is seen over the white page
        colours.append(tuple(round(int(v) * a + 255 * (1 - a)) for v in rgb))
    return colours


@pytest.mark.parametrize(
    "selector", ["#id_phone", "#id_about", "input[name=call_type]", "a.nav-link", "summary"]
)
def test_focus_is_plain_against_the_page(page: Page, handler_user, selector):
    sign_in(page, handler_user.username)
    page.goto(reverse("callers:log"))
    colours = focus_colours(page, selector)
    white = (255, 255, 255)
    assert colours and max(contrast(c, white) for c in colours) >= 3, colours


def test_links_in_tinted_boxes_are_readable(page: Page, manager_user):
    caller = frequent_caller()
    made = flag_create(
        caller=caller, by=manager_user, kind="frequent", reason="r", agreed_response="x"
    )
    Flag.objects.filter(pk=made.pk).update(review_date=timezone.localdate() - timedelta(days=3))
    Concern.objects.create(caller=caller, raised_by=manager_user, kind="other", noticed="x")
    sign_in(page, manager_user.username)
    page.goto(reverse("callers:frequent_log"))
    expect(page.locator("tr.table-warning")).to_contain_text(caller.full_name)
    assert_accessible(page)
    page.goto(reverse("callers:detail", args=[caller.pk]))
    expect(page.get_by_role("link", name="See the detail")).to_be_visible()
    assert_accessible(page)
