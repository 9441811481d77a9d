from django import forms

from callers.models import Call
from dmts.models import CallLogExport, DmtsEntry
from dmts.services import CORRECTABLE_FIELDS
from opcc_calls.forms import DateTimeInput, VersionForm


class ReviewForm(VersionForm):
    record_name = "entry"

    status = forms.ChoiceField(
        label="Review",
        widget=forms.RadioSelect,
        choices=[
            (s.value, s.label)
            for s in (DmtsEntry.Status.REVIEWED, DmtsEntry.Status.NEEDS_FOLLOW_UP)
        ],
        error_messages={"required": "Choose reviewed or needs follow-up."},
    )
    notes = forms.CharField(
        label="Compliance Officer's notes",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def for_entry(cls, entry: DmtsEntry) -> "ReviewForm":
        waiting = entry.status == DmtsEntry.Status.AWAITING_REVIEW
        return cls(
            initial={
                "status": None if waiting else entry.status,
                "notes": entry.compliance_notes,
                "version": entry.version,
            }
        )


class ComplaintReferenceForm(VersionForm):
    """The complaints team's own reference for a complaint handed to them (5.8c)."""

    record_name = "entry"

    reference = forms.CharField(
        label="Complaints team's reference",
        max_length=100,
        error_messages={"required": "Enter the reference the complaints team gave."},
    )

    @classmethod
    def for_entry(cls, entry: DmtsEntry) -> "ComplaintReferenceForm":
        return cls(initial={"reference": entry.complaint_reference, "version": entry.version})


class VoidForm(VersionForm):
    record_name = "entry"

    reason = forms.CharField(
        label="Why was this logged in error?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why this entry was logged in error."},
    )


class CorrectionForm(VersionForm, forms.ModelForm):
    """Correct a call's record. The reason is kept with the change in history. The version
    is the DMTS entry's (the view gives it), not the call's."""

    record_name = "entry"

    reason = forms.CharField(
        label="Reason for the correction",
        max_length=500,
        error_messages={"required": "Give a reason for the correction."},
    )

    class Meta:
        model = Call
        fields = CORRECTABLE_FIELDS
        widgets = {
            "received_at": DateTimeInput(),
            "ended_at": DateTimeInput(),
            "warning_given_at": DateTimeInput(),
            "terminated_at": DateTimeInput(),
            "about": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }


class ExportForm(forms.Form):
    """Ask for the call log, as filtered, as a file: the filters are named by their key in
    the session (as on the call log page), never spelt out in the form or the address."""

    format = forms.ChoiceField(choices=CallLogExport.Format.choices)
    filter = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    submission_token = forms.UUIDField(widget=forms.HiddenInput)
