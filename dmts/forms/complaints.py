"""The complaints team's own reference for a complaint."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dmts.models import DmtsEntry
from opcc_calls.forms import VersionForm


class ComplaintReferenceForm(VersionForm):
    """The complaints team's own reference for a complaint handed to them (5.8c)."""

    record_name = "entry"

    reference = forms.CharField(
        label=_("Complaints team's reference"),
        max_length=100,
        error_messages={"required": _("Enter the reference the complaints team gave.")},
    )

    @classmethod
    def for_entry(cls, entry: DmtsEntry) -> "ComplaintReferenceForm":
        return cls(initial={"reference": entry.complaint_reference, "version": entry.version})
