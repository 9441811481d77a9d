"""Forms for SMT and Silver meetings: opening one, the decision for a caller, the record of
the meeting and the Silver cycle."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from callers.forms.flags import ArrangementsFields
from callers.models import Flag, Meeting, MeetingItem
from opcc_calls.forms import DateInput, RadioSelect, VersionForm


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Meeting"), choices=Meeting.Kind.choices, widget=RadioSelect)
    date = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)


class DecisionForm(ArrangementsFields):
    """A decision for one caller on a meeting's agenda, recorded in place."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", "Choose…"), *MeetingItem.Decision.choices],
        error_messages={"required": _("Choose a decision.")},
    )
    kind = forms.ChoiceField(
        label=_("Flag as"), choices=[("", "Choose…"), *Flag.Kind.choices], required=False
    )
    agreed_response = forms.CharField(
        label=_("Agreed response"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to flag a caller or change the response."),
    )
    review_date = forms.DateField(
        label=_("Review date"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave blank for six months from today."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to end a flag or change the arrangements."),
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

    def arrangements_chosen(self, data: dict) -> bool:
        Decision = MeetingItem.Decision
        return data.get("decision") in (Decision.FLAG, Decision.CHANGE_ARRANGEMENTS)

    def clean(self):
        data = super().clean()
        decision = data.get("decision") or ""
        Decision = MeetingItem.Decision
        if (
            decision in (Decision.FLAG, Decision.CHANGE_RESPONSE)
            and not data.get("agreed_response", "").strip()
        ):
            self.add_error("agreed_response", _("Write the agreed response handlers follow."))
        if decision == Decision.FLAG and not data.get("kind"):
            self.add_error("kind", _("Choose frequent or regular."))
        if decision == Decision.END and not data.get("note", "").strip():
            self.add_error("note", _("Say why the flag is ending."))
        if decision == Decision.CHANGE_ARRANGEMENTS and not data.get("note", "").strip():
            self.add_error("note", _("Say why the arrangements are changing."))
        if data.get("review_date") and data["review_date"] <= timezone.localdate():
            self.add_error("review_date", _("The review date must be in the future."))
        return data


class MeetingRecordForm(VersionForm):
    record_name = "meeting"

    attendees = forms.CharField(
        label=_("Present"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line."),
    )
    apologies = forms.CharField(
        label=_("Apologies"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    @classmethod
    def for_meeting(cls, meeting: Meeting) -> "MeetingRecordForm":
        """The form as the meeting's record stands now."""
        return cls(
            initial={
                "version": meeting.version,
                "attendees": meeting.attendees,
                "apologies": meeting.apologies,
                "minutes": meeting.minutes,
            }
        )


class MeetingCycleForm(forms.Form):
    silver_every_days = forms.IntegerField(
        label=_("Silver meeting every (days)"), min_value=1, max_value=366, initial=14
    )
    first_silver = forms.DateField(
        label=_("First Silver meeting"),
        required=False,
        widget=DateInput(),
        help_text=_("Only needed before the first: after it, the cycle runs from the last."),
    )
