"""The admin site, under the same rule as the app's own pages: what is typed or posted into
any of its forms (ours and the libraries', every model registered now or later) gets the
form's error beside the field, never a 500, and control characters never reach the
database.

Django's own select, raw-id and autocomplete widgets render the value posted, and look it up
to do so: an id that is not a number ("abc") raised ValueError inside the autocomplete
widget, and an id past the database's integer (2**64) an OverflowError in a many-to-many
check on SQLite. Here a model choice keeps only values that could be keys of the model it
chooses from, both to check and to show again."""

from django import forms
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy

from opcc_calls.text import without_control_characters

#: The range of the databases' integer keys (PostgreSQL's bigint, SQLite's INTEGER).
KEY_RANGE = range(-(2**63), 2**63)


def _could_be_key(field: forms.ModelChoiceField, value) -> bool:
    """Whether a posted value could be a key of the model the field chooses from."""
    model = field.queryset.model
    target = model._meta.get_field(field.to_field_name) if field.to_field_name else model._meta.pk
    try:
        key = target.to_python(value)
    except (ValidationError, ValueError, TypeError):
        return False
    return not isinstance(target, models.IntegerField) or key in KEY_RANGE


class ModelChoice(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not _could_be_key(self, value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)

    def bound_data(self, data, initial):
        """What the widget shows again: never a value that is not a key (the form says why)."""
        if data in self.empty_values or _could_be_key(self, data):
            return data
        return initial


class ModelMultipleChoice(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value:
            if not _could_be_key(self, pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)

    def bound_data(self, data, initial):
        if not data:
            return data
        return [value for value in data if _could_be_key(self, value)]


class ControlCharactersRemoved:
    """Mixed into every admin form: control characters and bidirectional overrides taken out
    of what was typed, as the app's own models do (passwords are left as typed)."""

    def clean(self):
        cleaned = super().clean()  # type: ignore[misc]
        for name, value in cleaned.items():
            field = self.fields.get(name)  # type: ignore[attr-defined]
            if isinstance(value, str) and not isinstance(
                getattr(field, "widget", None), forms.PasswordInput
            ):
                cleaned[name] = without_control_characters(value)
        return cleaned


class HostileInputRefused:
    """Mixed into every ModelAdmin the site registers."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", ModelChoice)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", ModelMultipleChoice)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)  # type: ignore[misc]
        return type(form.__name__, (ControlCharactersRemoved, form), {})


class OfficeAdminSite(admin.AdminSite):
    site_title = gettext_lazy("OPCC Calls administration")
    index_title = gettext_lazy("Records and staff")

    def password_change(self, request, extra_context=None):
        """One page changes a password, with one lock on guessing the current one (allauth's
        rate limit): the app's own. The admin's form had none (ten wrong tries, ten 200s)."""
        return redirect("account_change_password")

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every model admin, whoever registers it, with hostile input refused."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, HostileInputRefused):
            admin_class = type(admin_class.__name__, (HostileInputRefused, admin_class), {})
        return super().register(model_or_iterable, admin_class, **options)


class OfficeAdminConfig(AdminConfig):
    """Django's admin (in INSTALLED_APPS in its place), its default site the office's."""

    default_site = "opcc_calls.admin_site.OfficeAdminSite"
