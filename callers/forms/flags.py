"""Forms for flags, meetings and rules (the frequent-caller arrangements, policy 5.6)."""

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from callers.models import Flag, Meeting, MeetingItem, Rule
from callers.models.flags import default_review_date
from opcc_calls.forms import DateInput, RadioSelect, VersionForm


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
        self.fields["single_point_of_contact"].queryset = (
            get_user_model().objects.filter(is_active=True, groups__isnull=False).distinct()
        )
        self.fields["review_date"].initial = default_review_date()

    def clean_review_date(self):
        value = self.cleaned_data["review_date"]
        if value <= timezone.localdate():
            raise forms.ValidationError("The review date must be in the future.")
        return value


class FlagRenewForm(VersionForm):
    record_name = "flag"

    reason = forms.CharField(
        label="Reasons for renewing",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reasons for renewing."},
    )
    new_review_date = forms.DateField(
        label="Next review date", widget=DateInput(), initial=default_review_date
    )


class FlagResponseForm(VersionForm):
    record_name = "flag"

    agreed_response = forms.CharField(
        label="Agreed response", max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    reason = forms.CharField(label="Why it is changing", max_length=500)


class FlagArrangementsForm(VersionForm):
    """How the caller may contact the office (5.6), changed after flagging, with a reason."""

    record_name = "flag"

    single_point_of_contact = forms.ModelChoiceField(
        label="Single point of contact",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="None",
    )
    contact_times = forms.CharField(label="Contact at set times", max_length=200, required=False)
    written_contact_only = forms.BooleanField(label="Written contact only", required=False)
    reason = forms.CharField(
        label="Why they are changing",
        max_length=500,
        error_messages={"required": "Say why the arrangements are changing."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["single_point_of_contact"].queryset = (
            get_user_model().objects.filter(is_active=True, groups__isnull=False).distinct()
        )


class FlagEndForm(VersionForm):
    record_name = "flag"

    reason = forms.CharField(
        label="Why the flag is ending",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the flag is ending."},
    )


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label="Meeting", choices=Meeting.Kind.choices, widget=RadioSelect)
    date = forms.DateField(label="Date", widget=DateInput(), initial=timezone.localdate)


class DecisionForm(forms.Form):
    """A decision for one caller on a meeting's agenda, recorded in place."""

    decision = forms.ChoiceField(label="Decision", choices=MeetingItem.Decision.choices)
    kind = forms.ChoiceField(
        label="Flag as", choices=[("", "Choose…"), *Flag.Kind.choices], required=False
    )
    agreed_response = forms.CharField(
        label="Agreed response",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed to flag a caller or change the response.",
    )
    review_date = forms.DateField(
        label="Review date",
        required=False,
        widget=DateInput(),
        help_text="Leave blank for six months from today.",
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed to end a flag.",
    )

    @classmethod
    def for_item(cls, item: MeetingItem) -> "DecisionForm":
        """The likely decision first: flag a candidate, renew a flag due for review."""
        Decision = MeetingItem.Decision
        if item.section == MeetingItem.Section.CANDIDATE:
            initial = {"decision": Decision.FLAG, "kind": ""}
        else:
            initial = {"decision": Decision.RENEW if item.due_for_review else Decision.NO_ACTION}
        return cls(prefix=f"item-{item.pk}", initial=initial)

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        Decision = MeetingItem.Decision
        if (
            decision in (Decision.FLAG, Decision.CHANGE_RESPONSE)
            and not data.get("agreed_response", "").strip()
        ):
            self.add_error("agreed_response", "Write the agreed response handlers follow.")
        if decision == Decision.FLAG and not data.get("kind"):
            self.add_error("kind", "Choose frequent or regular.")
        if decision == Decision.END and not data.get("note", "").strip():
            self.add_error("note", "Say why the flag is ending.")
        if data.get("review_date") and data["review_date"] <= timezone.localdate():
            self.add_error("review_date", "The review date must be in the future.")
        return data


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = [
            "kind",
            "measure",
            "threshold",
            "window_hours",
            "call_group",
            "lookback_days",
            "why",
            "is_active",
        ]

    def clean_threshold(self):
        value = self.cleaned_data["threshold"]
        if value < 2:
            raise forms.ValidationError("A rule needs at least 2.")
        return value


RuleFormSet = forms.modelformset_factory(Rule, form=RuleForm, extra=1, can_delete=False)
