"""Forms for the frequent-caller rules: narrowing the candidates, and the rules themselves."""

from django import forms
from django.utils.translation import gettext_lazy as _

from callers.models import Flag, Rule
from callers.selectors.rules import CandidateFilter


class CandidateFilterForm(forms.Form):
    """Narrowing and sorting the candidates."""

    rule = forms.ModelChoiceField(
        label=_("Rule"),
        queryset=Rule.objects.filter(is_active=True),
        required=False,
        empty_label=_("Any rule"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", "Either"), *Flag.Kind.choices], required=False
    )
    calls_30d = forms.IntegerField(
        label=_("At least this many calls in 30 days"),
        min_value=0,
        max_value=10_000,
        required=False,
    )
    staff = forms.IntegerField(
        label=_("At least this many staff reached in 7 days"),
        min_value=0,
        max_value=1000,
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("", _("Most recently met a rule")),
            ("30d", _("Calls in 30 days, most first")),
            ("7d", _("Calls in 7 days, most first")),
            ("staff", _("Staff reached in 7 days, most first")),
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
    """A rule, its period given in days where it is days ("7 days", not "168 hours")."""

    period = forms.IntegerField(
        label=_("Within"),
        min_value=1,
        max_value=366 * 24,
        help_text=_("Any period of this length."),
        error_messages={"required": _("Give the period the calls fall within.")},
    )
    period_unit = forms.ChoiceField(
        label=_("Hours or days"),
        choices=[("days", _("days")), ("hours", _("hours"))],
        initial="days",
    )

    class Meta:
        model = Rule
        fields = [
            "kind",
            "measure",
            "threshold",
            "call_group",
            "lookback_days",
            "why",
            "is_active",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        hours = self.instance.window_hours
        if hours:
            in_days = hours % 24 == 0
            self.initial["period"] = hours // 24 if in_days else hours
            self.initial["period_unit"] = "days" if in_days else "hours"
        # In the order the sentence reads: 3 or more calls within any 24 hours.
        self.order_fields(["kind", "measure", "threshold", "period", "period_unit"])

    def clean_threshold(self):
        value = self.cleaned_data["threshold"]
        if value < 2:
            raise forms.ValidationError(_("A rule needs at least 2."))
        return value

    def clean(self):
        data = super().clean()
        period, unit = data.get("period"), data.get("period_unit")
        if period is not None and unit:
            hours = period * 24 if unit == "days" else period
            if hours > 366 * 24:
                self.add_error("period", _("A rule looks at most a year back: 366 days."))
            else:
                self.instance.window_hours = hours
        return data


RuleFormSet = forms.modelformset_factory(Rule, form=RuleForm, extra=1, can_delete=False)
