"""Call-log exports: asked for on the call log, written by the background worker, downloaded
from their own page by the person who asked and nobody else, and removed after a while."""

import csv
import io
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dmts.models import CallLogExport
from dmts.services import exports
from dmts.services.exports import export_request
from opcc_calls.roles import Role
from tests.factories import UserFactory
from tests.helpers import exported, log_call, queries, run_background_tasks, sign_in_fully

pytestmark = pytest.mark.django_db


def ask(client, format: str = "csv", token: uuid.UUID | None = None, **extra):
    return client.post(
        reverse("dmts:export_new"),
        {"format": format, "submission_token": token or uuid.uuid4(), **extra},
    )


def test_the_page_says_queued_then_htmx_is_told_when_it_is_ready(compliance_client):
    log_call(about="First")
    log_call(about="Second")
    response = ask(compliance_client)
    export = CallLogExport.objects.get()
    assert response.url == export.get_absolute_url() == reverse("dmts:export", args=[export.pk])
    page = compliance_client.get(response.url).content.decode()
    assert "Your export is queued" in page and 'hx-trigger="every 2s"' in page

    run_background_tasks()
    fragment = compliance_client.get(response.url, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert "<html" not in html and "ready: 2 rows" in html
    assert "hx-trigger" not in html  # done: nothing asks again
    assert reverse("dmts:export_download", args=[export.pk]) in html
    export.refresh_from_db()
    assert export.status == CallLogExport.Status.READY and export.finished_at
    assert export.file.name.startswith(f"{export.pk}/dmts-call-log-")


def test_a_double_click_asks_once(compliance_client):
    token = uuid.uuid4()
    first, second = ask(compliance_client, token=token), ask(compliance_client, token=token)
    assert first.url == second.url
    assert CallLogExport.objects.count() == 1
    assert DBTaskResult.objects.filter(task_path__endswith="call_log_export_write").count() == 1


def test_a_form_sent_badly_is_explained_and_asks_nothing(compliance_client):
    response = compliance_client.post(
        reverse("dmts:export_new"), {"format": "pdf", "submission_token": "x"}, follow=True
    )
    assert "The export could not be asked for" in response.content.decode()
    assert not CallLogExport.objects.exists()


def test_nobody_else_sees_or_downloads_it(compliance_client):
    exported(compliance_client)
    export = CallLogExport.objects.get()
    colleague = sign_in_fully(
        Client(), UserFactory(roles=[Role.CALL_HANDLER, Role.COMPLIANCE_OFFICER])
    )
    assert colleague.get(export.get_absolute_url()).status_code == 404
    download = reverse("dmts:export_download", args=[export.pk])
    assert colleague.get(download).status_code == 404
    assert compliance_client.get(download).status_code == 200


def test_the_filters_go_with_the_export_not_in_any_address(compliance_client):
    log_call(about="Asked about zebedee")
    log_call(about="Something else")
    key = compliance_client.post(reverse("dmts:log"), {"q": "zebedee"}).url.split("filter=")[1]
    ask(compliance_client, filter=key)
    export = CallLogExport.objects.get()
    assert export.filters == {"q": "zebedee"}
    run_background_tasks()
    page = compliance_client.get(export.get_absolute_url())
    assert "zebedee" not in page.request["PATH_INFO"] + page.request.get("QUERY_STRING", "")
    body = compliance_client.get(reverse("dmts:export_download", args=[export.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(body.streaming_content).decode("utf-8-sig"))))
    assert [row[7] for row in rows[1:]] == ["Asked about zebedee"]


def test_someone_who_lost_the_permission_meanwhile_gets_nothing(compliance_user):
    log_call()
    export = export_request(
        by=compliance_user, format="csv", filters={}, submission_token=uuid.uuid4()
    )
    compliance_user.groups.clear()
    run_background_tasks()
    export.refresh_from_db()
    assert export.status == CallLogExport.Status.FAILED and not export.file


def test_a_failure_is_said_plainly_and_nothing_is_kept(compliance_client, monkeypatch):
    log_call()

    def broken(entries):
        raise OSError("disk full")
        yield

    monkeypatch.setattr(exports, "rows", broken)
    ask(compliance_client)
    run_background_tasks()
    export = CallLogExport.objects.get()
    assert export.status == CallLogExport.Status.FAILED and not export.file
    page = compliance_client.get(export.get_absolute_url()).content.decode()
    assert "could not be written" in page and "hx-trigger" not in page


def test_it_is_removed_when_its_time_is_up(compliance_client, settings):
    log_call()
    exported(compliance_client)
    export = CallLogExport.objects.get()
    path = export.file.path
    expiry = DBTaskResult.objects.get(task_path__endswith="call_log_export_expire")
    assert expiry.run_after == export.finished_at + timedelta(hours=settings.EXPORT_KEEP_HOURS)
    assert run_background_tasks() == 0  # not yet

    DBTaskResult.objects.filter(pk=expiry.pk).update(run_after=timezone.now())  # a day on
    assert run_background_tasks() == 1
    export.refresh_from_db()
    assert export.status == CallLogExport.Status.EXPIRED
    assert not export.file and export.filters == {}
    assert not Path(path).exists()
    download = reverse("dmts:export_download", args=[export.pk])
    assert compliance_client.get(download).status_code == 404
    assert "file was removed" in compliance_client.get(export.get_absolute_url()).content.decode()


def test_progress_is_told_as_rows_are_written(compliance_user, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 2)
    for _ in range(5):
        log_call()
    export = CallLogExport(requested_by=compliance_user, format="csv", filters={})
    told = []
    with io.BytesIO() as target:
        assert exports.export_file_write(export, target, told.append) == 5
    assert told == [2, 4]


def test_the_page_runs_the_same_queries_however_many_exports(compliance_client):
    exported(compliance_client)
    export = CallLogExport.objects.get()
    few = queries(compliance_client, export.get_absolute_url())
    for _ in range(12):
        ask(compliance_client)
    assert queries(compliance_client, export.get_absolute_url()) == few
