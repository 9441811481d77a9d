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
    told_on = models.DateField(
        "Caller told in writing on",
        null=True,
        blank=True,
        help_text="When the notice of the arrangements was sent (cleared when they change).",
    )
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

    @property
    def has_arrangements(self) -> bool:
        """Whether it restricts how the caller may contact the office, which the caller must
        be told in writing (with how to appeal)."""
        return bool(
            self.single_point_of_contact_id or self.contact_times or self.written_contact_only
        )


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
    attendees = models.TextField(
        "Present", blank=True, max_length=2000, help_text="Who attended, one a line."
    )
    apologies = models.TextField("Apologies", blank=True, max_length=2000)
    minutes = models.TextField("Minutes", blank=True, max_length=20_000)
    # None: opened by the office's cycle the day before (its agenda built then).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

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
        return self.date + timedelta(days=MeetingCycle.current().silver_every_days)


class MeetingCycle(models.Model):
    """How often the Silver meeting meets, which the office sets: the next one is proposed
    from the last, its agenda built the day before and managers reminded by email."""

    silver_every_days = models.PositiveSmallIntegerField(
        "Silver meeting every (days)", default=SILVER_EVERY_DAYS
    )
    first_silver = models.DateField(
        "First Silver meeting",
        null=True,
        blank=True,
        help_text="When there is none yet: the cycle starts here.",
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(silver_every_days__gte=1), name="meetingcycle_at_least_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"Silver every {self.silver_every_days} days"

    @classmethod
    def current(cls) -> "MeetingCycle":
        """The office's cycle (one row; the default until it is set)."""
        return cls.objects.first() or cls()


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
        CHANGE_ARRANGEMENTS = "change_arrangements", "Change the contact arrangements"
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


class LetterTemplate(TypedText, models.Model):
    """The office's wording for a letter to a flagged caller, which it edits. Placeholders in
    braces, such as {name}, are filled from the flag when a letter is written."""

    class Kind(models.TextChoices):
        NOTICE = "notice", "Notice of contact arrangements"
        APPEAL_UPHELD = "appeal_upheld", "Appeal upheld"
        APPEAL_NOT_UPHELD = "appeal_not_upheld", "Appeal not upheld"

    kind = models.CharField(max_length=20, choices=Kind, unique=True, editable=False)
    letterhead = models.TextField(
        "Letterhead",
        max_length=1000,
        help_text="The office's name and address, one line each, at the top of the letter.",
    )
    subject = models.CharField("Heading", max_length=200)
    body = models.TextField(
        "Wording",
        max_length=10_000,
        help_text="A blank line between paragraphs. Placeholders in braces are filled in.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    #: What each letter can say about the flag: never its agreed response, notes, concerns or
    #: referrals, which are for staff only.
    PLACEHOLDERS = {
        "name": "the caller's name",
        "office": "the office's name",
        "date": "the date of the letter",
        "arrangements": "the contact arrangements, in plain words",
        "reason": "why, as the manager writes it for the caller",
        "review_date": "when the arrangements will be reviewed",
        "appeal_received": "when the appeal was received (appeal letters)",
        "outcome_reasons": "the reasons for the decision (appeal letters)",
    }

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()


class AppealQuerySet(models.QuerySet):
    def waiting(self) -> "AppealQuerySet":
        return self.filter(decided_at__isnull=True)


class Appeal(TypedText, models.Model):
    """A caller's challenge to their contact arrangements, heard by a manager who did not make
    the flag (the ombudsmen's guidance on unreasonable contact)."""

    class Outcome(models.TextChoices):
        UPHELD_END = "upheld_end", "Upheld: the flag ends"
        UPHELD_CHANGE = "upheld_change", "Upheld: the arrangements change"
        NOT_UPHELD = "not_upheld", "Not upheld"

    flag = models.ForeignKey(Flag, on_delete=models.PROTECT, related_name="appeals")
    received_on = models.DateField("Received on")
    grounds = models.TextField("What the caller says", max_length=5000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appeals_recorded"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    reasons = models.TextField("Reasons for the decision", max_length=5000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()
    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        permissions = [("decide_appeal", "Can decide appeals against contact arrangements")]

    def __str__(self) -> str:
        return f"Appeal by {self.flag.caller} received {self.received_on:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("callers:appeal", args=[self.pk])

    @property
    def is_waiting(self) -> bool:
        return self.decided_at is None


class Letter(TypedText, models.Model):
    """A letter to a flagged caller as it was written from the office's template, and whether
    and how it was sent. Kept as written: what the caller was told does not change when the
    template or the flag does."""

    Kind = LetterTemplate.Kind

    class Sent(models.TextChoices):
        POST = "post", "By post"
        EMAIL = "email", "By email"

    flag = models.ForeignKey(Flag, on_delete=models.PROTECT, related_name="letters")
    appeal = models.ForeignKey(
        Appeal, on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    letterhead = models.TextField(max_length=1000)
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=20_000)
    arrangements = models.TextField("The arrangements it tells of", max_length=2000, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="letters_written"
    )
    written_at = models.DateTimeField(default=timezone.now)
    sent_on = models.DateField("Sent on", null=True, blank=True)
    sent_how = models.CharField("How", max_length=10, choices=Sent.choices, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters_sent",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-written_at", "-pk"]
        permissions = [("write_letter", "Can write to flagged callers and record letters sent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.flag.caller}, {self.written_at:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("callers:letter", args=[self.pk])

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]
