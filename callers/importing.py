"""Importing an office's existing frequent calls spreadsheet (saved as CSV).

Columns (header names, any order): Full name, Phone number, Kind (frequent or regular),
Agreed response, Review date (YYYY-MM-DD or DD/MM/YYYY, optional), Notes (optional).
`check()` reports, row by row, whether each would create a caller, match an existing one, or
be rejected and why; `run()` imports all of it or nothing.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from callers import phones
from callers.models import Caller, CallerPhone, Flag
from callers.services.calls import caller_create
from callers.services.flags import flag_create

MAX_BYTES = 1_000_000
REQUIRED = ["full name", "phone number", "kind", "agreed response"]
IMPORT_REASON = "Imported from the frequent calls spreadsheet"


@dataclass
class Row:
    number: int
    action: str  # "create", "match" or "reject"
    reason: str
    name: str = ""
    caller: Caller | None = None
    values: dict = field(default_factory=dict)


def _date(text: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    return None


def read(content: bytes) -> list[dict[str, str]]:
    if len(content) > MAX_BYTES:
        raise ValidationError("The file is larger than 1 MB: split it and import each part.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError("Save the spreadsheet as CSV (UTF-8) and try again.") from error
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [h for h in REQUIRED if h not in headers]
    if missing:
        raise ValidationError(f"The file has no column for: {', '.join(missing)}.")
    return [{k.strip().lower(): (v or "").strip() for k, v in row.items() if k} for row in reader]


def check(rows: list[dict[str, str]]) -> list[Row]:
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


@transaction.atomic
def run(rows: list[dict[str, str]], *, imported_by) -> list[Row]:
    """Import every row, or nothing if any row would be rejected."""
    results = check(rows)
    rejected = [r for r in results if r.action == "reject"]
    if rejected:
        raise ValidationError(f"{len(rejected)} row(s) would be rejected: nothing was imported.")
    for result in results:
        values = result.values
        caller = result.caller or caller_create(
            full_name=result.name, phone=values["phone"] or None, notes=values["notes"]
        )
        flag_create(
            caller=caller,
            flagged_by=imported_by,
            kind=values["kind"],
            reason=IMPORT_REASON,
            agreed_response=values["agreed_response"],
            review_date=values["review_date"],
        )
    return results
