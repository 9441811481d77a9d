"""Text as people type it or paste it from Word: control characters never reach the database
(opcc_calls.text), and records saved before that still export."""

import io
from datetime import date

import docx
import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from callers.models import Call
from opcc_calls.documents import LetterParts, docx_bytes, pdf_bytes
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


class TestBidirectionalOverrides:
    """A name with U+202E (right-to-left override) reversed the text after it on pages and in
    letters ("Mark" + U+202E + "txt.exe" reads as "Markexe.txt"); the isolates (U+2066-2069)
    and the other overrides (U+202A-202D) do the like. Removed on the way in, and defused on
    the way out of letters and exports for what was saved before (issue 20, sign-in 5)."""

    NAME = "Mark\u202etxt.exe \u2066Jones\u2069 \u202aSmith\u202c"
    CLEAN = "Marktxt.exe Jones Smith"

    def test_they_are_removed_on_the_way_in(self, handler_user):
        call = log_call(handler_user, about=self.NAME)
        call.refresh_from_db()
        assert call.about == self.CLEAN

    def test_names_in_another_script_keep_their_joiners(self, handler_user):
        """Persian and Arabic names need U+200C (zero-width non-joiner): it stays."""
        name = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
        call = log_call(handler_user, about=name)
        call.refresh_from_db()
        assert call.about == name

    def test_exports_and_letters_defuse_what_was_saved_before(self, compliance_client):
        call = log_call()
        Call.objects.filter(pk=call.pk).update(about=self.NAME)  # as stored before
        assert self.CLEAN.encode() in exported(compliance_client, "csv")
        assert "\u202e".encode() not in exported(compliance_client, "csv")
        parts = LetterParts(
            letterhead="OPCC",
            office="OPCC",
            recipient=[self.NAME],
            dated=date(2026, 12, 4),
            subject="How you may contact us",
            paragraphs=[f"Dear {self.NAME}"],
        )
        words = docx.Document(io.BytesIO(docx_bytes(parts))).paragraphs
        assert not any("\u202e" in p.text for p in words)
        assert "\u202e" not in PdfReader(io.BytesIO(pdf_bytes(parts))).pages[0].extract_text()
