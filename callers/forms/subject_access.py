"""Forms for the register of subject access requests."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from callers.models import SubjectAccessRequest
from opcc_calls.forms import DateInput, RadioSelect, VersionForm


class SubjectAccessRequestForm(forms.Form):
    received_on = forms.DateField(
        label=_("Received on"),
        widget=DateInput(),
        initial=timezone.localdate,
        help_text=_("The month to respond starts from this day."),
    )
    requester = forms.ChoiceField(
        label=_("Who asked"),
        choices=SubjectAccessRequest.Requester.choices,
        widget=RadioSelect,
        initial=SubjectAccessRequest.Requester.CALLER,
    )
    representative = forms.CharField(
        label=_("Who is acting for them"),
        max_length=200,
        required=False,
        help_text=_("Their name and organisation, if someone is acting for the caller."),
    )
    identity_verified_on = forms.DateField(
        label=_("Identity verified on"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty until it is: nothing is released before."),
    )
    identity_note = forms.CharField(
        label=_("How identity was verified"),
        max_length=300,
        required=False,
        help_text=_("For example: the address matched our records; no documents kept."),
    )

    def clean(self):
        data = super().clean()
        if data.get("identity_verified_on") and not data.get("identity_note", "").strip():
            self.add_error("identity_note", _("Say how the identity was verified."))
        return data


class IdentityForm(VersionForm):
    record_name = "request"
    verified_on = forms.DateField(
        label=_("Identity verified on"), widget=DateInput(), initial=timezone.localdate
    )
    note = forms.CharField(
        label=_("How it was verified"),
        max_length=300,
        help_text=_("For example: the address matched our records; no documents kept."),
        error_messages={"required": _("Say how the identity was verified.")},
    )


class ExtendForm(VersionForm):
    record_name = "request"
    reason = forms.CharField(
        label=_("Why it needs longer"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "A complex request, or several from them at once. Tell the caller within the "
            "first month."
        ),
        error_messages={"required": _("Say why it needs longer: the caller must be told.")},
    )


class CompleteForm(VersionForm):
    record_name = "request"
    completed_on = forms.DateField(
        label=_("Response sent on"), widget=DateInput(), initial=timezone.localdate
    )
