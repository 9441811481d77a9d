"""What the office must come back to, each with an owner, a due date and a status: requests
nobody decided, DMTS entries marked as needing follow-up, actions agreed at meetings, and
complaints awaiting the complaints team's reference."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from callers.models.calls import Call, Caller
from callers.models.contact_requests import ContactRequest
from callers.models.meetings import Meeting
from opcc_calls.text import TypedText


class FollowUpQuerySet(models.QuerySet):
    def open(self) -> "FollowUpQuerySet":
        return self.filter(status=FollowUp.Status.OPEN)

    def overdue(self, *, today=None) -> "FollowUpQuerySet":
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def for_list(self) -> "FollowUpQuerySet":
        return self.select_related(
            "owner", "meeting", "contact_request__requested", "call__dmts_entry", "caller"
        )


class FollowUp(TypedText, models.Model):
    """Something the office must come back to, which belongs to someone: a request to speak to
    a named person nobody decided within two working days, a DMTS entry marked "needs
    follow-up", an action agreed at a meeting, a complaint the complaints team has not given a
    reference for. Each has an owner, a due date and a status, and the daily digest chases it."""

    class Kind(models.TextChoices):
        REQUEST = "request", _("Request to speak to someone, not decided")
        ENTRY = "entry", _("DMTS entry needing follow-up")
        ACTION = "action", _("Action from a meeting")
        COMPLAINT = "complaint", _("Complaint awaiting the complaints team's reference")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    what = models.CharField(_("What is to be done"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    due_on = models.DateField(_("Due"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    caller = models.ForeignKey(
        Caller,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    contact_request = models.ForeignKey(
        ContactRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    # The call whose DMTS entry needs following up, or whose complaint awaits a reference
    # (the entry shares its call's key, so its page is the call's).
    call = models.ForeignKey(
        Call,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        db_column="entry_id",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups_created",
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_note = models.TextField(_("What was done"), blank=True, max_length=2000)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()
    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            # Found once: the daily run may meet the same request or entry many times.
            models.UniqueConstraint(
                fields=["kind", "contact_request"],
                condition=Q(contact_request__isnull=False),
                name="followup_once_per_request",
            ),
            models.UniqueConstraint(
                fields=["kind", "call"],
                condition=Q(call__isnull=False),
                name="followup_once_per_call",
            ),
        ]
        indexes = [
            models.Index(
                fields=["owner", "due_on"],
                name="followup_open_owner_idx",
                condition=Q(status="open"),
            ),
            models.Index(
                fields=["due_on"], name="followup_open_due_idx", condition=Q(status="open")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: due {self.due_on:%-d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("callers:follow_up", args=[self.pk])

    @property
    def summary(self) -> str:
        """What it is, in words that never name a caller (for an email): what the daily run
        wrote for it (a DMTS reference, a member of staff), or for an action the meeting that
        agreed it (what a manager typed may name the caller: its page says it)."""
        if self.kind == self.Kind.ACTION:
            return f"Action agreed at the {self.meeting}" if self.meeting_id else "Action"
        return self.what

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()
