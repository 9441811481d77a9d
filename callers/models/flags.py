"""Frequent and regular callers: the rules that find candidates, the flags the Business and
Compliance Manager agrees with an agreed response, and the SMT and Silver meetings where that
happens (policy 5.2, 5.3, 5.6, 5.8h)."""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from callers.models.calls import Caller
from opcc_calls.text import TypedText

FLAG_REVIEW_MONTHS = 6
SILVER_EVERY_DAYS = 14


class Kind(models.TextChoices):
    FREQUENT = "frequent", "Frequent caller"
    REGULAR = "regular", "Regular caller"


def default_review_date() -> date:
    return timezone.localdate() + timedelta(days=round(FLAG_REVIEW_MONTHS * 365.25 / 12))


def _span(hours: int) -> str:
    if hours % 24:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days = hours // 24
    return f"{days} day{'s' if days != 1 else ''}" if days != 1 else "24 hours"


class Rule(TypedText, models.Model):
    """When a caller becomes a candidate: N or more calls (or different staff) within any
    window of the given length. Managers edit these; each says in plain English why it fired."""

    class Measure(models.TextChoices):
        CALLS = "calls", "calls"
        STAFF = "staff", "different staff reached"

    class CallGroup(models.TextChoices):
        PUBLIC = "public", "Calls from the public"
        SALES = "sales", "Sales and marketing calls"

    kind = models.CharField("Flags them as", max_length=20, choices=Kind)
    measure = models.CharField("Counts", max_length=20, choices=Measure.choices)
    threshold = models.PositiveSmallIntegerField(
        "How many", help_text="The rule fires at this many, not one before."
    )
    window_hours = models.PositiveIntegerField(
        "Within (hours)", help_text="Any period of this length: 24 = a day, 168 = a week."
    )
    call_group = models.CharField(
        "Which calls", max_length=20, choices=CallGroup.choices, default=CallGroup.PUBLIC
    )
    lookback_days = models.PositiveSmallIntegerField(
        "Keep on the list for (days)",
        default=90,
        help_text="How long after it last fired a caller stays a candidate.",
    )
    why = models.CharField(
        "Why this rule",
        max_length=300,
        blank=True,
        help_text="For example: the procedure's many calls a day, many staff (5.2).",
    )
    is_active = models.BooleanField("In use", default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "window_hours", "threshold"]
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gte=2), name="rule_threshold_at_least_2"),
            models.CheckConstraint(condition=Q(window_hours__gte=1), name="rule_window_positive"),
        ]

    def __str__(self) -> str:
        return self.reason

    @property
    def window(self) -> timedelta:
        return timedelta(hours=self.window_hours)

    @property
    def reason(self) -> str:
        """The plain-English reason shown wherever the rule fires."""
        what = "calls" if self.measure == self.Measure.CALLS else "different staff reached"
        sales = " (sales and marketing)" if self.call_group == self.CallGroup.SALES else ""
        return (
            f"{self.get_kind_display()}: {self.threshold} or more {what} within any "
            f"{_span(self.window_hours)}{sales}"
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


class DashboardFigure(models.Model):
    """A dashboard figure that reads a year of calls, worked out in the background and kept
    here with when: the page shows it at once and asks for a fresh one when it is old."""

    key = models.CharField(max_length=50, primary_key=True)
    value = models.JSONField(default=dict)
    computed_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.key


class FlagQuerySet(models.QuerySet):
    def active(self) -> "FlagQuerySet":
        return self.filter(ended_at__isnull=True)

    def overdue(self, *, today: date | None = None) -> "FlagQuerySet":
        return self.active().filter(review_date__lt=today or timezone.localdate())


class Flag(TypedText, models.Model):
    """A caller flagged as frequent or regular by the Business and Compliance Manager (5.6),
    with the agreed response every handler follows (5.3c)."""

    Kind = Kind

    caller = models.ForeignKey(Caller, on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField(max_length=20, choices=Kind)
    reason = models.CharField("Rule or reason", max_length=300)
    counts_at_flag = models.JSONField("Calls when flagged", default=dict, blank=True)
    meeting = models.ForeignKey(
        "Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="flags_agreed",
        verbose_name="Agreed at meeting",
    )
    agreed_response = models.TextField(
        "Agreed response",
        max_length=4000,
        help_text="The alternative pathway, and what every handler should say and do.",
    )
    single_point_of_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="flags_as_contact",
        verbose_name="Single point of contact",
    )
    contact_times = models.CharField(
        "Set times for contact",
        max_length=200,
        blank=True,
        help_text="For example: Tuesdays 10:00 to 11:00.",
    )
    written_contact_only = models.BooleanField("Written contact only", default=False)
    adjustments_considered = models.BooleanField(
        "Reasonable adjustments were considered", default=False
    )
    adjustments_note = models.TextField("Adjustments considered", blank=True, max_length=2000)
    review_date = models.DateField(default=default_review_date)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="flags_made"
    )
    flagged_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="flags_ended",
    )
    end_reason = models.TextField(blank=True, max_length=2000)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()
    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["-flagged_at"]
        permissions = [
            ("flag_caller", "Can flag callers, renew and end flags, and record meeting decisions")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["caller"],
                condition=Q(ended_at__isnull=True),
                name="flag_one_active_per_caller",
            ),
        ]
        indexes = [
            models.Index(
                fields=["review_date"],
                name="flag_review_date_idx",
                condition=Q(ended_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.caller}"

    def get_absolute_url(self) -> str:
        return reverse("callers:flag", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    @property
    def is_overdue(self) -> bool:
        """Past its review date without being renewed: shown as overdue everywhere."""
        return self.is_active and self.review_date < timezone.localdate()


class FlagReview(TypedText, models.Model):
    """A flag renewed at review, with the reasons and the new review date."""

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="reviews")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    reviewed_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField("Reasons for renewing", max_length=2000)
    previous_review_date = models.DateField()
    new_review_date = models.DateField()
    meeting = models.ForeignKey("Meeting", on_delete=models.PROTECT, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-reviewed_at"]

    def __str__(self) -> str:
        return f"{self.flag} renewed to {self.new_review_date}"


class Meeting(TypedText, models.Model):
    """An SMT meeting (where callers are flagged, 5.6) or a fortnightly Silver meeting (where
    frequent callers are a standing agenda item)."""

    class Kind(models.TextChoices):
        SMT = "smt", "SMT meeting"
        SILVER = "silver", "Silver meeting"

    kind = models.CharField(max_length=10, choices=Kind)
    date = models.DateField()
    notes = models.TextField(blank=True, max_length=5000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "date"], name="meeting_one_per_kind_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.date:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("callers:meeting", args=[self.pk])

    @property
    def next_silver_date(self) -> date:
        return self.date + timedelta(days=SILVER_EVERY_DAYS)


class MeetingItem(TypedText, models.Model):
    """One caller on a meeting's standing agenda item, as it stood when the meeting was opened,
    and the decision recorded for them."""

    class Section(models.TextChoices):
        CANDIDATE = "candidate", "Candidates for a flag"
        FLAGGED = "flagged", "Flagged callers"

    class Decision(models.TextChoices):
        FLAG = "flag", "Flag"
        RENEW = "renew", "Renew"
        CHANGE_RESPONSE = "change_response", "Change the agreed response"
        END = "end", "End the flag"
        NO_ACTION = "no_action", "No action"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    caller = models.ForeignKey(Caller, on_delete=models.PROTECT, related_name="meeting_items")
    section = models.CharField(max_length=20, choices=Section.choices)
    flag = models.ForeignKey(
        Flag, on_delete=models.PROTECT, null=True, blank=True, related_name="meeting_items"
    )
    reasons = models.JSONField(default=list, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    due_for_review = models.BooleanField(default=False)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decision_note = models.TextField(blank=True, max_length=4000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["section", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "caller"], name="meetingitem_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.caller}"
