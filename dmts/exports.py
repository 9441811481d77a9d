"""The call log as CSV or an Excel workbook, row for row what the filters select, written to a
file in flat memory (a chunked cursor in, one row at a time out)."""

from collections.abc import Callable, Iterable, Iterator
from typing import IO

from dmts.filters import CallLogFilter
from dmts.models import CallLogExport, DmtsEntry
from opcc_calls.exports import csv_write, when, xlsx_write

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


def selected(export: CallLogExport):
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
