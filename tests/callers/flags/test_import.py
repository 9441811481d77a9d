"""Importing an office's frequent calls spreadsheet (its frequent calls log, 5.8h)."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from callers.models import (
    Caller,
    Flag,
)
from callers.selectors.flags import import_check, import_rows
from callers.services.flags import flags_import
from tests.factories import (
    CallerPhoneFactory,
)

pytestmark = pytest.mark.django_db

CSV = (
    "Full name,Phone number,Kind,Agreed response,Review date,Notes\n"
    "Known Caller,01234 567890,frequent,Written replies only,,\n"
    "New Person,020 7946 0002,regular,Refer to the victims' service,2099-01-01,Met in May\n"
    "No Phone,,frequent,Log and pass on,,\n"
)


class TestImport:
    def test_the_check_reports_each_row_and_changes_nothing(self):
        CallerPhoneFactory(number="+441234567890", caller__full_name="Known Caller")
        rows = import_check(import_rows((CSV + "Bad Row,123,sometimes,,,\n").encode()))
        assert [r.action for r in rows] == ["match", "create", "create", "reject"]
        assert "phone number is not valid" in rows[3].reason
        assert not Flag.objects.exists() and Caller.objects.count() == 1

    def test_the_import_is_all_or_nothing(self, manager_user):
        with pytest.raises(ValidationError):
            flags_import(import_rows((CSV + ",,,,,\n").encode()), by=manager_user)
        assert not Flag.objects.exists()
        flags_import(import_rows(CSV.encode()), by=manager_user)
        assert Flag.objects.count() == 3
        assert Flag.objects.get(caller__full_name="New Person").review_date.year == 2099

    def test_a_file_without_the_columns_is_explained(self, manager_client):
        upload = SimpleUploadedFile("log.csv", b"Name,Number\nA,1\n", content_type="text/csv")
        html = manager_client.post(
            reverse("callers:import"), {"spreadsheet": upload}
        ).content.decode()
        assert "The file has no column for" in html


def _workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class TestImportFromExcel:
    """The office's spreadsheet as it is (.xlsx), with the same check first."""

    ROWS = [
        ["Full name", "Phone number", "Kind", "Agreed response", "Review date", "Notes"],
        ["Known Caller", "01234 567890", "frequent", "Written replies only", None, None],
        # Excel kept this number as a number: its leading 0 went; a date is a date.
        ["New Person", 2079460002, "regular", "Refer to victims' service", date(2099, 1, 1), None],
        [None, None, None, None, None, None],  # formatted, empty
        ["Bad Row", 123, "sometimes", None, None, None],
    ]

    def test_a_workbook_is_checked_as_a_csv_is(self):
        CallerPhoneFactory(number="+441234567890", caller__full_name="Known Caller")
        rows = import_check(import_rows(_workbook(self.ROWS)))
        assert [r.action for r in rows] == ["match", "create", "reject"]
        assert rows[1].values["phone"] == "+442079460002"
        assert rows[1].values["review_date"] == date(2099, 1, 1)
        assert "phone number is not valid" in rows[2].reason

    def test_imported_from_the_page_all_or_nothing(self, manager_client):
        upload = SimpleUploadedFile(
            "log.xlsx", _workbook(self.ROWS[:3]), content_type="application/octet-stream"
        )
        page = manager_client.post(reverse("callers:import"), {"spreadsheet": upload})
        assert "Import these 2 rows" in page.content.decode()
        manager_client.post(reverse("callers:import"), {"confirm": "1"})
        assert Flag.objects.count() == 2

    @pytest.mark.parametrize(
        ("content", "said"),
        [
            (b"PK\x03\x04 not a workbook at all", "could not be read as an Excel workbook"),
            (_workbook([["Name", "Number"], ["A", 1]]), "The file has no column for"),
        ],
    )
    def test_a_workbook_that_cannot_be_used_is_explained(self, manager_client, content, said):
        upload = SimpleUploadedFile("log.xlsx", content)
        response = manager_client.post(reverse("callers:import"), {"spreadsheet": upload})
        assert response.status_code == 200 and said in response.content.decode()
        assert not Flag.objects.exists()
