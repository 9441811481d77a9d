"""Asking for an export of the call log as filtered."""

from django import forms
from django.utils.translation import gettext as _

from dmts.models import CallLogExport
from opcc_calls.forms import HiddenInput


class ExportForm(forms.Form):
    """Ask for the call log, as filtered, as a file: the filters are named by their key in
    the session (as on the call log page), never spelt out in the form or the address."""

    format = forms.ChoiceField(choices=CallLogExport.Format.choices)
    filter = forms.CharField(required=False, max_length=20, widget=HiddenInput)
    submission_token = forms.UUIDField(widget=HiddenInput)

    @property
    def button_label(self) -> str:
        """What the button that asks for this format says."""
        return (
            _("Export CSV")
            if self.initial.get("format") == CallLogExport.Format.CSV
            else _("Export Excel")
        )
