"""Data protection for records that hold health and vulnerability: who opened sensitive detail,
merges of duplicate callers, the retention schedule and what it disposed of."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from callers.models.calls import Caller
from opcc_calls.text import TypedText

#: What anonymised text says in place of what was there.
REMOVED = "[Removed under the retention schedule]"


class SensitiveAccess(models.Model):
    """Who opened sensitive detail about a caller, and when. Written, never edited."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    caller = models.ForeignKey(Caller, on_delete=models.CASCADE, related_name="+")
    what = models.CharField(max_length=100)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "sensitive access log"
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.user_id} opened {self.what} at {self.at:%Y-%m-%d %H:%M}"


class CallerMerge(models.Model):
    """Two records found to be one person: everything moved to the survivor."""

    survivor = models.ForeignKey(Caller, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Caller, on_delete=models.PROTECT, related_name="merges_gone")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    merged_at = models.DateTimeField(default=timezone.now)
    moved = models.JSONField(_("What moved"), default=dict)

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"#{self.merged_id} merged into #{self.survivor_id}"


class RetentionRule(TypedText, models.Model):
    """How long each kind of record is kept after the caller's last contact, and what then."""

    class Kind(models.TextChoices):
        CALLS = "calls", _("Calls and DMTS entries")
        CALLERS = "callers", _("Callers with no contact")
        FLAGS = "flags", _("Flags")
        CONCERNS = "concerns", _("Concerns")
        REFERRALS = "referrals", _("Safeguarding referrals")

    class Action(models.TextChoices):
        ANONYMISE = "anonymise", _("Anonymise")
        DELETE = "delete", _("Delete")

    kind = models.CharField(max_length=20, choices=Kind.choices, unique=True)
    keep_years = models.PositiveSmallIntegerField(
        _("Keep for (years after last contact)"), default=6
    )
    action = models.CharField(max_length=20, choices=Action.choices, default=Action.ANONYMISE)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]
        permissions = [("apply_retention", "Can apply the retention schedule")]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()}: {self.get_action_display().lower()} after "
            f"{self.keep_years} years"
        )


class RetentionRun(models.Model):
    """The retention schedule applied from its page: who asked and why, carried out by the
    background worker (all of it or nothing), and what it came to. Never personal data."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("Why now"), max_length=500)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    records = models.PositiveIntegerField(default=0)
    failed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"Retention run {self.pk}"

    @property
    def in_hand(self) -> bool:
        return self.finished_at is None


class DisposalLog(models.Model):
    """What a retention run removed: kinds, counts and record numbers, never personal data."""

    run = models.ForeignKey(
        RetentionRun, on_delete=models.PROTECT, null=True, blank=True, related_name="logs"
    )
    rule_kind = models.CharField(max_length=20)
    action = models.CharField(max_length=20)
    record_type = models.CharField(max_length=50)
    record_ids = models.JSONField(default=list)
    count = models.PositiveIntegerField()
    disposed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-disposed_at"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.action} {self.count} {self.record_type} ({self.rule_kind})"

    @property
    def kind_label(self) -> str:
        return str(dict(RetentionRule.Kind.choices).get(self.record_type, self.record_type))

    @property
    def done(self) -> str:
        return "Deleted" if self.action == RetentionRule.Action.DELETE else "Anonymised"
