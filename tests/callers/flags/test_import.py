"""Importing an office's frequent calls spreadsheet (its frequent calls log, 5.8h)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

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
