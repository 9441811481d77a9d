"""Text as people type it or paste it from Word: control characters never reach the database
(opcc_calls.text), and records saved before that still export."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from callers.models import Call
from tests.helpers import exported, log_call

pytestmark = pytest.mark.django_db


class TestControlCharacters:
    """A vertical tab pasted from Word, or an escape, broke both Excel exports for everyone."""

    WORD_PASTE = "Pasted\x0bfrom Word\x1b with a tab\tkept"

    def test_exports_still_work_with_records_saved_before_the_fix(
        self, compliance_client, manager_user
    ):
        call = log_call()
        Call.objects.filter(pk=call.pk).update(about=self.WORD_PASTE)  # as stored before
        response = compliance_client.get(reverse("callers:frequent_log_xlsx"))
        assert response.status_code == 200
        load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        sheet = load_workbook(io.BytesIO(exported(compliance_client, "xlsx"))).active
        assert "Pastedfrom Word with a tab\tkept" in [
            c.value for c in next(sheet.iter_rows(min_row=2))
        ]

    def test_they_are_removed_on_the_way_in(self, handler_user):
        call = log_call(handler_user, about=self.WORD_PASTE, outcome="\x1b[31mred")
        call.refresh_from_db()
        assert (call.about, call.outcome) == ("Pastedfrom Word with a tab\tkept", "[31mred")
