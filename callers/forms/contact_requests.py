"""The decision of the person a caller asked for."""

from django import forms
from django.utils.translation import gettext_lazy as _

from callers.models import ContactRequest
from opcc_calls.forms import RadioSelect


class ContactRequestDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        widget=RadioSelect,
        choices=[
            c for c in ContactRequest.Decision.choices if c[0] != ContactRequest.Decision.PENDING
        ],
        error_messages={"required": _("Choose what you have decided.")},
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
