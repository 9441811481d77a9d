"""Forms for follow-ups: an action agreed at a meeting, giving one to someone, marking it done."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from callers.models import Caller
from opcc_calls.forms import DateInput, ModelChoiceField, VersionForm, staff


class ActionForm(forms.Form):
    """An action agreed at a meeting: what, who owns it, by when (and the caller it is about,
    if any)."""

    what = forms.CharField(
        label=_("Action"),
        max_length=500,
        help_text=_("Emails name the meeting and the date, never this text."),
        error_messages={"required": _("Say what is to be done.")},
    )
    owner = ModelChoiceField(
        label=_("Owner"),
        queryset=get_user_model().objects.none(),
        error_messages={"required": _("Choose who owns it.")},
    )
    due_on = forms.DateField(label=_("Due"), widget=DateInput())
    caller = forms.ModelChoiceField(
        label=_("About (optional)"),
        queryset=Caller.objects.none(),
        required=False,
        empty_label=_("No one caller"),
    )

    def __init__(self, *args, callers=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff()
        if callers is not None:
            self.fields["caller"].queryset = callers
        else:
            del self.fields["caller"]

    def clean_due_on(self):
        value = self.cleaned_data["due_on"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return value


class FollowUpAssignForm(VersionForm):
    record_name = "follow-up"

    owner = ModelChoiceField(
        label=_("Owner"),
        queryset=get_user_model().objects.none(),
        error_messages={"required": _("Choose who owns it.")},
    )
    due_on = forms.DateField(label=_("Due"), widget=DateInput())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff()


class FollowUpDoneForm(VersionForm):
    record_name = "follow-up"

    note = forms.CharField(
        label=_("What was done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what was done.")},
    )
