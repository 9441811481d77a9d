"""The period of the quarterly report."""

from django import forms
from django.utils.translation import gettext_lazy as _

from opcc_calls.forms import DateInput


class ReportForm(forms.Form):
    """The report's period: any run of days up to a year."""

    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To (included)"), widget=DateInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end must be on or after the start."))
            elif (end - start).days > 366:
                self.add_error("end", _("A report covers a year at most: choose a shorter period."))
        return data
