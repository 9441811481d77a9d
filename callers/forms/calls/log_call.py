"""The log-a-call form (policy 5.5, 5.7, 5.8): who is calling, what kind of call, what it
was about and what was done."""

import uuid
from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from callers.models import Call, Caller, Concern, Language, StaffContact
from opcc_calls import phones
from opcc_calls.forms import (
    DateTimeInput,
    HiddenInput,
    ModelChoiceField,
    RadioSelect,
    TimeInput,
)

NEEDED_FOR_TYPE = _("Needed for this type of call.")

#: How long after a call it may still be logged (after a weekend or some leave, say).
LATE_LOGGING_DAYS = 31


class PhoneField(forms.CharField):
    """Any UK or international format in; E.164 out (or '' when left blank)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        number = phones.normalise(value)
        if number is None:
            raise forms.ValidationError(phones.INVALID_MESSAGE, code="invalid")
        return number


class LogCallForm(forms.Form):
    """The handler's one screen (policy 5.5, 5.8): who is calling, what kind of call, what it
    was about and what was done. Each type asks for what it needs."""

    phone = PhoneField(
        label=_("Phone number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "tel", "autofocus": True}
        ),
    )
    full_name = forms.CharField(
        label=_("Full name"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Ask if they have contacted the office before (5.7c)."),
    )
    caller = forms.ModelChoiceField(
        queryset=Caller.objects.current(), required=False, widget=HiddenInput
    )
    call_type = forms.ChoiceField(
        label=_("Type of call"),
        choices=Call.Type.choices,
        widget=RadioSelect,
        error_messages={"required": _("Choose the type of call.")},
    )
    about = forms.CharField(
        label=_("What the call is about"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what the call is about.")},
    )
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    recognised = forms.ChoiceField(
        label=_("How you knew whether they had called before"),
        choices=Call.Recognised.choices,
        widget=RadioSelect,
        required=False,
        help_text=_("5.7: one key, 1 to 5, while in these answers."),
    )
    language = forms.ChoiceField(
        label=_("Language they prefer"),
        choices=[
            *Language.choices[:2],
            (Language.OTHER, _("Another language: interpreter needed")),
        ],
        widget=RadioSelect,
        required=False,
        help_text=_("One key, 1 to 3, while in these answers."),
    )
    other_language = forms.CharField(label=_("Which language"), required=False, max_length=100)
    identity_check = forms.ChoiceField(
        label=_("Caller's identity"),
        choices=Call.IdentityCheck.choices,
        widget=RadioSelect,
        help_text=_(
            "Never give personal information out over the phone to an unknown caller (5.8e)."
        ),
        # No answer is chosen for the handler: the most important check is never skipped by
        # doing nothing.
        error_messages={"required": _("Say whether you checked who the caller is.")},
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        widget=DateTimeInput(),
    )
    ended_time = forms.TimeField(label=_("Ended at"), required=False, widget=TimeInput())
    # Complaint (5.8c)
    complaint_status = forms.ChoiceField(
        label=_("Complaints process"),
        required=False,
        choices=[("", "Choose…"), *Call.ComplaintStatus.choices],
    )
    # Request to speak to the Commissioner or a named person (5.8d, 5.9b)
    requested = ModelChoiceField(
        label=_("Person asked for"),
        required=False,
        queryset=StaffContact.objects.filter(is_active=True),
        empty_label=_("Choose…"),
        help_text=_(
            "They are emailed the caller's details and decide whether to call back. "
            "For the Commissioner, leave this: the Commissioner's office is emailed."
        ),
    )
    request_reason = forms.CharField(
        label=_("Why they want to speak to them"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # To be forwarded to Police Headquarters
    police_department = forms.CharField(
        label=_("Department at Police Headquarters"), required=False, max_length=200
    )
    published_route_given = forms.BooleanField(
        label=_("I gave the caller the published route"), required=False
    )
    # Sales or marketing (5.9)
    organisation = forms.CharField(label=_("Organisation"), required=False, max_length=200)
    selling = forms.CharField(
        label=_("What they were selling or promoting"), required=False, max_length=500
    )
    # Abusive or malicious, any type (5.8f)
    abusive = forms.BooleanField(label=_("The call was abusive or malicious"), required=False)
    warning_time = forms.TimeField(label=_("Warning given at"), required=False, widget=TimeInput())
    terminated_time = forms.TimeField(
        label=_("Call terminated at"), required=False, widget=TimeInput()
    )
    # A concern about the caller, raised with a manager as the call is saved (5.8i, 5.8j)
    concern_kind = forms.ChoiceField(
        label=_("Kind of concern"),
        required=False,
        choices=[("", _("No concern")), *Concern.Kind.choices],
    )
    concern_noticed = forms.CharField(
        label=_("What you noticed"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    submission_token = forms.UUIDField(widget=HiddenInput)
    # The call the phone system reported (screen pop): its id and times go with the call.
    phone_call = forms.IntegerField(required=False, min_value=1, widget=HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("submission_token", uuid.uuid4())
        kwargs["initial"].setdefault(
            "received_at", timezone.localtime().replace(second=0, microsecond=0)
        )
        super().__init__(*args, **kwargs)

    @property
    def received_at_shown(self) -> str:
        """When the call was received, as the closed "Received at" section says it."""
        value = self["received_at"].value()
        if isinstance(value, str):
            try:
                value = self.fields["received_at"].to_python(value)
            except forms.ValidationError:
                return value
        if not value:
            return ""
        return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime(
            "%d/%m/%Y %H:%M"
        )

    def _after_received(self, received_at: datetime, value: time | None) -> datetime | None:
        """A time on the call's day; earlier than the start means it ran past midnight."""
        if value is None or received_at is None:
            return None
        local = timezone.localtime(received_at)
        moment = timezone.make_aware(datetime.combine(local.date(), value))
        if moment < received_at.replace(second=0, microsecond=0):
            moment = timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), value))
        return moment

    def _check_length(self, received_at: datetime | None, name: str) -> datetime | None:
        """The time in field `name` on the call's day, or early the next morning for a call
        that ran past midnight; a time that would make the call last more than
        Call.LONGEST is refused beside its field, never read as a day later."""
        value = self.cleaned_data.get(name)
        moment = self._after_received(received_at, value)
        if moment is None or moment - received_at <= Call.LONGEST:
            return moment
        received = timezone.localtime(received_at)
        if value < received.time().replace(second=0, microsecond=0):
            self.add_error(
                name,
                _("That is before the call was received (%(time)s): check the time.")
                % {"time": f"{received:%H:%M}"},
            )
        else:
            self.add_error(name, _("That makes the call last more than 12 hours: check the time."))
        return None

    def clean(self):
        data = super().clean()
        call_type = data.get("call_type")
        if not data.get("caller") and not data.get("full_name", "").strip():
            self.add_error(
                "full_name",
                _(
                    "Enter the caller's full name, or choose them from the "
                    "matching callers. If they will not say, write 'Not given'."
                ),
            )
        if call_type == Call.Type.COMMISSIONER and not data.get("requested"):
            data["requested"] = StaffContact.objects.filter(
                is_commissioner=True, is_active=True
            ).first()
            if data["requested"] is None:
                self.add_error(
                    "call_type",
                    _(
                        "The staff directory has no Commissioner to email: "
                        "ask a manager to add one, and log this as a named person."
                    ),
                )
        if (
            call_type == Call.Type.SALES
            and data.get("requested")
            and not data.get("request_reason")
        ):
            self.add_error(
                "request_reason", _("Say why they asked for this person: it is emailed to them.")
            )
        required = {
            **Call.FIELDS_NEEDED,
            Call.Type.COMMISSIONER: ["request_reason"],
            Call.Type.NAMED_PERSON: ["requested", "request_reason"],
        }.get(call_type, [])
        for name in required:
            if not data.get(name) and name not in self.errors:
                self.add_error(name, NEEDED_FOR_TYPE)
        received_at = data.get("received_at")
        if received_at and received_at > timezone.now() + timedelta(minutes=5):
            self.add_error("received_at", _("A call cannot be received in the future."))
        elif received_at and received_at < timezone.now() - timedelta(days=LATE_LOGGING_DAYS):
            self.add_error(
                "received_at",
                _(
                    "Calls are logged as they happen: this is more than %(days)s days ago. "
                    "Check the date, or ask the Compliance Officer to add an older call."
                )
                % {"days": LATE_LOGGING_DAYS},
            )
        data["ended_at"] = self._check_length(received_at, "ended_time")
        if data.get("abusive"):
            for name in ("warning_time", "terminated_time"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Give the time, for the record of an abusive call."))
        if data.get("language") == Language.OTHER and not data.get("other_language", "").strip():
            self.add_error("other_language", _("Say which language, for the interpreter."))
        if data.get("concern_kind") and not data.get("concern_noticed", "").strip():
            self.add_error("concern_noticed", _("Say what you noticed, for the manager."))
        data["warning_given_at"] = self._check_length(received_at, "warning_time")
        data["terminated_at"] = self._check_length(received_at, "terminated_time")
        return data

    def service_arguments(self) -> dict:
        """The cleaned form as `call_log`'s keyword arguments (only what the type needs)."""
        data = self.cleaned_data
        call_type = data["call_type"]
        args = {
            "submission_token": data["submission_token"],
            "caller": data["caller"],
            "new_caller_name": data["full_name"].strip(),
            "phone": data["phone"] or None,
            "call_type": call_type,
            "about": data["about"],
            "outcome": data["outcome"],
            "identity_check": data["identity_check"],
            "recognised": data["recognised"],
            "language": data["language"],
            "other_language": data["other_language"].strip(),
            "received_at": data["received_at"],
            "ended_at": data["ended_at"],
            "abusive": data["abusive"],
            "warning_given_at": data["warning_given_at"] if data["abusive"] else None,
            "terminated_at": data["terminated_at"] if data["abusive"] else None,
            "concern_kind": data["concern_kind"],
            "concern_noticed": data["concern_noticed"],
        }
        if call_type == Call.Type.COMPLAINT:
            args["complaint_status"] = data["complaint_status"]
        if call_type in (Call.Type.COMMISSIONER, Call.Type.NAMED_PERSON):
            args["requested"] = data["requested"]
            args["request_reason"] = data["request_reason"]
        if call_type == Call.Type.POLICE_HQ:
            args["police_department"] = data["police_department"]
            args["published_route_given"] = data["published_route_given"]
        if call_type == Call.Type.SALES:
            args["organisation"] = data["organisation"]
            args["selling"] = data["selling"]
            if data["requested"]:  # 5.9(b): the request goes to them as any other does
                args["requested"] = data["requested"]
                args["request_reason"] = data["request_reason"]
        return args
