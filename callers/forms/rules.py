"""Forms for the frequent-caller rules: narrowing the candidates, and the rules themselves."""

from django import forms

from callers.models import Flag, Rule
from callers.selectors.rules import CandidateFilter


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
