"""Frequent and regular callers flagged by the Business and Compliance Manager, with the
agreed response every handler follows and any contact arrangements, renewed at review
(policy 5.3c, 5.6, 5.8h)."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from callers.models.calls import Caller
from opcc_calls.text import TypedText

FLAG_REVIEW_MONTHS = 6


class Kind(models.TextChoices):
    FREQUENT = "frequent", _("Frequent caller")
    REGULAR = "regular", _("Regular caller")


def default_review_date() -> date:
    return timezone.localdate() + timedelta(days=round(FLAG_REVIEW_MONTHS * 365.25 / 12))


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
    reason = models.CharField(_("Rule or reason"), max_length=300)
    counts_at_flag = models.JSONField(_("Calls when flagged"), default=dict, blank=True)
    meeting = models.ForeignKey(
        "Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="flags_agreed",
        verbose_name=_("Agreed at meeting"),
    )
    agreed_response = models.TextField(
        _("Agreed response"),
        max_length=4000,
        help_text=_("The alternative pathway, and what every handler should say and do."),
    )
    single_point_of_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="flags_as_contact",
        verbose_name=_("Single point of contact"),
    )
    contact_times = models.CharField(
        _("Set times for contact"),
        max_length=200,
        blank=True,
        help_text=_("For example: Tuesdays 10:00 to 11:00."),
    )
    written_contact_only = models.BooleanField(_("Written contact only"), default=False)
    adjustments_considered = models.BooleanField(
        _("Reasonable adjustments were considered"), default=False
    )
    adjustments_note = models.TextField(_("Adjustments considered"), blank=True, max_length=2000)
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
        _("Caller told in writing on"),
        null=True,
        blank=True,
        help_text=_("When the notice of the arrangements was sent (cleared when they change)."),
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

    #: Set times to telephone and writing only cannot both be told to a caller.
    CONTRADICTORY_ARRANGEMENTS = _(
        "Choose one: contact at set times (by telephone) and written contact only (never by "
        "telephone) contradict each other."
    )

    @classmethod
    def arrangements_contradict(cls, *, contact_times: str, written_contact_only: bool) -> bool:
        return bool(contact_times.strip()) and written_contact_only

    def clean(self) -> None:
        if self.arrangements_contradict(
            contact_times=self.contact_times, written_contact_only=self.written_contact_only
        ):
            raise ValidationError({"written_contact_only": self.CONTRADICTORY_ARRANGEMENTS})

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
    reason = models.TextField(_("Reasons for renewing"), max_length=2000)
    previous_review_date = models.DateField()
    new_review_date = models.DateField()
    meeting = models.ForeignKey("Meeting", on_delete=models.PROTECT, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-reviewed_at"]

    def __str__(self) -> str:
        return f"{self.flag} renewed to {self.new_review_date}"
