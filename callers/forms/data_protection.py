"""Forms for legal hold and merging duplicate callers."""

from django import forms

from opcc_calls.forms import RadioSelect


class LegalHoldForm(forms.Form):
    on_hold = forms.BooleanField(label="Keep this caller's records on legal hold", required=False)
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        error_messages={"required": "Give the reason, for the record."},
    )


class MergeForm(forms.Form):
    keep = forms.ChoiceField(label="Which record to keep", widget=RadioSelect)

    def __init__(self, *args, first=None, second=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [
            (str(c.pk), f"{c.full_name} (caller #{c.pk})") for c in (first, second)
        ]
