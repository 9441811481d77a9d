"""Radio lists ask for an answer: no blank "---------" choice, and none chosen for the user."""

import re

import pytest
from django.urls import reverse

from tests.factories import CallerFactory
from tests.helpers import frequent_caller

pytestmark = pytest.mark.django_db


def radios(html: str, name: str) -> list[str]:
    return re.findall(rf'<input[^>]*type="radio"[^>]*name="{name}"[^>]*>', html)


def blank_choices(found: list[str]) -> list[str]:
    return [field for field in found if 'value=""' in field]


def test_the_concern_form_asks_for_a_kind_with_none_chosen(manager_client):
    html = manager_client.get(
        reverse("callers:concern_new", args=[CallerFactory().pk])
    ).content.decode()
    found = radios(html, "kind")
    assert found and not blank_choices(found)
    assert not [field for field in found if re.search(r"\schecked[\s>=]", field)]


def test_the_flag_form_offers_the_two_kinds_only(manager_client):
    """The kind the rules suggest comes chosen; there is no blank one to choose."""
    html = manager_client.get(
        reverse("callers:flag_new", args=[frequent_caller().pk])
    ).content.decode()
    found = radios(html, "kind")
    assert len(found) == 2 and not blank_choices(found)


def test_a_referral_asks_about_consent_without_a_blank_choice(manager_client):
    caller = CallerFactory()
    html = manager_client.get(reverse("callers:referral_new", args=[caller.pk])).content.decode()
    found = radios(html, "consent")
    assert found and not blank_choices(found)
