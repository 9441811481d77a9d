"""Forms for legal hold and merging duplicate callers."""

from django import forms

from callers.models import Caller
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
            (str(c.pk), f"{c.full_name} ({c.reference})") for c in (first, second)
        ]


class MergeWithForm(forms.Form):
    """From a caller's page: the reference of the record to compare it with (C-000123)."""

    other = forms.CharField(
        label="Reference of the other record",
        max_length=20,
        help_text="As shown on their page, for example C-000123.",
        error_messages={"required": "Give the other record's reference."},
    )

    def __init__(self, *args, caller: Caller, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.caller = caller

    def clean_other(self) -> Caller:
        found = Caller.REFERENCE.fullmatch(self.cleaned_data["other"])
        other = Caller.objects.current().filter(pk=int(found[1])).first() if found else None
        if other is None:
            raise forms.ValidationError(
                "No current caller has that reference: check it on their page (C-000123)."
            )
        if other.pk == self.caller.pk:
            raise forms.ValidationError("That is this record: give the other one's reference.")
        return other


class RetentionApplyForm(forms.Form):
    """Applying the retention schedule: confirmed, with the reason for the record."""

    confirm = forms.BooleanField(
        label="I have checked what is due: anonymise or delete it as the schedule says",
        error_messages={"required": "Tick to confirm: what is removed cannot be brought back."},
    )
    reason = forms.CharField(
        label="Why now",
        max_length=500,
        help_text="Kept with the run in the disposal log, for example: the monthly review.",
        error_messages={"required": "Say why the schedule is applied now, for the record."},
    )
