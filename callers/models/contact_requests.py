"""Requests to speak to the Commissioner or a named person (policy 5.8d, 5.9b), and the staff
directory of people a caller may ask for."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from callers.models.calls import Call
from opcc_calls.text import TypedText


class StaffContact(TypedText, models.Model):
    """Someone a caller may ask for: a member of staff or, like the Commissioner, someone who
    may never sign in. Only an email address is held: no number is ever shown (5.8d)."""

    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(_("Email address"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_contact",
    )
    is_commissioner = models.BooleanField(
        _("Is the Police and Crime Commissioner"),
        default=False,
        help_text=_("Requests to speak to the Commissioner are sent to this person."),
    )
    is_active = models.BooleanField(_("In the directory"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "staff directory entry"
        verbose_name_plural = "staff directory"

    def __str__(self) -> str:
        return f"{self.name}, {self.job_title}" if self.job_title else self.name


class ContactRequest(TypedText, models.Model):
    """A caller asked to speak to the Commissioner or a named person (5.8d, 5.9b).

    Nothing is transferred: the person asked for is emailed and decides whether to call back.
    """

    class Decision(models.TextChoices):
        PENDING = "pending", _("Awaiting their decision")
        WILL_CALL_BACK = "will_call_back", _("Will call back")
        WILL_NOT_CALL_BACK = "will_not_call_back", _("Will not call back")
        DONE = "done", _("Done")

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="contact_request")
    requested = models.ForeignKey(
        StaffContact,
        on_delete=models.PROTECT,
        related_name="contact_requests",
        verbose_name=_("Person asked for"),
    )
    reason = models.TextField(_("Why they want to speak to them"), max_length=2000)
    emailed_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decision_note = models.TextField(_("Note"), blank=True, max_length=2000)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Through the emailed link (by whoever holds it: a decision, once), or signed in (anyone may
    # change it later this way, named in history).
    decided_through_link = models.BooleanField(default=False, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-call__received_at"]
        indexes = [
            models.Index(fields=["requested", "decision"], name="contactrequest_pending_idx")
        ]

    def __str__(self) -> str:
        return f"Request for {self.requested.name} ({self.get_decision_display()})"

    @property
    def is_decided(self) -> bool:
        return self.decision != self.Decision.PENDING

    def can_be_decided_by(self, user) -> bool:
        """The person asked for, signed in, or someone who looks after requests."""
        return user.is_authenticated and (
            (self.requested.user_id is not None and self.requested.user_id == user.pk)
            or user.has_perm("callers.change_contactrequest")
        )


class ContactRequestOpening(models.Model):
    """Each time the emailed link to a request was followed (5.8d): when, and who if they were
    signed in. Written, never changed."""

    contact_request = models.ForeignKey(
        ContactRequest, on_delete=models.CASCADE, related_name="openings"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    signed_in_as = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"Request {self.contact_request_id} opened {self.opened_at:%Y-%m-%d %H:%M}"
