"""The call log as CSV or an Excel workbook, row for row what the filters select.

Both stream: rows come from the database in chunks, CSV goes out as it is written, and the
workbook is written by openpyxl's write-only mode into a temporary file that is then sent."""

import csv
import tempfile
from collections.abc import Iterable, Iterator

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

from dmts.models import DmtsEntry

CHUNK = 2000
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


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _safe(value: str) -> str:
    """Stop a spreadsheet running a cell that begins like a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def rows(entries: Iterable[DmtsEntry]) -> Iterator[list[str]]:
    for entry in entries:
        call = entry.call
        yield [
            _safe(str(v))
            for v in (
                entry.reference,
                _when(call.received_at),
                _when(call.ended_at),
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
                _when(entry.reviewed_at),
                entry.compliance_notes,
                "Yes" if entry.voided else "No",
                entry.void_reason,
            )
        ]


def _filename(extension: str) -> str:
    return f"dmts-call-log-{timezone.localtime():%Y-%m-%d-%H%M}.{extension}"


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(queryset) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # so Excel opens the UTF-8 file with the right characters
        yield writer.writerow(COLUMNS)
        for row in rows(queryset.iterator(chunk_size=CHUNK)):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def xlsx_response(queryset) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("DMTS call log")
    sheet.append(COLUMNS)
    for row in rows(queryset.iterator(chunk_size=CHUNK)):
        sheet.append(row)
    # FileResponse closes the file once sent; a `with` block would close it before that.
    target = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(target)
    target.seek(0)
    return FileResponse(
        target,
        as_attachment=True,
        filename=_filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
