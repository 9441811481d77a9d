"""Forms for flags: flagging a caller, renewing, changing the agreed response or the contact
arrangements, ending a flag (policy 5.6), and importing the frequent calls spreadsheet."""

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from callers.models import Flag, Meeting
from callers.models.flags import default_review_date
from opcc_calls.forms import DateInput, RadioSelect, VersionForm, staff


class FlagForm(forms.ModelForm):
    class Meta:
        model = Flag
        fields = [
            "kind",
            "reason",
            "agreed_response",
            "meeting",
            "single_point_of_contact",
            "contact_times",
            "written_contact_only",
            "adjustments_considered",
            "adjustments_note",
            "review_date",
        ]
        labels = {"review_date": _("Review date")}
        widgets = {
            "kind": RadioSelect,
            "review_date": DateInput(),
            "agreed_response": forms.Textarea(attrs={"rows": 4}),
            "adjustments_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # SMT meetings of the last year, newest first. Never a sliced queryset: the field
        # validates the choice by filtering it, which a slice refuses.
        self.fields["meeting"].queryset = Meeting.objects.filter(
            kind=Meeting.Kind.SMT, date__gte=timezone.localdate() - timedelta(days=366)
        ).order_by("-date")
        self.fields["single_point_of_contact"].queryset = staff()
        self.fields["review_date"].initial = default_review_date()

    def clean_review_date(self):
        value = self.cleaned_data["review_date"]
        if value <= timezone.localdate():
            raise forms.ValidationError(_("The review date must be in the future."))
        return value


class FlagRenewForm(VersionForm):
    record_name = "flag"

    reason = forms.CharField(
        label=_("Reasons for renewing"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reasons for renewing.")},
    )
    new_review_date = forms.DateField(
        label=_("Next review date"), widget=DateInput(), initial=default_review_date
    )


class FlagResponseForm(VersionForm):
    record_name = "flag"

    agreed_response = forms.CharField(
        label=_("Agreed response"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    reason = forms.CharField(label=_("Why it is changing"), max_length=500)


class ArrangementsFields(forms.Form):
    """How the caller may contact the office (5.6): the fields every form that changes them
    shares (the flag's own form, a meeting decision and an appeal upheld)."""

    single_point_of_contact = forms.ModelChoiceField(
        label=_("Single point of contact"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("None"),
    )
    contact_times = forms.CharField(label=_("Contact at set times"), max_length=200, required=False)
    written_contact_only = forms.BooleanField(label=_("Written contact only"), required=False)

    def __init__(self, *args, people: list | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["single_point_of_contact"]
        field.queryset = staff()
        if people is not None:  # read once for a page of many forms (a meeting's agenda)
            field.choices = people

    def arrangements_chosen(self, data: dict) -> bool:
        """Whether this form sets the arrangements (a meeting's decision or an appeal's
        outcome may leave them as they are)."""
        return True

    def clean(self):
        data = super().clean()
        if self.arrangements_chosen(data) and Flag.arrangements_contradict(
            contact_times=data.get("contact_times") or "",
            written_contact_only=bool(data.get("written_contact_only")),
        ):
            self.add_error("written_contact_only", Flag.CONTRADICTORY_ARRANGEMENTS)
        return data


def staff_choices() -> list[tuple[object, str]]:
    """The single point of contact's choices, read once for every form on a page."""
    return [("", "None"), *((person.pk, str(person)) for person in staff())]


class FlagArrangementsForm(VersionForm, ArrangementsFields):
    """The arrangements changed after flagging, with a reason."""

    record_name = "flag"

    reason = forms.CharField(
        label=_("Why they are changing"),
        max_length=500,
        error_messages={"required": _("Say why the arrangements are changing.")},
    )


class FlagEndForm(VersionForm):
    record_name = "flag"

    reason = forms.CharField(
        label=_("Why the flag is ending"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the flag is ending.")},
    )


class ImportForm(forms.Form):
    spreadsheet = forms.FileField(
        label=_("Frequent calls spreadsheet (.xlsx or CSV)"),
        help_text=_("Its first row names the columns, as listed above."),
    )
