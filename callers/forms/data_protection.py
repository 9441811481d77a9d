"""Forms for legal hold and merging duplicate callers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from callers.models import Caller
from opcc_calls.forms import RadioSelect


class LegalHoldForm(forms.Form):
    on_hold = forms.BooleanField(
        label=_("Keep this caller's records on legal hold"), required=False
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        error_messages={"required": _("Give the reason, for the record.")},
    )


class MergeForm(forms.Form):
    keep = forms.ChoiceField(label=_("Which record to keep"), widget=RadioSelect)

    def __init__(self, *args, first=None, second=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [
            (str(c.pk), f"{c.full_name} ({c.reference})") for c in (first, second)
        ]


class MergeWithForm(forms.Form):
    """From a caller's page: the reference of the record to compare it with (C-000123)."""

    other = forms.CharField(
        label=_("Reference of the other record"),
        max_length=20,
        help_text=_("As shown on their page, for example C-000123."),
        error_messages={"required": _("Give the other record's reference.")},
    )

    def __init__(self, *args, caller: Caller, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.caller = caller

    def clean_other(self) -> Caller:
        found = Caller.REFERENCE.fullmatch(self.cleaned_data["other"])
        other = Caller.objects.current().filter(pk=int(found[1])).first() if found else None
        if other is None:
            raise forms.ValidationError(
                _("No current caller has that reference: check it on their page (C-000123).")
            )
        if other.pk == self.caller.pk:
            raise forms.ValidationError(_("That is this record: give the other one's reference."))
        return other


class RetentionApplyForm(forms.Form):
    """Applying the retention schedule: confirmed, with the reason for the record."""

    confirm = forms.BooleanField(
        label=_("I have checked what is due: anonymise or delete it as the schedule says"),
        error_messages={"required": _("Tick to confirm: what is removed cannot be brought back.")},
    )
    reason = forms.CharField(
        label=_("Why now"),
        max_length=500,
        help_text=_("Kept with the run in the disposal log, for example: the monthly review."),
        error_messages={"required": _("Say why the schedule is applied now, for the record.")},
    )
