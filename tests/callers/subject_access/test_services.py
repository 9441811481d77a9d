"""The register of subject access requests: due one calendar month after receipt, extendable
by two with a reason within the first month, answered only once identity is verified; and the
response the worker writes, downloadable by its requester alone, removed when its time is up."""

import json
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from callers.models import SubjectAccessRequest, SubjectAccessResponse
from callers.models.subject_access import months_after
from callers.services.data_protection import callers_merge
from callers.services.subject_access import (
    subject_access_complete,
    subject_access_extend,
    subject_access_identity_verify,
    subject_access_request_log,
    subject_access_response_request,
)
from dmts.services.entries import call_correct
from opcc_calls.concurrency import StaleEdit
from tests.factories import CallerFactory, CallFactory
from tests.helpers import log_call, pdf_text, run_background_tasks

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("received", "months", "due"),
    [
        (date(2026, 3, 15), 1, date(2026, 4, 15)),
        (date(2027, 1, 31), 1, date(2027, 2, 28)),  # a shorter month: its last day
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 12, 10), 1, date(2027, 1, 10)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
    ],
)
def test_a_calendar_month_on(received, months, due):
    assert months_after(received, months) == due


def _logged(manager_user, *, days_ago: int = 0, **extra) -> SubjectAccessRequest:
    return subject_access_request_log(
        caller=CallerFactory(),
        by=manager_user,
        received_on=timezone.localdate() - timedelta(days=days_ago),
        requester="caller",
        **extra,
    )


class TestRegister:
    def test_a_request_is_due_a_calendar_month_after_it_was_received(self, manager_user):
        sar = _logged(manager_user, days_ago=3)
        assert sar.due_on == months_after(sar.received_on, 1)
        assert sar.is_open and not sar.is_extended and sar.reference.startswith("SAR-")
        assert sar.history.get().history_change_reason == "Request received"

    @pytest.mark.parametrize(
        ("arguments", "field"),
        [
            ({"received_on": timezone.localdate() + timedelta(days=1)}, "received_on"),
            ({"received_on": timezone.localdate() - timedelta(days=400)}, "received_on"),
            ({"requester": "representative", "representative": "  "}, "representative"),
            ({"identity_verified_on": timezone.localdate(), "identity_note": ""}, "identity_note"),
        ],
    )
    def test_what_cannot_be_is_refused_beside_its_field(self, manager_user, arguments, field):
        base = {"received_on": timezone.localdate(), "requester": "caller"}
        with pytest.raises(ValidationError) as refused:
            subject_access_request_log(
                caller=CallerFactory(), by=manager_user, **(base | arguments)
            )
        assert field in refused.value.message_dict
        assert not SubjectAccessRequest.objects.exists()

    def test_only_who_may_export_may_log_and_not_on_a_merged_record(
        self, manager_user, compliance_user
    ):
        with pytest.raises(PermissionDenied):
            _logged(compliance_user)
        kept, gone = CallerFactory(), CallerFactory()
        callers_merge(survivor=kept, merged=gone, by=manager_user)
        gone.refresh_from_db()
        with pytest.raises(ValidationError, match="merged"):
            subject_access_request_log(
                caller=gone, by=manager_user, received_on=timezone.localdate(), requester="caller"
            )

    def test_extended_once_by_two_months_with_a_reason(self, manager_user):
        sar = _logged(manager_user, days_ago=10)
        with pytest.raises(ValidationError):
            subject_access_extend(sar=sar, by=manager_user, reason=" ", version=1)
        sar = subject_access_extend(
            sar=sar, by=manager_user, reason="Several requests at once", version=1
        )
        assert sar.due_on == months_after(sar.received_on, 3) and sar.is_extended
        with pytest.raises(ValidationError, match="extended already"):
            subject_access_extend(sar=sar, by=manager_user, reason="Again", version=2)

    def test_no_extension_once_the_first_month_has_passed(self, manager_user):
        sar = _logged(manager_user, days_ago=40)
        assert sar.is_overdue
        with pytest.raises(ValidationError, match="first month has passed"):
            subject_access_extend(sar=sar, by=manager_user, reason="Complex", version=1)

    def test_answered_only_once_identity_is_verified(self, manager_user):
        sar = _logged(manager_user, days_ago=5)
        today = timezone.localdate()
        with pytest.raises(ValidationError, match="Verify the requester"):
            subject_access_complete(sar=sar, by=manager_user, completed_on=today, version=1)
        with pytest.raises(ValidationError) as refused:
            subject_access_identity_verify(
                sar=sar, by=manager_user, verified_on=today, note="", version=1
            )
        assert "note" in refused.value.message_dict
        sar = subject_access_identity_verify(
            sar=sar, by=manager_user, verified_on=today, note="Address matched", version=1
        )
        sar = subject_access_complete(sar=sar, by=manager_user, completed_on=today, version=2)
        assert not sar.is_open and not sar.is_overdue
        with pytest.raises(ValidationError, match="has been sent"):
            subject_access_extend(sar=sar, by=manager_user, reason="Late", version=3)
        reasons = list(sar.history.values_list("history_change_reason", flat=True))
        assert reasons == ["Response sent", "Identity verified", "Request received"]

    def test_two_people_at_once_one_is_told_the_other_saved_first(self, manager_user):
        sar = _logged(manager_user)
        subject_access_extend(sar=sar, by=manager_user, reason="Complex", version=1)
        with pytest.raises(StaleEdit):
            subject_access_identity_verify(
                sar=sar,
                by=manager_user,
                verified_on=timezone.localdate(),
                note="Address matched",
                version=1,
            )


class TestResponse:
    def test_the_worker_writes_a_document_with_contents_and_the_data_as_json_and_csv(
        self, manager_user, compliance_user
    ):
        caller = CallerFactory(full_name="Sam Subject", notes="Prefers mornings")
        calls = [log_call(caller=caller, about=f"Asked about CCTV, visit {n}") for n in range(1, 4)]
        call_correct(
            entry=calls[0].dmts_entry,
            by=compliance_user,
            reason="Typo",
            version=calls[0].dmts_entry.version,
            changes={"outcome": "Sent the CCTV leaflet"},
        )
        CallFactory(about="Someone else's very private business")
        sar = subject_access_request_log(
            caller=caller, by=manager_user, received_on=timezone.localdate(), requester="caller"
        )
        response = subject_access_response_request(sar=sar, by=manager_user)
        assert subject_access_response_request(sar=sar, by=manager_user) == response
        run_background_tasks()
        response.refresh_from_db()
        assert response.is_ready

        reader = PdfReader(response.pdf.open("rb"))
        assert reader.metadata.title.endswith(f"your personal information ({sar.reference})")

        def titles(outline):
            for item in outline:
                yield from titles(item) if isinstance(item, list) else [item.title]

        expected = [
            "Office of the Police and Crime Commissioner: your personal information",
            "Contents",
            "1. Your details",
            "2. Your calls to us",
            "3. How we handle your calls: flags and contact arrangements",
            "4. Letters we wrote to you, and your appeals",
            "5. Concerns about your wellbeing and safeguarding referrals",
            "6. Changes to these records",
            "7. How we use this information, and your rights",
        ]
        assert [title for title in titles(reader.outline) if title in expected] == expected
        text = pdf_text(response.pdf.open("rb").read())
        for expected in (
            "1. Your details",
            "2. Your calls to us",
            "7. How we use this information, and your rights",
            "Sam Subject",
            "Asked about CCTV, visit 3",
            "Staff note",
            "Prefers mornings",
        ):
            assert expected in text, expected
        assert "very private business" not in text
        # History summarised once per record: the corrected call listed, the others counted.
        history = text[text.index("6. Changes to these records") :]
        assert history.count(f"Call {calls[0].reference}") == 1
        assert f"Call {calls[1].reference}" not in history
        assert "Sent the CCTV leaflet" in history

        with zipfile.ZipFile(response.data.open("rb")) as archive:
            names = set(archive.namelist())
            assert {"README.txt", "subject-access.json", "calls.csv", "details.csv"} <= names
            data = json.loads(archive.read("subject-access.json"))
            assert len(data["calls"]) == 3 and data["reference"] == caller.reference
            assert archive.read("calls.csv").decode("utf-8-sig").count("Asked about CCTV") == 3

    def test_a_response_for_someone_who_lost_the_permission_is_not_written(self, manager_user):
        sar = _logged(manager_user)
        response = subject_access_response_request(sar=sar, by=manager_user)
        manager_user.groups.clear()
        manager_user.user_permissions.clear()
        manager_user.refresh_from_db()
        run_background_tasks()
        response.refresh_from_db()
        assert response.has_failed and not response.pdf

    def test_the_files_are_removed_when_their_time_is_up(self, manager_user, settings):
        sar = _logged(manager_user)
        response = subject_access_response_request(sar=sar, by=manager_user)
        run_background_tasks()
        response.refresh_from_db()
        paths = [Path(response.pdf.path), Path(response.data.path)]
        assert all(path.exists() for path in paths)
        expiry = DBTaskResult.objects.get(task_path__endswith="subject_access_response_expire")
        assert expiry.run_after == response.finished_at + timedelta(
            hours=settings.EXPORT_KEEP_HOURS
        )
        assert run_background_tasks() == 0  # not yet
        DBTaskResult.objects.filter(pk=expiry.pk).update(run_after=timezone.now())  # a day on
        assert run_background_tasks() == 1
        response.refresh_from_db()
        assert response.status == SubjectAccessResponse.Status.EXPIRED
        assert not response.pdf and not response.data
        assert not any(path.exists() for path in paths)
