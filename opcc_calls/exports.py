"""CSV and Excel files in flat memory: rows are produced one at a time, CSV goes out as it is
written, and a workbook is written by openpyxl's write-only mode straight to a file. Small
exports (the frequent calls log) are answered at once; the call log, which can run to
hundreds of thousands of rows, is written to a file by the background worker (dmts). A
report's workbook (a few dozen figures) is made whole, with its title, office, period and
definitions."""

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from opcc_calls.documents import reader_lang
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


PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%$")


@dataclass(frozen=True)
class WorkbookParts:
    """A report as a workbook a reader can work with: who it is from and what it covers at
    the top, numbers stored as numbers (a share as a percentage), columns sized to what they
    hold, and a second sheet saying what each figure counts."""

    title: str
    author: str  # the office
    about: list[tuple[str, str]]  # lines under the title: the period, when it was worked out
    columns: list[str]
    rows: list[list[object]]
    widths: list[int]  # in characters
    definitions: list[tuple[str, str]]


def _figure(value: object) -> tuple[object, str | None]:
    """A cell's value and number format: a count as a number, "14%" as 0.14 shown as 14%."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value, None
    share = PERCENT.match(str(value))
    if share:
        return float(share[1]) / 100, "0%"
    return safe(value), None


def xlsx_document(book: WorkbookParts) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    properties = workbook.properties
    properties.title = properties.subject = safe(book.title)
    properties.creator = properties.lastModifiedBy = safe(book.author)
    properties.language = reader_lang()
    sheet = workbook.create_sheet(_("Report"))
    sheet.append([safe(book.title)])
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in [(_("From"), book.author), *book.about]:
        sheet.append([safe(label), safe(value)])
    sheet.append([])
    sheet.append([safe(column) for column in book.columns])
    header = sheet.max_row
    for cell in sheet[header]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=header + 1, column=1)
    for row in book.rows:
        sheet.append([_figure(value)[0] for value in row])
        for column, figure in enumerate(row, start=1):
            number_format = _figure(figure)[1]
            if number_format:
                sheet.cell(row=sheet.max_row, column=column).number_format = number_format
    for index, width in enumerate(book.widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    meanings = workbook.create_sheet(_("Definitions"))
    meanings.append([_("Figure"), _("What it counts")])
    for cell in meanings[1]:
        cell.font = Font(bold=True)
    for term, meaning in book.definitions:
        meanings.append([safe(term), safe(meaning)])
        meanings.cell(row=meanings.max_row, column=2).alignment = Alignment(wrap_text=True)
    meanings.column_dimensions["A"].width = 60
    meanings.column_dimensions["B"].width = 90
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
