"""CSV and Excel files in flat memory: rows are produced one at a time, CSV goes out as it is
written, and a workbook is written by openpyxl's write-only mode straight to a file. Small
exports (the frequent calls log) are answered at once; the call log, which can run to
hundreds of thousands of rows, is written to a file by the background worker (dmts)."""

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

from opcc_calls.text import without_control_characters

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe(value: object) -> str:
    """A cell a spreadsheet shows as text: no control characters (records saved before they
    were removed on the way in would otherwise break the whole workbook), and nothing it
    would run as a formula (CSV injection)."""
    text = without_control_characters("" if value is None else str(value))
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def filename(stem: str, extension: str, at=None) -> str:
    return f"{stem}-{timezone.localtime(at):%Y-%m-%d-%H%M}.{extension}"


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    stem: str, columns: Sequence[str], rows: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(columns, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename(stem, "csv")}"'
    return response


def csv_write(target: IO[bytes], columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    for line in csv_lines(columns, rows):
        target.write(line.encode())


def csv_lines(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The byte-order mark with the heading, then one line per row."""
    writer = csv.writer(_Echo())
    # The byte-order mark, so Excel opens the UTF-8 file with the right characters.
    yield "\ufeff" + writer.writerow(columns)
    for row in rows:
        yield writer.writerow([safe(v) for v in row])


def _cell(value: object) -> object:
    """A number stays a number (it cannot be a formula); anything else is made safe text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return safe(value)


def xlsx_write(
    target: IO[bytes], title: str, columns: Sequence[str], rows: Iterable[Sequence[object]]
) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(list(columns))
    for row in rows:
        sheet.append([_cell(v) for v in row])
    workbook.save(target)


def xlsx_response(
    stem: str, title: str, columns: Sequence[str], rows: Iterable[Sequence[object]]
) -> FileResponse:
    # FileResponse closes the file once sent; a `with` block would close it before that.
    target = tempfile.TemporaryFile()  # noqa: SIM115
    xlsx_write(target, title, columns, rows)
    target.seek(0)
    return FileResponse(
        target, as_attachment=True, filename=filename(stem, "xlsx"), content_type=XLSX
    )
