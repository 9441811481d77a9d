"""Filtering the call log. Filters are posted and kept in the session under a short key, so
what was searched for (which may hold a name) never appears in a URL or a server log."""

import secrets

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from callers.models import Call, Flag
from dmts.models import DmtsEntry
from opcc_calls.forms import DateInput, ModelChoiceField

SESSION_KEY = "dmts_call_log_filters"
KEPT = 20


class HandlerFilter(django_filters.ModelChoiceFilter):
    field_class = ModelChoiceField  # its list of people in one query


class CallLogFilter(django_filters.FilterSet):
    received_from = django_filters.DateFilter(
        field_name="call__received_at",
        lookup_expr="date__gte",
        label="Received from",
        widget=DateInput(),
    )
    received_to = django_filters.DateFilter(
        field_name="call__received_at",
        lookup_expr="date__lte",
        label="Received to",
        widget=DateInput(),
    )
    call_type = django_filters.ChoiceFilter(
        field_name="call__call_type",
        choices=Call.Type.choices,
        label="Type of call",
        empty_label="Any type",
    )
    handler = HandlerFilter(
        field_name="call__handler",
        label="Handled by",
        empty_label="Anyone",
        queryset=get_user_model().objects.filter(is_active=True),
    )
    status = django_filters.ChoiceFilter(
        choices=DmtsEntry.Status.choices,
        label="Review status",
        empty_label="Any status",
    )
    flagged = django_filters.BooleanFilter(
        method="only_flagged",
        label="Only flagged callers",
        widget=forms.CheckboxInput,
    )
    caller = django_filters.NumberFilter(field_name="call__caller_id", widget=forms.HiddenInput)
    q = django_filters.CharFilter(
        method="search",
        label="Reference or what the call was about",
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
