"""The register of subject access requests (UK GDPR article 15: a caller's right to everything
held about them) and the responses the background worker writes for them."""

import calendar
from datetime import date

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from callers.models.calls import Caller
from opcc_calls.models import WrittenByWorker, WrittenStatus
from opcc_calls.text import TypedText


def _exports_storage():
    """Written responses wait in the same private folder as call-log exports (never served
    as static or media), shared by the web servers and the workers."""
    return storages["exports"]


def months_after(day: date, months: int) -> date:
    """The same day `months` calendar months on, or the last day of that month when it is
    shorter (a request received on 31 January is due on 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class SubjectAccessRequest(TypedText, models.Model):
    """A request for everything held about a caller (UK GDPR article 15): received, who asked,
    when their identity was verified, due one calendar month after receipt (extendable by two
    more, with the reason, for a complex request), done."""

    class Requester(models.TextChoices):
        CALLER = "caller", _("The caller themselves")
        REPRESENTATIVE = "representative", _("Someone acting for them (with their authority)")

    #: One calendar month, or three once extended.
    MONTHS, EXTENDED_MONTHS = 1, 3

    caller = models.ForeignKey(
        Caller, on_delete=models.CASCADE, related_name="subject_access_requests"
    )
    received_on = models.DateField(_("Received on"))
    requester = models.CharField(_("Who asked"), max_length=20, choices=Requester.choices)
    representative = models.CharField(
        _("Who is acting for them"),
        max_length=200,
        blank=True,
        help_text=_("Their name and organisation, if someone is acting for the caller."),
    )
    identity_verified_on = models.DateField(_("Identity verified on"), null=True, blank=True)
    identity_note = models.CharField(
        _("How identity was verified"),
        max_length=300,
        blank=True,
        help_text=_("For example: the address matched our records; no documents kept."),
    )
    due_on = models.DateField(_("Due by"))
    extended_on = models.DateField(null=True, blank=True)
    extension_reason = models.CharField(_("Why it needs longer"), max_length=500, blank=True)
    completed_on = models.DateField(_("Response sent on"), null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["completed_on", "due_on", "pk"]
        indexes = [models.Index(fields=["completed_on", "due_on"], name="sar_open_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(requester="caller") | ~Q(representative=""),
                name="sar_representative_named",
            ),
        ]

    def __str__(self) -> str:
        return f"Subject access request {self.reference}"

    def get_absolute_url(self) -> str:
        return reverse("callers:subject_access_request", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"SAR-{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.completed_on is None

    @property
    def is_extended(self) -> bool:
        return self.extended_on is not None

    def due_for(self, *, extended: bool) -> date:
        return months_after(self.received_on, self.EXTENDED_MONTHS if extended else self.MONTHS)

    @property
    def extended_due_on(self) -> date:
        return self.due_for(extended=True)

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()


class SubjectAccessResponse(WrittenByWorker, models.Model):
    """The response to a request as written by the background worker for one member of
    staff: a PDF with a contents list, and the same data as JSON and CSV in a zip. Only the
    person who asked may download them; the files go after `EXPORT_KEEP_HOURS` and the record
    of who had them, when, stays."""

    Status = WrittenStatus

    sar = models.ForeignKey(
        SubjectAccessRequest,
        on_delete=models.CASCADE,
        related_name="responses",
        verbose_name=_("subject access request"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    pdf = models.FileField(storage=_exports_storage, blank=True, max_length=200)
    data = models.FileField(storage=_exports_storage, blank=True, max_length=200)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.sar}"

    def get_absolute_url(self) -> str:
        return reverse("callers:subject_access_response", args=[self.pk])

    def files_remove(self) -> None:
        """Remove the written files (the caller's whole record): the row, and who had it, stay."""
        for file in (self.pdf, self.data):
            if file:
                file.delete(save=False)
