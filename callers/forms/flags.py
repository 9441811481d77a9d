"""Forms for flags, meetings and rules (the frequent-caller arrangements, policy 5.6)."""

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from callers.letters import unknown_placeholders
from callers.models import Appeal, Flag, Letter, Meeting, MeetingItem, Rule
from callers.models.flags import default_review_date
from callers.selectors.flags import CandidateFilter
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
        self.fields["single_point_of_contact"].queryset = staff()
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


def staff():
    """Who may be a caller's single point of contact: anyone on the team."""
    return get_user_model().objects.filter(is_active=True, groups__isnull=False).distinct()


class ArrangementsFields(forms.Form):
    """How the caller may contact the office (5.6): the fields every form that changes them
    shares (the flag's own form, a meeting decision and an appeal upheld)."""

    single_point_of_contact = forms.ModelChoiceField(
        label="Single point of contact",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="None",
    )
    contact_times = forms.CharField(label="Contact at set times", max_length=200, required=False)
    written_contact_only = forms.BooleanField(label="Written contact only", required=False)

    def __init__(self, *args, people: list | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["single_point_of_contact"]
        field.queryset = staff()
        if people is not None:  # read once for a page of many forms (a meeting's agenda)
            field.choices = people


def staff_choices() -> list[tuple[object, str]]:
    """The single point of contact's choices, read once for every form on a page."""
    return [("", "None"), *((person.pk, str(person)) for person in staff())]


class FlagArrangementsForm(VersionForm, ArrangementsFields):
    """The arrangements changed after flagging, with a reason."""

    record_name = "flag"

    reason = forms.CharField(
        label="Why they are changing",
        max_length=500,
        error_messages={"required": "Say why the arrangements are changing."},
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


class DecisionForm(ArrangementsFields):
    """A decision for one caller on a meeting's agenda, recorded in place."""

    decision = forms.ChoiceField(
        label="Decision",
        choices=[("", "Choose…"), *MeetingItem.Decision.choices],
        error_messages={"required": "Choose a decision."},
    )
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
        help_text="Needed to end a flag or change the arrangements.",
    )

    @classmethod
    def for_item(cls, item: MeetingItem, people: list | None = None) -> "DecisionForm":
        """Nothing chosen: the meeting decides each caller (no decision is pre-selected); the
        arrangements start as the flag has them."""
        initial = {}
        if item.flag:
            initial |= {
                "single_point_of_contact": item.flag.single_point_of_contact_id,
                "contact_times": item.flag.contact_times,
                "written_contact_only": item.flag.written_contact_only,
            }
        return cls(prefix=f"item-{item.pk}", initial=initial, people=people)

    def clean(self):
        data = super().clean()
        decision = data.get("decision") or ""
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
        if decision == Decision.CHANGE_ARRANGEMENTS and not data.get("note", "").strip():
            self.add_error("note", "Say why the arrangements are changing.")
        if data.get("review_date") and data["review_date"] <= timezone.localdate():
            self.add_error("review_date", "The review date must be in the future.")
        return data


class CandidateFilterForm(forms.Form):
    """Narrowing and sorting the candidates."""

    rule = forms.ModelChoiceField(
        label="Rule",
        queryset=Rule.objects.filter(is_active=True),
        required=False,
        empty_label="Any rule",
    )
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "Either"), *Flag.Kind.choices], required=False
    )
    calls_30d = forms.IntegerField(
        label="At least this many calls in 30 days",
        min_value=0,
        max_value=10_000,
        required=False,
    )
    staff = forms.IntegerField(
        label="At least this many staff reached in 7 days",
        min_value=0,
        max_value=1000,
        required=False,
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("", "Most recently met a rule"),
            ("30d", "Calls in 30 days, most first"),
            ("7d", "Calls in 7 days, most first"),
            ("staff", "Staff reached in 7 days, most first"),
        ],
    )

    def choice(self) -> CandidateFilter:
        data = self.cleaned_data
        return CandidateFilter(
            rule=data["rule"].pk if data.get("rule") else None,
            kind=data.get("kind") or "",
            calls_30d=data.get("calls_30d") or 0,
            staff=data.get("staff") or 0,
            sort=data.get("sort") or "",
        )


class MeetingRecordForm(VersionForm):
    record_name = "meeting"

    attendees = forms.CharField(
        label="Present",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line.",
    )
    apologies = forms.CharField(
        label="Apologies",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    minutes = forms.CharField(
        label="Minutes",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class MeetingCycleForm(forms.Form):
    silver_every_days = forms.IntegerField(
        label="Silver meeting every (days)", min_value=1, max_value=366, initial=14
    )
    first_silver = forms.DateField(
        label="First Silver meeting",
        required=False,
        widget=DateInput(),
        help_text="Only needed before the first: after it, the cycle runs from the last.",
    )


class NoticeForm(forms.Form):
    reason = forms.CharField(
        label="Why, in words for the caller",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The letter says this as the reason. Nothing else from the flag's notes goes in.",
        error_messages={"required": "Say why, in words for the caller."},
    )


class LetterSentForm(VersionForm):
    record_name = "letter"

    sent_on = forms.DateField(label="Sent on", widget=DateInput(), initial=timezone.localdate)
    sent_how = forms.ChoiceField(label="How", choices=Letter.Sent.choices, widget=RadioSelect)


class LetterTemplateForm(VersionForm):
    record_name = "letter template"

    letterhead = forms.CharField(
        label="Letterhead",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The office's name and address, one line each.",
    )
    subject = forms.CharField(label="Heading", max_length=200)
    body = forms.CharField(
        label="Wording",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="A blank line between paragraphs. Placeholders in braces are filled in.",
    )
    reason = forms.CharField(
        label="Why it is changing",
        max_length=500,
        error_messages={"required": "Say why, for the record."},
    )

    def clean(self):
        data = super().clean()
        for name in ("subject", "body"):
            unknown = unknown_placeholders(data.get(name, ""))
            if unknown:
                self.add_error(
                    name,
                    "Not a placeholder this letter can fill: "
                    + ", ".join(f"{{{found}}}" for found in unknown)
                    + ".",
                )
        return data


class AppealForm(forms.Form):
    received_on = forms.DateField(
        label="Received on", widget=DateInput(), initial=timezone.localdate
    )
    grounds = forms.CharField(
        label="What the caller says",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Write what the caller says."},
    )

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date it was received cannot be in the future.")
        return value


class AppealDecisionForm(VersionForm, ArrangementsFields):
    record_name = "appeal"

    outcome = forms.ChoiceField(
        label="Decision", choices=Appeal.Outcome.choices, widget=RadioSelect
    )
    reasons = forms.CharField(
        label="Reasons for the decision",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The letter of outcome gives these reasons to the caller.",
        error_messages={"required": "Give the reasons for the decision."},
    )


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
