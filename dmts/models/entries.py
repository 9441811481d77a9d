"""The DMTS call log: one entry for every logged call, reviewed by the Compliance Officer
(policy 5.4, 5.5, 5.8g, 5.8h). Nothing is deleted; an entry logged in error is voided."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from callers.models import Call, entries_visible_to
from opcc_calls.text import TypedText


class DmtsCounter(models.Model):
    """The last reference number issued in a year. Locked while a number is taken, so two
    calls saved at the same moment get consecutive numbers and none is ever reused."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class DmtsEntryQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DmtsEntryQuerySet":
        """Reviewers see every entry; a handler sees the entries of calls they took."""
        return self.filter(entries_visible_to(user, handler="call__handler"))

    def awaiting_review(self) -> "DmtsEntryQuerySet":
        return self.filter(status=DmtsEntry.Status.AWAITING_REVIEW, voided=False)

    def for_list(self) -> "DmtsEntryQuerySet":
        return self.select_related("call__caller", "call__handler", "reviewed_by")


class DmtsEntry(TypedText, models.Model):
    class Status(models.TextChoices):
        AWAITING_REVIEW = "awaiting", _("Awaiting review")
        REVIEWED = "reviewed", _("Reviewed")
        NEEDS_FOLLOW_UP = "follow_up", _("Needs follow-up")

    # The entry shares its call's primary key: a call's page and its entry are one address.
    call = models.OneToOneField(
        Call, on_delete=models.PROTECT, related_name="dmts_entry", primary_key=True
    )
    year = models.PositiveSmallIntegerField(editable=False)
    number = models.PositiveIntegerField(editable=False)
    reference = models.CharField(max_length=20, unique=True, editable=False)
    status = models.CharField(
        _("Review status"), max_length=20, choices=Status.choices, default=Status.AWAITING_REVIEW
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dmts_entries_reviewed",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    compliance_notes = models.TextField(
        _("Compliance Officer's notes"), blank=True, max_length=5000
    )
    # A complaint handed to the complaints process (5.8c): emailed, and the complaints team's
    # own reference once they give it.
    complaint_sent_at = models.DateTimeField(
        _("Sent to the complaints process"), null=True, blank=True
    )
    complaint_sent_to = models.EmailField(blank=True)
    complaint_reference = models.CharField(
        _("Complaints team's reference"), max_length=100, blank=True
    )
    voided = models.BooleanField(_("Logged in error (void)"), default=False)
    void_reason = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()
    objects = DmtsEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "DMTS entry"
        verbose_name_plural = "DMTS entries"
        permissions = [
            ("review_dmtsentry", "Can review, correct and void any DMTS entry"),
            ("export_dmtsentry", "Can export the DMTS call log"),
            ("correct_own_dmtsentry", "Can correct their own DMTS entries until reviewed"),
        ]
        indexes = [
            models.Index(
                fields=["status", "created_at"], name="dmts_queue_idx", condition=Q(voided=False)
            ),
            # The few voided entries, which every count of a caller's calls leaves out.
            models.Index(fields=["call"], name="dmts_voided_idx", condition=Q(voided=True)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="dmts_number_unique_in_year"),
            models.CheckConstraint(
                condition=Q(voided=False) | ~Q(void_reason=""), name="dmts_void_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("dmts:entry", args=[self.pk])

    @property
    def is_routine(self) -> bool:
        """Awaiting review and nothing about the call to look at alone: may be marked
        reviewed with others from the queue. Complaints (a reference to follow) and abusive
        calls are reviewed one at a time."""
        return (
            self.status == self.Status.AWAITING_REVIEW
            and not self.voided
            and self.call.call_type != Call.Type.COMPLAINT
            and not self.call.abusive
        )

    def can_be_corrected_by(self, user) -> bool:
        """A handler may correct their own entry until it is reviewed; after that only the
        Compliance Officer and managers may (they hold the review permission)."""
        if user.has_perm("dmts.review_dmtsentry"):
            return True
        return (
            user.has_perm("dmts.correct_own_dmtsentry")
            and self.call.handler_id == user.pk
            and self.status == self.Status.AWAITING_REVIEW
            and not self.voided
        )
