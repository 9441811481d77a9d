"""SMT meetings, where callers are flagged (5.6), and the fortnightly Silver meetings where
frequent callers are a standing agenda item, with the office's Silver cycle."""

import datetime
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from callers.models.calls import Caller
from callers.models.flags import Flag
from callers.models.rules import reason_said
from opcc_calls.text import TypedText

SILVER_EVERY_DAYS = 14


class Meeting(TypedText, models.Model):
    """An SMT meeting (where callers are flagged, 5.6) or a fortnightly Silver meeting (where
    frequent callers are a standing agenda item)."""

    class Kind(models.TextChoices):
        SMT = "smt", _("SMT meeting")
        SILVER = "silver", _("Silver meeting")

    kind = models.CharField(max_length=10, choices=Kind)
    date = models.DateField()
    attendees = models.TextField(
        _("Present"), blank=True, max_length=2000, help_text=_("Who attended, one a line.")
    )
    apologies = models.TextField(_("Apologies"), blank=True, max_length=2000)
    minutes = models.TextField(_("Minutes"), blank=True, max_length=20_000)
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
        return f"{self.get_kind_display()}, {dateformat.format(self.date, 'j F Y')}"

    def get_absolute_url(self) -> str:
        return reverse("callers:meeting", args=[self.pk])

    @property
    def is_smt(self) -> bool:
        return self.kind == self.Kind.SMT

    @property
    def is_silver(self) -> bool:
        return self.kind == self.Kind.SILVER

    @property
    def next_silver_date(self) -> datetime.date:  # `date` here is the field
        return self.date + timedelta(days=MeetingCycle.current().silver_every_days)


class MeetingCycle(models.Model):
    """How often the Silver meeting meets, which the office sets: the next one is proposed
    from the last, its agenda built the day before and managers reminded by email."""

    silver_every_days = models.PositiveSmallIntegerField(
        _("Silver meeting every (days)"), default=SILVER_EVERY_DAYS
    )
    first_silver = models.DateField(
        _("First Silver meeting"),
        null=True,
        blank=True,
        help_text=_("When there is none yet: the cycle starts here."),
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
        CANDIDATE = "candidate", _("Candidates for a flag")
        FLAGGED = "flagged", _("Flagged callers")

    class Decision(models.TextChoices):
        FLAG = "flag", _("Flag")
        RENEW = "renew", _("Renew")
        CHANGE_RESPONSE = "change_response", _("Change the agreed response")
        CHANGE_ARRANGEMENTS = "change_arrangements", _("Change the contact arrangements")
        END = "end", _("End the flag")
        NO_ACTION = "no_action", _("No action")

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
    #: Its place in the agenda's order, what matters most first, given as the agenda is built:
    #: an agenda of thousands is paged through an index, never sorted on every visit.
    position = models.PositiveIntegerField(null=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["section", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "caller"], name="meetingitem_once"),
        ]
        indexes = [models.Index(fields=["meeting", "position"], name="meetingitem_agenda_idx")]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.caller}"

    @property
    def said_reasons(self) -> list[str]:
        """Why they are on the agenda, in the reader's language (stored in English)."""
        return [reason_said(reason) for reason in self.reasons]

    @property
    def is_flagged(self) -> bool:
        """On the agenda as a flagged caller (a Silver meeting's), not as a candidate."""
        return self.section == self.Section.FLAGGED
