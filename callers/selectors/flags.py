"""Reads for flags: each flag beside its caller's counts (the frequent calls log, 5.8h), each
flag's effect (calls per week before and since it, the dashboard's outcome measure), and
what importing an office's frequent calls spreadsheet would do, row by row, before anything
is saved."""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from callers.models import (
    Call,
    Caller,
    CallerPhone,
    Flag,
)
from callers.selectors.calls import counts_for
from opcc_calls import phones
from opcc_calls.text import without_control_characters


def flags_with_activity(flags: list[Flag]) -> list[tuple[Flag, dict]]:
    """Each flag beside its caller's current counts (for the frequent calls log)."""
    counts = counts_for([f.caller_id for f in flags])
    return [(flag, counts[flag.caller_id]) for flag in flags]


@dataclass
class Effect:
    """A flagged caller's calls per week before the flag and each week since (only the weeks
    that have come), and for an ended flag each week after it ended."""

    flag: Flag
    before: list[int]
    since: list[int]
    since_weeks: float  # the time since the flag counted, in weeks (the last may be partial)
    after_end: list[int] = field(default_factory=list)

    @property
    def before_total(self) -> int:
        return sum(self.before)

    @property
    def since_total(self) -> int:
        return sum(self.since)

    @property
    def before_rate(self) -> float:
        return self.before_total / len(self.before) if self.before else 0.0

    @property
    def since_rate(self) -> float:
        return self.since_total / self.since_weeks if self.since_weeks else 0.0

    @property
    def change(self) -> int | None:
        """The change in calls per week since the flag, as a percentage of the rate before."""
        if not self.before_rate or not self.since_weeks:
            return None
        return round(100 * (self.since_rate - self.before_rate) / self.before_rate)


def _weeks_come(start: datetime, until: datetime, weeks: int) -> tuple[int, float]:
    """How many weekly slots from `start` have begun by `until` (at most `weeks`), and the
    elapsed time they cover in weeks."""
    elapsed = max((until - start) / timedelta(weeks=1), 0.0)
    return min(weeks, int(-(-elapsed // 1))), min(elapsed, float(weeks))


def before_and_after(
    flags: list[Flag], *, weeks: int = 8, now: datetime | None = None
) -> dict[int, Effect]:
    """For each flag: calls per week in the `weeks` weeks before it, each week since that has
    come (up to `weeks`, to its end if it ended), and for an ended flag each week after the
    end that has come; from one query."""
    if not flags:
        return {}
    now = now or timezone.now()
    earliest = min(f.flagged_at for f in flags) - timedelta(weeks=weeks)
    rows = (
        Call.objects.counted()
        .filter(caller_id__in=[f.caller_id for f in flags], received_at__gte=earliest)
        .values_list("caller_id", "received_at")
    )
    by_caller: dict[int, list[datetime]] = {}
    for caller_id, received_at in rows.iterator(chunk_size=5000):
        by_caller.setdefault(caller_id, []).append(received_at)
    week = timedelta(weeks=1)
    result = {}
    for flag in flags:
        until = min(now, flag.ended_at) if flag.ended_at else now
        since_slots, since_weeks = _weeks_come(flag.flagged_at, until, weeks)
        after_slots = _weeks_come(flag.ended_at, now, weeks)[0] if flag.ended_at else 0
        before, since, after = [0] * weeks, [0] * since_slots, [0] * after_slots
        for moment in by_caller.get(flag.caller_id, []):
            offset = (moment - flag.flagged_at) // week
            if -weeks <= offset < 0:
                before[offset + weeks] += 1
            elif 0 <= offset < since_slots and moment < until:
                since[offset] += 1
            if flag.ended_at and moment >= flag.ended_at:
                after_offset = (moment - flag.ended_at) // week
                if after_offset < after_slots:
                    after[after_offset] += 1
        result[flag.pk] = Effect(flag, before, since, since_weeks, after)
    return result


# Importing an office's existing frequent calls spreadsheet (saved as CSV). Columns (header
# names, any order): Full name, Phone number, Kind (frequent or regular), Agreed response,
# Review date (YYYY-MM-DD or DD/MM/YYYY, optional), Notes (optional). `import_check()` reports,
# row by row, whether each would create a caller, match an existing one, or be rejected and why.
IMPORT_MAX_BYTES = 1_000_000

REQUIRED = ["full name", "phone number", "kind", "agreed response"]


@dataclass
class Row:
    """What importing would do with one row of the spreadsheet, and why."""

    number: int
    action: str  # "create", "match" or "reject"
    reason: str
    name: str = ""
    caller: Caller | None = None
    values: dict = field(default_factory=dict)

    @property
    def is_rejected(self) -> bool:
        return self.action == "reject"

    @property
    def action_label(self) -> str:
        return {"create": "Create", "match": "Match", "reject": "Reject"}[self.action]


def _date(text: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    return None


def import_rows(content: bytes) -> list[dict[str, str]]:
    """The spreadsheet's rows by column name (in lower case), from CSV or an Excel workbook
    (.xlsx, its first sheet), the same check either way."""
    if len(content) > IMPORT_MAX_BYTES:
        raise ValidationError(_("The file is larger than 1 MB: split it and import each part."))
    if content.startswith(b"PK\x03\x04"):  # a workbook is a zip file
        return _headed(_workbook_rows(content))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(_("Save the spreadsheet as CSV (UTF-8) and try again.")) from error
    if "\x00" in text:
        raise ValidationError(
            _(
                "The file holds a NUL character, so it is not a CSV file as saved by a "
                "spreadsheet: open it in the spreadsheet and save it as CSV (UTF-8) again."
            )
        )
    # newline="": rows may end in CR LF, LF or (an old Mac export) CR alone.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _headed(list(reader))
    except csv.Error as error:
        raise ValidationError(
            _(
                "Row %(row)s could not be read (%(error)s): a cell may be far longer than any "
                "in a frequent calls log, or a quotation mark left open."
            )
            % {"row": reader.line_num, "error": error}
        ) from error


def _headed(table: list[list[str]]) -> list[dict[str, str]]:
    """Rows as dicts by the first row's column names, which must hold the required ones."""
    headers = [h.strip().lower() for h in (table[0] if table else [])]
    missing = [h for h in REQUIRED if h not in headers]
    if missing:
        raise ValidationError(
            _("The file has no column for: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    return [
        {name: (value or "").strip() for name, value in zip(headers, row, strict=False) if name}
        for row in table[1:]
        if row  # a blank line (a CSV's last, often)
    ]


#: Rows read from a workbook at most: a frequent calls log is hundreds, not a million.
WORKBOOK_MOST_ROWS = 10_000


def _workbook_rows(content: bytes) -> list[list[str]]:
    """The first sheet's cells as text, as the office typed them: a date as 31/12/2026, a
    whole number as itself (a phone number Excel kept as a number lost its leading 0: put back)."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ValidationError(
            _(
                "The file could not be read as an Excel workbook: open it in the spreadsheet "
                "and save it again as .xlsx, or as CSV (UTF-8)."
            )
        ) from error
    sheet = book.worksheets[0]
    table: list[list[str]] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > WORKBOOK_MOST_ROWS:
            raise ValidationError(
                _("The sheet has more than %(rows)s rows: split it and import each part.")
                % {"rows": f"{WORKBOOK_MOST_ROWS:,}"}
            )
        cells = [_cell_text(value) for value in values]
        if any(cells):  # a sheet's formatted but empty rows are no rows
            table.append(cells)
    book.close()
    if table:
        phone = next(
            (i for i, h in enumerate(table[0]) if h.strip().lower() == "phone number"), None
        )
        for cells in table[1:]:
            if (
                phone is not None
                and phone < len(cells)
                and re.fullmatch(r"[1-9]\d{9}", cells[phone])
            ):
                cells[phone] = "0" + cells[phone]
    return table


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):  # a datetime too: the cell's day
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return without_control_characters(str(value))[:IMPORT_CELL_MOST]


#: A cell longer than any a frequent calls log holds is cut here (the check then says why).
IMPORT_CELL_MOST = 5000


def import_check(rows: list[dict[str, str]]) -> list[Row]:
    """What importing would do with each row, without changing anything."""
    results, seen = [], set()
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        name, kind = row.get("full name", ""), row.get("kind", "").lower()
        phone = phones.normalise(row.get("phone number", "")) if row.get("phone number") else ""
        review = _date(row["review date"]) if row.get("review date") else None
        problem = (
            "no full name"
            if not name
            else "the phone number is not valid"
            if phone is None
            else "kind must be frequent or regular"
            if kind not in Flag.Kind.values
            else "no agreed response"
            if not row.get("agreed response")
            else "the review date is not a date"
            if row.get("review date") and review is None
            else "the review date has passed"
            if review and review <= timezone.localdate()
            else "the same caller is in the file twice"
            if (name.lower(), phone) in seen
            else ""
        )
        if problem:
            results.append(Row(number, "reject", problem, name))
            continue
        seen.add((name.lower(), phone))
        existing = (
            CallerPhone.objects.filter(number=phone, caller__merged_into__isnull=True)
            .select_related("caller")
            .first()
            if phone
            else None
        )
        caller = (
            existing.caller
            if existing
            else Caller.objects.current().filter(full_name__iexact=name).first()
        )
        values = {
            "kind": kind,
            "agreed_response": row["agreed response"],
            "phone": phone,
            "review_date": review,
            "notes": row.get("notes", ""),
        }
        if caller and Flag.objects.active().filter(caller=caller).exists():
            results.append(Row(number, "reject", f"{caller.full_name} is already flagged", name))
        elif caller:
            results.append(
                Row(
                    number,
                    "match",
                    f"matches {caller.full_name} (caller "
                    f"#{caller.pk}) by {'number' if existing else 'name'}",
                    name,
                    caller,
                    values,
                )
            )
        else:
            results.append(Row(number, "create", "new caller", name, None, values))
    return results
