"""Forms for the DMTS call log: reviewing, voiding and correcting an entry, and the log's
filters, kept in the session so that what was searched for (which may hold a name) never
appears in a URL or a server log."""

import secrets

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from callers.models import Call, Flag
from dmts.models import DmtsEntry
from dmts.services.entries import CORRECTABLE_FIELDS
from opcc_calls.forms import DateInput, DateTimeInput, ModelChoiceField, VersionForm


class ReviewForm(VersionForm):
    record_name = "entry"

    status = forms.ChoiceField(
        label=_("Review"),
        widget=forms.RadioSelect,
        choices=[
            (s.value, s.label)
            for s in (DmtsEntry.Status.REVIEWED, DmtsEntry.Status.NEEDS_FOLLOW_UP)
        ],
        error_messages={"required": _("Choose reviewed or needs follow-up.")},
    )
    notes = forms.CharField(
        label=_("Compliance Officer's notes"),
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


class VoidForm(VersionForm):
    record_name = "entry"

    reason = forms.CharField(
        label=_("Why was this logged in error?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why this entry was logged in error.")},
    )


class CorrectionForm(VersionForm, forms.ModelForm):
    """Correct a call's record. The reason is kept with the change in history. The version
    is the DMTS entry's (the view gives it), not the call's."""

    record_name = "entry"

    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=500,
        error_messages={"required": _("Give a reason for the correction.")},
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

    def service_arguments(self) -> dict[str, object]:
        """`call_correct`'s: the reason, the version, and the fields as one change."""
        data = self.cleaned_data
        return {
            "reason": data["reason"],
            "version": data["version"],
            "changes": {name: data[name] for name in CORRECTABLE_FIELDS},
        }


SESSION_KEY = "dmts_call_log_filters"
KEPT = 20


class HandlerFilter(django_filters.ModelChoiceFilter):
    # Its list of people in one query (django-filter's own class adds only a "null" choice).
    field_class = ModelChoiceField  # type: ignore[assignment]


class CallLogFilter(django_filters.FilterSet):
    received_from = django_filters.DateFilter(
        field_name="call__received_at",
        lookup_expr="date__gte",
        label=_("Received from"),
        widget=DateInput(),
    )
    received_to = django_filters.DateFilter(
        field_name="call__received_at",
        lookup_expr="date__lte",
        label=_("Received to"),
        widget=DateInput(),
    )
    call_type = django_filters.ChoiceFilter(
        field_name="call__call_type",
        choices=Call.Type.choices,
        label=_("Type of call"),
        empty_label=_("Any type"),
    )
    handler = HandlerFilter(
        field_name="call__handler",
        label=_("Handled by"),
        empty_label=_("Anyone"),
        queryset=get_user_model().objects.filter(is_active=True),
    )
    status = django_filters.ChoiceFilter(
        choices=DmtsEntry.Status.choices,
        label=_("Review status"),
        empty_label=_("Any status"),
    )
    flagged = django_filters.BooleanFilter(
        method="only_flagged",
        label=_("Only flagged callers"),
        widget=forms.CheckboxInput,
    )
    caller = django_filters.NumberFilter(field_name="call__caller_id", widget=forms.HiddenInput)
    q = django_filters.CharFilter(
        method="search",
        label=_("Reference or what the call was about"),
        max_length=200,
    )

    class Meta:
        model = DmtsEntry
        fields: list[str] = []

    def only_flagged(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Exists(Flag.objects.active().filter(caller_id=OuterRef("call__caller_id")))
        )

    def search(self, queryset, name, value):
        """A reference (DMTS-2026-000123) exactly, or words in what the call was about,
        through the trigram index (`ilike`), so a rare word is as quick as a common one."""
        value = value.strip()
        if value.upper().startswith("DMTS-"):
            return queryset.filter(reference=value.upper())
        return queryset.filter(call__about__ilike=value)


def filters_save(session, data: dict) -> str:
    """Keep a submitted set of filters; the returned key stands for it in URLs."""
    kept = session.get(SESSION_KEY, {})
    key = secrets.token_urlsafe(6)
    kept[key] = {k: v for k, v in data.items() if k in CallLogFilter.base_filters and v}
    session[SESSION_KEY] = dict(list(kept.items())[-KEPT:])
    return key


def filters_load(session, key: str | None) -> dict:
    return dict(session.get(SESSION_KEY, {}).get(key or "", {}))


class BulkReviewForm(forms.Form):
    """The entries ticked in the review queue, each as "id:version" as the queue read it."""

    entry = forms.CharField(widget=forms.MultipleHiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.chosen: list[tuple[int, int]] = []

    def clean(self):
        data = super().clean()
        values = self.data.getlist("entry") if hasattr(self.data, "getlist") else []
        for value in values[:BULK_MOST]:
            pk, _colon, version = value.partition(":")
            if not (pk.isdigit() and version.isdigit()):
                raise forms.ValidationError(
                    _("The queue was not read right: reload it and tick again.")
                )
            self.chosen.append((int(pk), int(version)))
        if not self.chosen:
            raise forms.ValidationError(_("Tick the entries to mark reviewed first."))
        return data


#: Entries one click may mark reviewed: a page of the queue.
BULK_MOST = 50
