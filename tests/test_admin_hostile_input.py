"""The admin under the same rule as the app: every add and change form of every model in the
admin's registry (ours and the libraries', so a model added later is walked too) answers
hostile input with its form's errors, or 403 where the person may not, never a 500.

For each field the form shows: ids that are not ids, or not there, in every select and
autocomplete; NUL and bidi characters and over-long text in text; a choice that is not one;
a date that is not one. Inline rows (a caller's phone numbers) get the same."""

import pytest
from django import forms
from django.contrib.admin import site
from django.db import models
from django.urls import reverse

from opcc_calls.roles import Role
from tests.factories import UserFactory
from tests.helpers import sign_in_fully

pytestmark = pytest.mark.django_db

IDS = ["abc", "-1", str(2**64), "²", "1.5", "\x00"]
BIDI = "\u202eevil\u202c"
TEXT = ["Jo\x00hn", BIDI, "x" * 100_000]
CHOICES = ["not-a-choice", "\x00"]
DATES = ["not a date", "2026-02-30", "99999-12-31", "0000-00-00"]


def hostile_values(field: forms.Field) -> list[str]:
    """What a scanner, or someone typing, sends a field of this kind."""
    if isinstance(field, forms.ModelChoiceField):  # selects, autocompletes, raw ids
        return IDS
    if isinstance(field, forms.ChoiceField):
        return CHOICES
    if isinstance(field, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField):
        return DATES
    if isinstance(field, forms.BooleanField):
        return ["\x00"]
    return TEXT


def form_urls(world) -> list[tuple[str, str]]:
    """Every admin add form, and the change form of a record of each model that has one."""
    urls = []
    for model in site._registry:
        info = model._meta.app_label, model._meta.model_name
        urls.append((model._meta.label, reverse("admin:{}_{}_add".format(*info))))
        record = model._default_manager.first()
        if record is not None:
            change = reverse("admin:{}_{}_change".format(*info), args=[record.pk])
            urls.append((model._meta.label, change))
    return urls


def fields_of(response) -> dict[str, forms.Field]:
    """The fields the form shows by their names as posted, its inline rows' included (with
    the management data that says one row is sent)."""
    form = response.context["adminform"].form
    fields = {form.add_prefix(name): field for name, field in form.fields.items()}
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        row = formset.empty_form
        fields |= {
            f"{formset.prefix}-0-{name}": field
            for name, field in row.fields.items()
            if name not in ("DELETE", "id")
        }
    return fields


def management(response) -> dict[str, str]:
    data = {}
    for inline in response.context.get("inline_admin_formsets", []):
        prefix = inline.formset.prefix
        data |= {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0"}
    return data


def test_every_admin_form_answers_hostile_input_with_its_errors(client, world):
    sign_in_fully(client, UserFactory(is_staff=True, is_superuser=True))
    walked = 0
    for label, url in form_urls(world):
        shown = client.get(url)
        if shown.status_code == 403:  # read-only here: changed through the app's pages
            assert client.post(url, {"anything": "\x00"}).status_code == 403, (label, url)
            continue
        assert shown.status_code == 200, (label, url)
        for name, field in fields_of(shown).items():
            for value in hostile_values(field):
                response = client.post(url, {**management(shown), name: value})
                # Bidi controls are removed from what is typed (as the app's own forms do),
                # so a form otherwise complete may save: without them (checked below).
                allowed = (200, 302, 403) if value == BIDI else (200, 403)
                assert response.status_code in allowed, (label, url, name, repr(value)[:40])
                walked += 1
    assert walked > 100  # the writable forms (staff contacts, callers, users, groups...) walked
    for model in site._registry:
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                lookup = {f"{field.name}__contains": BIDI[0]}
                assert not model._default_manager.filter(**lookup).exists(), field


@pytest.mark.parametrize("role", list(Role))
def test_each_role_that_may_open_the_admin_gets_errors_or_403(client, world, role):
    """Staff with a role: where their permissions let them add or change, the same errors;
    elsewhere 403. Every field hostile at once."""
    sign_in_fully(client, UserFactory(roles=[role], is_staff=True))
    for label, url in form_urls(world):
        shown = client.get(url)
        assert shown.status_code in (200, 403), (label, url)
        data = {"anything": "\x00"}
        if shown.status_code == 200:
            data |= management(shown) | {
                name: hostile_values(field)[0] for name, field in fields_of(shown).items()
            }
        assert client.post(url, data).status_code in (200, 403), (label, url, role)


def test_a_staff_contact_naming_a_member_of_staff_who_is_not_one(client):
    """The autocomplete that answered 500 (a user id that is not a number): the form's
    error, beside the field."""
    sign_in_fully(client, UserFactory(is_staff=True, is_superuser=True))
    for user in ("abc", "²", str(2**64), "-1"):
        response = client.post(
            reverse("admin:callers_staffcontact_add"), {"name": "Ann Other", "user": user}
        )
        assert response.status_code == 200, user
        errors = response.context["adminform"].form.errors
        assert "user" in errors, user


def test_the_admins_password_change_is_the_apps_own_page_with_its_lock(client):
    """Ten wrong current passwords at /admin/password_change/ answered ten 200s: a password is
    changed on one page, the app's, which locks after five tries a minute."""
    user = UserFactory(is_staff=True, is_superuser=True)
    sign_in_fully(client, user)
    wrong = {"old_password": "not-it", "new_password1": "x" * 20, "new_password2": "x" * 20}
    moved = client.post(reverse("admin:password_change"), wrong)
    assert moved.status_code == 302 and moved.url == reverse("account_change_password")
    answers = [
        client.post(
            reverse("account_change_password"),
            {"oldpassword": "not-it", "password1": "x" * 20, "password2": "x" * 20},
        ).status_code
        for _ in range(10)
    ]
    assert answers[:5] == [200] * 5 and 429 in answers[5:]
