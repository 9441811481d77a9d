"""Screen pop: the calls the office's phone system reports, and every event it sent."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from callers.models.calls import Call
from opcc_calls import phones
from opcc_calls.telephony import WITHHELD


class PhoneCall(models.Model):
    """A call as the phone system reported it (screen pop): ringing, answered, ended, for one
    extension. The handler's screen reads it from here (several app servers share it); the
    call logged from it keeps the phone system's id and its times."""

    class State(models.TextChoices):
        RINGING = "ringing", _("Ringing")
        ANSWERED = "answered", _("Answered")
        ENDED = "ended", _("Ended")

    call_id = models.CharField(_("Phone system's call id"), max_length=100, unique=True)
    extension = models.CharField(max_length=20)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phone_calls"
    )
    # As the phone system gave it, and in E.164 when it is a number ("" when withheld).
    caller_number = models.CharField(max_length=40, blank=True)
    number = models.CharField(max_length=20, blank=True)
    state = models.CharField(max_length=10, choices=State.choices)
    ringing_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    # The handler closed its notice without logging it (it is shown no more).
    dismissed_at = models.DateTimeField(null=True, blank=True)
    logged_as = models.OneToOneField(
        Call, on_delete=models.SET_NULL, null=True, blank=True, related_name="phone_call"
    )

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["handler", "-updated_at"], name="phonecall_latest"),
            models.Index(fields=["updated_at"], name="phonecall_updated"),
        ]

    def __str__(self) -> str:
        return f"Phone call {self.call_id} on {self.extension}"

    @property
    def withheld(self) -> bool:
        """What the phone system sent says the number is withheld (a number that is not a
        valid one, like Ofcom's drama range, is not withheld: it is shown as sent)."""
        return self.caller_number.strip().lower() in WITHHELD

    @property
    def number_shown(self) -> str:
        """The number as the handler reads it: national when it is a valid number, else as
        the phone system sent it."""
        return phones.as_national(self.number) if self.number else self.caller_number.strip()


class TelephonyEvent(models.Model):
    """Every event the phone system sent, kept as a record of what arrived and what was done
    with it. Refused ones keep no body (a bad signature may carry anything)."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        UNKNOWN_EXTENSION = "unknown_extension", _("No one has this extension")
        BAD_SIGNATURE = "bad_signature", _("Bad signature")
        STALE = "stale", _("Timestamp too old")
        REPLAY = "replay", _("Sent before")
        MALFORMED = "malformed", _("Not an event")
        NOT_CONFIGURED = "not_configured", _("No secret set")

    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    event = models.CharField(max_length=10, blank=True)
    call_id = models.CharField(max_length=100, blank=True)
    extension = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        default_permissions = ("view",)
        constraints = [
            # An event is taken once: the same call's same event again is a replay.
            models.UniqueConstraint(
                fields=["call_id", "event"],
                condition=models.Q(outcome="accepted"),
                name="telephony_event_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event or 'event'} {self.call_id} ({self.get_outcome_display()})"
