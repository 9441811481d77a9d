"""Copies of the call log as filtered, written by the background worker for one person."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opcc_calls.models import WrittenByWorker, WrittenStatus


def _exports_storage():
    """Where written exports wait to be downloaded: `STORAGES["exports"]`, a private folder
    (never served as static or media), shared by the web servers and the workers."""
    return storages["exports"]


class CallLogExport(WrittenByWorker, models.Model):
    """A CSV or Excel copy of the call log, as filtered, asked for by one person and written
    by the background worker: a hundred thousand rows take longer than a request may. Only
    the person who asked may download it, and the file is removed after `EXPORT_KEEP_HOURS`;
    the record stays (who exported, when, how many rows) without the filters they used."""

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        XLSX = "xlsx", _("Excel workbook")

    Status = WrittenStatus

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="call_log_exports"
    )
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    # One form, one export: a second click (or a resent form) finds the first.
    submission_token = models.UUIDField(unique=True, editable=False)
    format = models.CharField(max_length=4, choices=Format.choices)
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    rows = models.PositiveIntegerField(default=0)
    file = models.FileField(storage=_exports_storage, blank=True, max_length=200)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-requested_at"], name="export_mine_idx")]

    def __str__(self) -> str:
        return f"Call log export {self.pk} ({self.get_format_display()})"

    def get_absolute_url(self) -> str:
        return reverse("dmts:export", args=[self.pk])

    @property
    def is_csv(self) -> bool:
        return self.format == self.Format.CSV
