"""Writes for subject access (UK GDPR article 15): logging a request in the register, its
requester's identity verified, the month extended by two with a reason, the response sent;
and the response itself, written by the background worker (a PDF with a contents list, and
the same data as JSON and CSV in a zip) for the one member of staff who asked, removed when
its time is up."""

import csv
import io
import json
import logging
import zipfile
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from callers.models import (
    Caller,
    LetterLanguage,
    RetentionRule,
    SubjectAccessRequest,
    SubjectAccessResponse,
)
from callers.selectors.letters import letterhead_current
from callers.selectors.subject_access import (
    SubjectAccess,
    history_summary,
    merges_for,
    subject_access,
    subject_access_rows,
)
from callers.services.data_protection import sensitive_access_log
from opcc_calls.concurrency import locked_for_edit
from opcc_calls.documents import document_pdf
from opcc_calls.exports import safe
from opcc_calls.history import save_with_history
from opcc_calls.models import User
from opcc_calls.permissions import permission_check
from opcc_calls.replica import replica_reads

logger = logging.getLogger(__name__)

#: Who keeps the register and may see everything held about a caller.
EXPORT = "callers.export_subject_access"


def _received_check(received_on: date) -> None:
    today = timezone.localdate()
    if received_on > today:
        raise ValidationError({"received_on": _("A request cannot be received after today.")})
    if (today - received_on).days > 366:
        raise ValidationError(
            {"received_on": _("Give the day it was received: that is more than a year ago.")}
        )


def subject_access_request_log(
    *,
    caller: Caller,
    by: User,
    received_on: date,
    requester: str,
    representative: str = "",
    identity_verified_on: date | None = None,
    identity_note: str = "",
) -> SubjectAccessRequest:
    """A request in the register, due one calendar month after it was received."""
    permission_check(by, EXPORT)
    _received_check(received_on)
    if caller.merged_into_id:
        raise ValidationError(_("This record was merged: log the request on the one it joined."))
    sar = SubjectAccessRequest(
        caller=caller,
        received_on=received_on,
        requester=requester,
        representative=representative.strip()
        if requester == SubjectAccessRequest.Requester.REPRESENTATIVE
        else "",
        logged_by=by,
    )
    if requester == SubjectAccessRequest.Requester.REPRESENTATIVE and not sar.representative:
        raise ValidationError({"representative": _("Say who is acting for the caller.")})
    sar.due_on = sar.due_for(extended=False)
    if identity_verified_on:
        _identity_set(sar, identity_verified_on, identity_note)
    return save_with_history(sar, user=by, reason="Request received")


def _identity_set(
    sar: SubjectAccessRequest,
    verified_on: date,
    note: str,
    fields: tuple[str, str] = ("identity_verified_on", "identity_note"),
) -> None:
    """Record the check, its errors against `fields` (the form's day and note fields)."""
    if verified_on < sar.received_on or verified_on > timezone.localdate():
        raise ValidationError({fields[0]: "Give a day from when it was received up to today."})
    if not note.strip():
        raise ValidationError({fields[1]: "Say how the identity was verified."})
    sar.identity_verified_on, sar.identity_note = verified_on, note.strip()


@transaction.atomic
def subject_access_identity_verify(
    *, sar: SubjectAccessRequest, by: User, verified_on: date, note: str, version: int
) -> SubjectAccessRequest:
    permission_check(by, EXPORT)
    sar = _open(sar, version)
    _identity_set(sar, verified_on, note, ("verified_on", "note"))
    return save_with_history(sar, user=by, reason="Identity verified")


def _open(sar: SubjectAccessRequest, version: int) -> SubjectAccessRequest:
    current = locked_for_edit(SubjectAccessRequest, sar.pk, version)
    if not current.is_open:
        raise ValidationError(_("The response to this request has been sent."))
    return current


@transaction.atomic
def subject_access_extend(
    *, sar: SubjectAccessRequest, by: User, reason: str, version: int
) -> SubjectAccessRequest:
    """Two more months for a complex request or several at once (UK GDPR article 12(3)): the
    caller must be told why within the first month, so it cannot be extended after that."""
    permission_check(by, EXPORT)
    sar = _open(sar, version)
    if sar.is_extended:
        raise ValidationError(_("This request has been extended already: two months is the most."))
    if timezone.localdate() > sar.due_on:
        raise ValidationError(
            _("The first month has passed: an extension had to be made and explained within it.")
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why it needs longer: the caller must be told.")})
    sar.extended_on, sar.extension_reason = timezone.localdate(), reason.strip()
    sar.due_on = sar.due_for(extended=True)
    return save_with_history(sar, user=by, reason=f"Extended: {reason.strip()}")


@transaction.atomic
def subject_access_complete(
    *, sar: SubjectAccessRequest, by: User, completed_on: date, version: int
) -> SubjectAccessRequest:
    permission_check(by, EXPORT)
    sar = _open(sar, version)
    if sar.identity_verified_on is None:
        raise ValidationError(
            _("Verify the requester's identity first: nothing is released before that.")
        )
    if completed_on < sar.received_on or completed_on > timezone.localdate():
        raise ValidationError(
            {"completed_on": _("Give a day from when it was received up to today.")}
        )
    sar.completed_on = completed_on
    return save_with_history(sar, user=by, reason="Response sent")


def subject_access_response_request(
    *, sar: SubjectAccessRequest, by: User
) -> SubjectAccessResponse:
    """Queue the response for the background worker to write, for `by` alone to download.
    A second click while one is being written for them gives that one."""
    permission_check(by, EXPORT)
    with transaction.atomic():
        SubjectAccessRequest.objects.select_for_update().get(pk=sar.pk)
        in_hand = SubjectAccessResponse.objects.filter(
            sar=sar,
            requested_by=by,
            status__in=[SubjectAccessResponse.Status.QUEUED, SubjectAccessResponse.Status.WRITING],
        ).first()
        if in_hand:
            return in_hand
        response = SubjectAccessResponse.objects.create(sar=sar, requested_by=by)
        subject_access_response_write.enqueue(response.pk)  # queued with the response
    return response


@task()
def subject_access_response_write(response_id: int) -> str:
    """Background: write the response's two files, then keep them for `EXPORT_KEEP_HOURS`.
    Nothing about the caller goes in the log, only the response's number."""
    with transaction.atomic():
        response = (
            SubjectAccessResponse.objects.select_for_update()
            .select_related("sar__caller", "requested_by")
            .get(pk=response_id)
        )
        if response.status != SubjectAccessResponse.Status.QUEUED:
            return f"already {response.status}"
        response.status = SubjectAccessResponse.Status.WRITING
        response.save(update_fields=["status"])
    staff = response.requested_by
    if not (staff.is_active and staff.has_perm(EXPORT)):
        return _response_finish(response, SubjectAccessResponse.Status.FAILED)
    try:
        with replica_reads():  # the record as it stood a second ago is the record
            pdf, data = response_files(response)
        stem = f"subject-access-{response.sar.reference}"
        response.pdf.save(f"subject-access/{response.pk}/{stem}.pdf", ContentFile(pdf), save=False)
        response.data.save(
            f"subject-access/{response.pk}/{stem}-data.zip", ContentFile(data), save=False
        )
        sensitive_access_log(
            by=staff, caller_ids=[response.sar.caller_id], what="subject access response"
        )
    except Exception:
        logger.exception("Could not write subject access response %s", response.pk)
        return _response_finish(response, SubjectAccessResponse.Status.FAILED)
    return _response_finish(response, SubjectAccessResponse.Status.READY)


def _response_finish(response: SubjectAccessResponse, status: str) -> str:
    response.status, response.finished_at = status, timezone.now()
    response.save(update_fields=["status", "pdf", "data", "finished_at"])
    subject_access_response_expire.using(run_after=response.expires_at).enqueue(response.pk)
    return response.get_status_display().lower()


@task()
def subject_access_response_expire(response_id: int) -> str:
    """Background: remove a response's files once its time is up; the record stays."""
    response = SubjectAccessResponse.objects.filter(pk=response_id).first()
    if response is None:
        return "gone with its request"
    response.files_remove()
    if response.status == SubjectAccessResponse.Status.READY:
        response.status = SubjectAccessResponse.Status.EXPIRED
    response.save(update_fields=["pdf", "data", "status"])
    return "removed"


def _response_pdf(record: SubjectAccess, sar: SubjectAccessRequest, prepared: datetime) -> bytes:
    return document_pdf(
        "documents/subject_access.html",
        {
            "record": record,
            "sar": sar,
            "history": history_summary(record),
            "merges": merges_for(sar.caller),
            "office": settings.OFFICE_NAME,
            "prepared": prepared,
            "retention": RetentionRule.objects.filter(kind=RetentionRule.Kind.CALLS).first(),
        },
    )


def response_files(response: SubjectAccessResponse) -> tuple[bytes, bytes]:
    """The response as a tagged PDF with a contents list, and as data: a zip of one JSON file
    and a CSV per section, with a note on what they hold."""
    sar = response.sar
    record = subject_access(sar.caller)
    rows = subject_access_rows(record)
    prepared = timezone.localtime()
    # In the caller's language: Welsh for a caller whose letters are in Welsh (or Welsh first).
    letters_in = sar.caller.letters_in(letterhead_current().letter_language)
    language = "cy" if LetterLanguage.WELSH in LetterLanguage.wordings(letters_in) else "en-gb"
    with translation.override(language):
        pdf = _response_pdf(record, sar, prepared)
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            f"Everything {settings.OFFICE_NAME} holds about {sar.caller.reference}, "
            f"prepared {prepared:%d/%m/%Y %H:%M} in answer to sar {sar.reference}.\n"
            "subject-access.json holds every section; each CSV file holds one, for a "
            "spreadsheet. Dates are day/month/year. Columns marked 'staff note' were written "
            "by staff for their own use.\n",
        )
        archive.writestr(
            "subject-access.json",
            json.dumps(
                {"reference": sar.caller.reference, "request": sar.reference, **rows},
                ensure_ascii=False,
                indent=2,
            ),
        )
        for section, section_rows in rows.items():
            if section_rows:
                archive.writestr(f"{section}.csv", _csv(section_rows))
    return pdf, data.getvalue()


def _csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(rows[0])
    for row in rows:
        writer.writerow([safe(value) for value in row.values()])
    return "\ufeff" + out.getvalue()
