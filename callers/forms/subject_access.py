"""Forms for the register of subject access requests."""

from django import forms
from django.utils import timezone

from callers.models import SubjectAccessRequest
from opcc_calls.forms import DateInput, RadioSelect, VersionForm


class SubjectAccessRequestForm(forms.Form):
    received_on = forms.DateField(
        label="Received on",
        widget=DateInput(),
        initial=timezone.localdate,
        help_text="The month to respond starts from this day.",
    )
    requester = forms.ChoiceField(
        label="Who asked",
        choices=SubjectAccessRequest.Requester.choices,
        widget=RadioSelect,
        initial=SubjectAccessRequest.Requester.CALLER,
    )
    representative = forms.CharField(
        label="Who is acting for them",
        max_length=200,
        required=False,
        help_text="Their name and organisation, if someone is acting for the caller.",
    )
    identity_verified_on = forms.DateField(
        label="Identity verified on",
        widget=DateInput(),
        required=False,
        help_text="Leave empty until it is: nothing is released before.",
    )
    identity_note = forms.CharField(
        label="How identity was verified",
        max_length=300,
        required=False,
        help_text="For example: the address matched our records; no documents kept.",
    )

    def clean(self):
        data = super().clean()
        if data.get("identity_verified_on") and not data.get("identity_note", "").strip():
            self.add_error("identity_note", "Say how the identity was verified.")
        return data


class IdentityForm(VersionForm):
    record_name = "request"
    verified_on = forms.DateField(
        label="Identity verified on", widget=DateInput(), initial=timezone.localdate
    )
    note = forms.CharField(
        label="How it was verified",
        max_length=300,
        help_text="For example: the address matched our records; no documents kept.",
        error_messages={"required": "Say how the identity was verified."},
    )


class ExtendForm(VersionForm):
    record_name = "request"
    reason = forms.CharField(
        label="Why it needs longer",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="A complex request, or several from them at once. Tell the caller within the "
        "first month.",
        error_messages={"required": "Say why it needs longer: the caller must be told."},
    )


class CompleteForm(VersionForm):
    record_name = "request"
    completed_on = forms.DateField(
        label="Response sent on", widget=DateInput(), initial=timezone.localdate
    )
