"""Forms for letters to flagged callers, the office's wording and appeals."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from callers.forms.flags import ArrangementsFields
from callers.models import Appeal, Letter, LetterLanguage
from callers.models.letters import Letterhead, LetterTemplate
from callers.selectors.letters import unknown_placeholders
from opcc_calls.forms import DateInput, RadioSelect, VersionForm


class NoticeForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Write it in"),
        choices=LetterLanguage.choices,
        widget=RadioSelect,
        help_text=_("The caller's language for letters is chosen for you."),
    )
    reason = forms.CharField(
        label=_("Why, in words for the caller"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The letter says this as the reason. Nothing else from the flag's notes goes in."
        ),
    )
    welsh_reason = forms.CharField(
        label=_("Why, in Welsh"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a letter in Welsh, or in Welsh and English."),
    )

    def language_chosen(self) -> str:
        """The language asked for (as sent, when it is one), or the caller's."""
        sent = self.data.get("language") if self.is_bound else None
        return sent if sent in LetterLanguage.values else self.initial["language"]

    def clean(self):
        data = super().clean()
        wordings = LetterLanguage.wordings(data.get("language") or LetterLanguage.ENGLISH)
        if LetterLanguage.ENGLISH in wordings and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why, in words for the caller."))
        if LetterLanguage.WELSH in wordings and not data.get("welsh_reason", "").strip():
            self.add_error("welsh_reason", _("Say why in Welsh, in words for the caller."))
        return data


class LetterheadForm(VersionForm, forms.ModelForm):
    """The office's letterhead: its name, address, telephone, email and website."""

    record_name = "letterhead"

    web = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")

    reason = forms.CharField(
        label=_("Why it is changing"),
        max_length=500,
        error_messages={"required": _("Say why, for the record.")},
    )

    class Meta:
        model = Letterhead
        fields = [
            "name",
            "name_in_sentence",
            "address",
            "telephone",
            "email",
            "web",
            "welsh_name",
            "welsh_name_in_sentence",
            "welsh_address",
            "letter_language",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 4}),
            "welsh_address": forms.Textarea(attrs={"rows": 4}),
            "letter_language": RadioSelect,
        }

    def service_arguments(self) -> dict[str, object]:
        data = self.cleaned_data
        return {name: data[name] for name in [*self.Meta.fields, "version", "reason"]}


class LetterSentForm(VersionForm):
    record_name = "letter"

    sent_on = forms.DateField(label=_("Sent on"), widget=DateInput(), initial=timezone.localdate)
    sent_how = forms.ChoiceField(label=_("How"), choices=Letter.Sent.choices, widget=RadioSelect)


class LetterTemplateForm(VersionForm):
    record_name = "letter template"

    subject = forms.CharField(label=_("Heading"), max_length=200)
    body = forms.CharField(
        label=_("Wording"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("A blank line between paragraphs. Placeholders in braces are filled in."),
    )
    reason = forms.CharField(
        label=_("Why it is changing"),
        max_length=500,
        error_messages={"required": _("Say why, for the record.")},
    )

    def clean(self):
        data = super().clean()
        for name in ("subject", "body"):
            unknown = unknown_placeholders(data.get(name, ""))
            if unknown:
                self.add_error(
                    name,
                    _("Not a placeholder this letter can fill: %(placeholders)s.")
                    % {"placeholders": ", ".join(f"{{{found}}}" for found in unknown)},
                )
        return data

    @staticmethod
    def initial_for(template: LetterTemplate) -> dict[str, object]:
        """The wording as it stands, and the version it was read at."""
        return {
            "version": template.version,
            "subject": template.subject,
            "body": template.body,
        }


class AppealForm(forms.Form):
    received_on = forms.DateField(
        label=_("Received on"), widget=DateInput(), initial=timezone.localdate
    )
    grounds = forms.CharField(
        label=_("What the caller says"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write what the caller says.")},
    )

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date it was received cannot be in the future."))
        return value


class AppealDecisionForm(VersionForm, ArrangementsFields):
    record_name = "appeal"

    outcome = forms.ChoiceField(
        label=_("Decision"), choices=Appeal.Outcome.choices, widget=RadioSelect
    )
    reasons = forms.CharField(
        label=_("Reasons for the decision"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The letter of outcome gives these reasons to the caller."),
        error_messages={"required": _("Give the reasons for the decision.")},
    )
    welsh_reasons = forms.CharField(
        label=_("The reasons in Welsh"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed when the caller's letters are in Welsh, or in Welsh and English."),
    )

    def arrangements_chosen(self, data: dict) -> bool:
        return data.get("outcome") == Appeal.Outcome.UPHELD_CHANGE
