"""Forms for finding and editing callers (policy 5.7)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from callers.models import Caller
from opcc_calls import phones
from opcc_calls.forms import (
    VersionForm,
)

TOO_LONG = {"max_length": _("That is longer than any name or number: shorten it to search.")}


class CallerFinderForm(forms.Form):
    """What a handler types to find a caller as they log a call. Bounded, like every search:
    a name a hundred thousand characters long is not a name, and would hold a server."""

    phone = forms.CharField(
        label=_("Phone number"), required=False, max_length=40, error_messages=TOO_LONG
    )
    full_name = forms.CharField(
        label=_("Full name"), required=False, max_length=200, error_messages=TOO_LONG
    )

    def clean(self):
        data = super().clean()
        return {"phone": data.get("phone", ""), "name": data.get("full_name", "")}


class CallerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or phone number"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
        error_messages={"required": _("Enter a name or a phone number to search for.")},
    )


class CallerForm(VersionForm, forms.ModelForm):
    record_name = "caller"

    phone_numbers = forms.CharField(
        label=_("Phone numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One number a line, in any format."),
    )

    class Meta:
        model = Caller
        fields = [
            "full_name",
            "other_names",
            "email",
            "postal_address",
            "reasonable_adjustments",
            "large_print",
            "language",
            "other_language",
            "interpreter_needed",
            "letter_language",
            "notes",
        ]
        widgets = {
            "postal_address": forms.Textarea(attrs={"rows": 3}),
            "reasonable_adjustments": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["phone_numbers"] = "\n".join(
                p.number.as_national for p in self.instance.phones.all()
            )

    def service_arguments(self) -> dict[str, object]:
        """`caller_update`'s: the numbers, and the details as one change."""
        data = self.cleaned_data
        return {
            "version": data["version"],
            "phone_numbers": data["phone_numbers"],
            "details": {name: data[name] for name in self.Meta.fields},
        }

    def clean_phone_numbers(self) -> list[str]:
        numbers, bad = [], []
        for line in self.cleaned_data["phone_numbers"].splitlines():
            if line.strip():
                number = phones.normalise(line)
                (numbers.append(number) if number else bad.append(line.strip()))
        if bad:
            raise forms.ValidationError(
                _("Not a valid phone number: %(numbers)s.") % {"numbers": ", ".join(bad)}
                + f" {phones.INVALID_MESSAGE}"
            )
        return numbers
