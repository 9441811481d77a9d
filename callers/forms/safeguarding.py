"""Forms for concerns and safeguarding referrals (policy 5.3b, 5.8i, 5.8j)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from callers.models import Concern, Referral
from opcc_calls.forms import DateInput, HiddenInput, RadioSelect, VersionForm


class ConcernForm(forms.ModelForm):
    class Meta:
        model = Concern
        fields = ["kind", "noticed"]
        widgets = {"kind": RadioSelect, "noticed": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "kind": {"required": _("Choose the kind of concern.")},
            "noticed": {"required": _("Say what you noticed.")},
        }


class ConcernDecisionForm(VersionForm):
    record_name = "concern"

    decision = forms.CharField(
        label=_("What you decided"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Record what you decided.")},
    )
    handling = forms.CharField(
        label=_("Agreed handling"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Any change to how the caller is handled. Every handler sees this."),
    )
    close = forms.BooleanField(label=_("Close the concern"), required=False)


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = [
            "referred_to",
            "other_body",
            "referred_on",
            "their_reference",
            "lawful_basis",
            "consent",
            "outcome",
            "concern",
        ]
        widgets = {
            "referred_on": DateInput(),
            "consent": RadioSelect,
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, caller=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["concern"].queryset = (
            caller.concerns.all() if caller else Concern.objects.none()
        )
        self.fields["concern"].required = False

    def clean(self):
        data = super().clean()
        if data.get("referred_to") == Referral.Body.OTHER and not data.get("other_body"):
            self.add_error("other_body", _("Say who the referral went to."))
        return data


class ReferralOutcomeForm(VersionForm):
    record_name = "referral"

    their_reference = forms.CharField(label=_("Their reference"), required=False, max_length=100)
    outcome = forms.CharField(
        label=_("Outcome"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ManagerAlertForm(forms.Form):
    """ "Tell a manager now": the click's own token, and the call if it is logged."""

    token = forms.UUIDField(widget=HiddenInput)
    call = forms.IntegerField(required=False, min_value=1, widget=HiddenInput)
