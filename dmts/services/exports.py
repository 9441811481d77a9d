"""Writes for exports of the call log: asked for by one person, written by the background
worker, removed when their time is up."""

import logging
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import IO

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from dmts.forms.entries import CallLogFilter
from dmts.models import CallLogExport, DmtsEntry
from opcc_calls.exports import csv_write, filename, when, xlsx_write
from opcc_calls.models import User
from opcc_calls.replica import replica_reads

logger = logging.getLogger(__name__)


def export_request(
    *, by: User, format: str, filters: dict, submission_token: uuid.UUID
) -> CallLogExport:
    """Queue a copy of the call log as filtered, for the background worker to write. The same
    form sent twice (a double click) gives the one export."""
    if not by.has_perm("dmts.export_dmtsentry"):
        raise PermissionDenied
    try:
        with transaction.atomic():
            export = CallLogExport.objects.create(
                requested_by=by,
                submission_token=submission_token,
                format=format,
                filters=filters,
            )
            call_log_export_write.enqueue(export.pk)  # queued with the export
    except IntegrityError:
        return CallLogExport.objects.get(submission_token=submission_token, requested_by=by)
    return export


@task()
def call_log_export_write(export_id: int) -> str:
    """Background: write an export's file, saying how far it has got as it goes, then keep it
    for `EXPORT_KEEP_HOURS`. Nothing about the rows goes in the log, only the export's number."""
    with transaction.atomic():
        export = (
            CallLogExport.objects.select_for_update()
            .select_related("requested_by")
            .get(pk=export_id)
        )
        if export.status != CallLogExport.Status.QUEUED:
            return f"already {export.status}"
        export.status = CallLogExport.Status.WRITING
        export.save(update_fields=["status"])
    requester = export.requested_by
    if not (requester.is_active and requester.has_perm("dmts.export_dmtsentry")):
        return _export_finish(export, CallLogExport.Status.FAILED)

    def progress(rows: int) -> None:
        CallLogExport.objects.filter(pk=export.pk).update(rows=rows)

    try:
        with tempfile.TemporaryFile() as target:
            with replica_reads():  # an export may be a second behind the log
                export.rows = export_file_write(export, target, progress)
            target.seek(0)
            name = filename(STEM, export.format, at=export.requested_at)
            export.file.save(f"{export.pk}/{name}", File(target), save=False)
    except Exception:
        logger.exception("Could not write call log export %s", export.pk)
        return _export_finish(export, CallLogExport.Status.FAILED)
    return _export_finish(export, CallLogExport.Status.READY)


def _export_finish(export: CallLogExport, status: str) -> str:
    export.status, export.finished_at = status, timezone.now()
    export.save(update_fields=["status", "rows", "file", "finished_at"])
    call_log_export_expire.using(run_after=export.expires_at).enqueue(export.pk)
    return f"{export.get_status_display().lower()}: {export.rows} rows"


@task()
def call_log_export_expire(export_id: int) -> str:
    """Background: remove an export's file once its time is up, and the filters it was asked
    with (they may hold a name); the record of who exported what, when, stays."""
    export = CallLogExport.objects.get(pk=export_id)
    if export.file:
        export.file.delete(save=False)
    if export.status == CallLogExport.Status.READY:
        export.status = CallLogExport.Status.EXPIRED
    export.filters = {}
    export.save(update_fields=["file", "status", "filters"])
    return "removed"


CHUNK = 2000
STEM = "dmts-call-log"
COLUMNS = [
    "Reference",
    "Received at",
    "Ended at",
    "Type of call",
    "Caller",
    "Caller record",
    "Handled by",
    "What the call is about",
    "Outcome",
    "Caller's identity",
    "Complaints process",
    "Department at Police Headquarters",
    "Organisation",
    "What they were selling",
    "Abusive",
    "Review status",
    "Reviewed by",
    "Reviewed at",
    "Compliance Officer's notes",
    "Void",
    "Void reason",
]


def rows(entries: Iterable[DmtsEntry]) -> Iterator[list[object]]:
    for entry in entries:
        call = entry.call
        yield [
            entry.reference,
            when(call.received_at),
            when(call.ended_at),
            call.get_call_type_display(),
            call.caller.full_name,
            call.caller_id,
            call.handler,
            call.about,
            call.outcome,
            call.get_identity_check_display(),
            call.get_complaint_status_display(),
            call.police_department,
            call.organisation,
            call.selling,
            "Yes" if call.abusive else "No",
            entry.get_status_display(),
            entry.reviewed_by or "",
            when(entry.reviewed_at),
            entry.compliance_notes,
            "Yes" if entry.voided else "No",
            entry.void_reason,
        ]


def selected(export: CallLogExport) -> QuerySet[DmtsEntry]:
    """The entries the export's filters select from what its requester may see: exactly the
    rows the call log showed them, in the same order."""
    entries = DmtsEntry.objects.visible_to(export.requested_by).for_list()
    filterset = CallLogFilter(export.filters or None, queryset=entries)
    return filterset.qs.order_by("-call__received_at", "-pk")


def export_file_write(
    export: CallLogExport, target: IO[bytes], progress: Callable[[int], None]
) -> int:
    """Write the export's rows to `target`, calling `progress` with the count every `CHUNK`
    rows; returns how many rows were written."""
    written = 0

    def counted(entries: Iterable[DmtsEntry]) -> Iterator[list[object]]:
        nonlocal written
        for written, row in enumerate(rows(entries), start=1):
            if written % CHUNK == 0:
                progress(written)
            yield row

    entries = counted(selected(export).iterator(chunk_size=CHUNK))
    if export.format == CallLogExport.Format.CSV:
        csv_write(target, COLUMNS, entries)
    else:
        xlsx_write(target, "DMTS call log", COLUMNS, entries)
    return written
