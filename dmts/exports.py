"""The call log as CSV or an Excel workbook, row for row what the filters select."""

from collections.abc import Iterable, Iterator

from dmts.models import DmtsEntry
from opcc_calls.exports import csv_response, when, xlsx_response

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


def csv_export(queryset):
    return csv_response(STEM, COLUMNS, rows(queryset.iterator(chunk_size=CHUNK)))


def xlsx_export(queryset):
    return xlsx_response(STEM, "DMTS call log", COLUMNS, rows(queryset.iterator(chunk_size=CHUNK)))
