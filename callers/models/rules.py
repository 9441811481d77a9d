"""Frequent-caller rules and their matches: when a caller becomes a candidate for a flag
(policy 5.2, 5.3), kept current as calls are logged so no list rescans the call log."""

import re
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, override, pgettext
from simple_history.models import HistoricalRecords

from callers.models.calls import Caller
from callers.models.flags import Kind
from opcc_calls.text import TypedText

#: A rule's reason as Rule.reason writes it, in English.
REASON = re.compile(
    r"^(?P<kind>Frequent caller|Regular caller): (?P<threshold>\d+) or more "
    r"(?P<what>calls|different staff reached) within any (?P<hours>\d+) (?P<unit>hours?|days?)"
    r"(?P<sales> \(sales and marketing\))?$"
)


def reason_said(reason: str) -> str:
    """A rule's reason as stored (in English, the key) said in the reader's language; any
    other reason (one a manager wrote) as written."""
    found = REASON.match(reason)
    if not found:
        return reason
    hours = int(found["hours"]) * (24 if found["unit"].startswith("day") else 1)
    days = hours // 24
    if hours % 24 or days == 1:
        span = ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}
    else:
        span = ngettext("%(n)s day", "%(n)s days", days) % {"n": days}
    kind = Kind.FREQUENT if found["kind"] == "Frequent caller" else Kind.REGULAR
    what = (
        pgettext("in a rule's reason: 3 or more calls", "calls")
        if found["what"] == "calls"
        else pgettext(
            "in a rule's reason: 3 or more different staff reached", "different staff reached"
        )
    )
    words = {
        "kind": kind.label,
        "threshold": found["threshold"],
        "what": what,
        "span": span,
    }
    if found["sales"]:
        return (
            _("%(kind)s: %(threshold)s or more %(what)s within any %(span)s (sales and marketing)")
            % words
        )
    return _("%(kind)s: %(threshold)s or more %(what)s within any %(span)s") % words


def _span(hours: int) -> str:
    if hours % 24:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days = hours // 24
    return f"{days} day{'s' if days != 1 else ''}" if days != 1 else "24 hours"


class Rule(TypedText, models.Model):
    """When a caller becomes a candidate: N or more calls (or different staff) within any
    window of the given length. Managers edit these; each says in plain English why it fired."""

    class Measure(models.TextChoices):
        CALLS = "calls", _("calls")
        STAFF = "staff", _("different staff reached")

    class CallGroup(models.TextChoices):
        PUBLIC = "public", _("Calls from the public")
        SALES = "sales", _("Sales and marketing calls")

    kind = models.CharField(_("Flags them as"), max_length=20, choices=Kind)
    measure = models.CharField(_("Counts"), max_length=20, choices=Measure.choices)
    threshold = models.PositiveSmallIntegerField(
        _("How many"), help_text=_("The rule fires at this many, not one before.")
    )
    window_hours = models.PositiveIntegerField(
        _("Within (hours)"), help_text=_("Any period of this length: 24 = a day, 168 = a week.")
    )
    call_group = models.CharField(
        _("Which calls"), max_length=20, choices=CallGroup.choices, default=CallGroup.PUBLIC
    )
    lookback_days = models.PositiveSmallIntegerField(
        _("Keep on the list for (days)"),
        default=90,
        help_text=_("How long after it last fired a caller stays a candidate."),
    )
    why = models.CharField(
        _("Why this rule"),
        max_length=300,
        blank=True,
        help_text=_("For example: the procedure's many calls a day, many staff (5.2)."),
    )
    is_active = models.BooleanField(_("In use"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "window_hours", "threshold"]
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gte=2), name="rule_threshold_at_least_2"),
            models.CheckConstraint(condition=Q(window_hours__gte=1), name="rule_window_positive"),
        ]

    def __str__(self) -> str:
        return reason_said(self.reason)

    @property
    def window(self) -> timedelta:
        return timedelta(hours=self.window_hours)

    @property
    def reason(self) -> str:
        """The plain-English reason shown wherever the rule fires. In English whatever the
        reader's language: it is stored with a meeting's agenda and matched against the rules
        (callers.selectors.rules.reason_legend), so it must read the same for everyone."""
        what = "calls" if self.measure == self.Measure.CALLS else "different staff reached"
        sales = " (sales and marketing)" if self.call_group == self.CallGroup.SALES else ""
        with override("en-gb"):
            kind = str(self.get_kind_display())
        return (
            f"{kind}: {self.threshold} or more {what} within any {_span(self.window_hours)}{sales}"
        )


class RuleMatch(models.Model):
    """That a rule fired for a caller, and when it last did. Derived from the log and kept up
    to date as calls are logged, corrected or voided, so the candidates list reads this small
    table instead of rescanning millions of calls."""

    caller = models.ForeignKey(Caller, on_delete=models.CASCADE, related_name="rule_matches")
    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="matches")
    last_fired_at = models.DateTimeField()
    first_fired_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["caller", "rule"], name="rulematch_once_per_rule"),
        ]
        indexes = [models.Index(fields=["last_fired_at"], name="rulematch_last_fired_idx")]

    def __str__(self) -> str:
        return f"{self.caller_id}: {self.rule_id}"


class MatchesRefresh(models.Model):
    """Working out every caller's matches again after the rules changed: done in the
    background (it reads the whole log), and said on the rules page as queued, then finished."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    matches = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        get_latest_by = "requested_at"

    def __str__(self) -> str:
        return f"Matches refresh {self.pk}"
