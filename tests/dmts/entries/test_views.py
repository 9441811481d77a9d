import csv
import io
import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from callers.models import Call
from callers.services.flags import flag_create
from dmts.models import CallLogExport, DmtsEntry
from dmts.services.entries import call_correct
from tests.factories import CallerFactory
from tests.helpers import exported, link_texts, log_call, queries

pytestmark = pytest.mark.django_db


def entries(n: int, **overrides) -> list[DmtsEntry]:
    return [log_call(**overrides).dmts_entry for _ in range(n)]


def listed(html: str) -> list[str]:
    """The references in the page's table of entries."""
    return re.findall(r">(DMTS-\d{4}-\d{6})</a>", html)


def filter_key(client, **filters) -> str:
    response = client.post(reverse("dmts:log"), filters)
    assert response.status_code == 302
    return response.url.split("filter=")[1]


class TestReviewQueue:
    def test_oldest_first_with_the_count_on_the_home_page(self, compliance_client):
        newer, older = entries(2)
        DmtsEntry.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(1))
        html = compliance_client.get(reverse("dmts:queue")).content.decode()
        assert html.index(older.reference) < html.index(newer.reference)
        home = compliance_client.get("/").content.decode()
        assert "2 entries awaiting review" in link_texts(home)

    def test_saving_a_review_goes_straight_to_the_next_entry(self, compliance_client):
        first, second = entries(2)
        response = compliance_client.post(
            reverse("dmts:review", args=[first.pk]),
            {"status": "reviewed", "notes": "", "version": 1},
        )
        assert response.url == second.get_absolute_url()
        response = compliance_client.post(
            reverse("dmts:review", args=[second.pk]),
            {"status": "follow_up", "notes": "Ring back", "version": 1},
        )
        assert response.url == reverse("dmts:queue")
        assert DmtsEntry.objects.awaiting_review().count() == 0

    def test_a_review_without_a_choice_is_explained(self, compliance_client):
        [entry] = entries(1)
        response = compliance_client.post(
            reverse("dmts:review", args=[entry.pk]), {"notes": "", "version": 1}
        )
        assert "Choose reviewed or needs follow-up." in response.content.decode()

    def test_a_stale_review_is_refused(self, compliance_client):
        [entry] = entries(1)
        compliance_client.post(
            reverse("dmts:review", args=[entry.pk]),
            {"status": "reviewed", "notes": "First", "version": 1},
        )
        response = compliance_client.post(
            reverse("dmts:review", args=[entry.pk]),
            {"status": "follow_up", "notes": "Old", "version": 1},
            follow=True,
        )
        assert "Someone else changed this entry" in response.content.decode()
        entry.refresh_from_db()
        assert entry.compliance_notes == "First"


class TestCallLog:
    def test_filters_stay_out_of_the_url(self, compliance_client):
        log_call(caller=CallerFactory(full_name="John Smith"))
        key = filter_key(compliance_client, q="John Smith")
        assert "Smith" not in key

    def test_filter_by_type_status_and_text(self, compliance_client):
        complaint = log_call(
            call_type=Call.Type.COMPLAINT,
            complaint_status="referred",
            about="Unhappy with a noise complaint",
        )
        log_call(about="Asked about the plan")
        key = filter_key(compliance_client, call_type="complaint")
        html = compliance_client.get(f"{reverse('dmts:log')}?filter={key}").content.decode()
        assert listed(html) == [complaint.reference]
        key = filter_key(compliance_client, q="noise")
        html = compliance_client.get(f"{reverse('dmts:log')}?filter={key}").content.decode()
        assert listed(html) == [complaint.reference]
        key = filter_key(compliance_client, q=complaint.reference)
        html = compliance_client.get(f"{reverse('dmts:log')}?filter={key}").content.decode()
        assert listed(html) == [complaint.reference]

    def test_filter_by_date_range(self, compliance_client):
        old = log_call(received_at=timezone.now() - timedelta(days=10)).dmts_entry
        log_call()
        day = timezone.localdate() - timedelta(days=10)
        key = filter_key(
            compliance_client, received_from=day.isoformat(), received_to=day.isoformat()
        )
        html = compliance_client.get(f"{reverse('dmts:log')}?filter={key}").content.decode()
        assert listed(html) == [old.reference]

    def test_a_handler_sees_only_their_own_entries(self, handler_client, handler_user):
        mine = log_call(handler_user).dmts_entry
        theirs = log_call().dmts_entry
        html = handler_client.get(reverse("dmts:log")).content.decode()
        assert mine.reference in html and theirs.reference not in html

    def test_the_export_holds_exactly_the_filtered_rows(self, compliance_client):
        wanted = [
            log_call(call_type=Call.Type.OTHER, about=f"Other {i}").dmts_entry for i in range(3)
        ]
        entries(2)
        key = filter_key(compliance_client, call_type="other")
        screen = compliance_client.get(f"{reverse('dmts:log')}?filter={key}").content.decode()
        on_screen = set(listed(screen))
        body = exported(compliance_client, "csv", filter_key=key)
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert {row[0] for row in rows[1:]} == on_screen == {e.reference for e in wanted}
        sheet = load_workbook(io.BytesIO(exported(compliance_client, "xlsx", filter_key=key)))
        assert {row[0] for row in sheet.active.iter_rows(min_row=2, values_only=True)} == on_screen

    def test_the_export_defuses_spreadsheet_formulas(self, compliance_client):
        log_call(about='=HYPERLINK("http://evil")')
        assert "'=HYPERLINK" in exported(compliance_client).decode("utf-8-sig")

    def test_handlers_may_not_export(self, handler_client):
        response = handler_client.post(
            reverse("dmts:export_new"), {"format": "csv", "submission_token": uuid.uuid4()}
        )
        assert response.status_code == 403
        assert not CallLogExport.objects.exists()


class TestEntryPage:
    def test_shows_the_call_review_and_history(self, compliance_client):
        [entry] = entries(1)
        html = compliance_client.get(entry.get_absolute_url()).content.decode()
        assert entry.reference in html and "Call logged" in html and "Save and go" in html

    def test_a_handler_corrects_their_own_entry_with_a_reason(self, handler_client, handler_user):
        call = log_call(handler_user)
        url = reverse("dmts:correct", args=[call.pk])
        data = {
            "call_type": "enquiry",
            "received_at": timezone.localtime(call.received_at).strftime("%Y-%m-%dT%H:%M"),
            "about": "Corrected text",
            "outcome": "",
            "identity_check": "not_needed",
            "version": 1,
            "reason": "",
        }
        response = handler_client.post(url, data)
        assert "Give a reason for the correction." in response.content.decode()
        response = handler_client.post(url, data | {"reason": "Typo"}, follow=True)
        html = response.content.decode()
        assert "Correction saved" in html and "Correction: Typo" in html
        call.refresh_from_db()
        assert call.about == "Corrected text"

    def test_a_handler_may_not_correct_anothers_entry(self, handler_client):
        """Nor open it: to them it does not exist (one rule, entries_visible_to)."""
        call = log_call()
        assert handler_client.get(reverse("dmts:correct", args=[call.pk])).status_code == 404

    def test_void_keeps_the_entry_visible_with_its_reason(self, compliance_client):
        [entry] = entries(1)
        response = compliance_client.post(
            reverse("dmts:void", args=[entry.pk]),
            {"reason": "Test call", "version": 1},
            follow=True,
        )
        html = response.content.decode()
        assert "Void: logged in error." in html and "Test call" in html


@pytest.mark.parametrize("url_name", ["dmts:queue", "dmts:log"])
def test_lists_run_the_same_queries_however_many_entries(compliance_client, url_name):
    counts = []
    for n in (1, 40):
        entries(n)
        counts.append(queries(compliance_client, reverse(url_name)))
    assert counts[0] == counts[1]


def test_entry_page_runs_the_same_queries_however_long_its_history(
    compliance_client, compliance_user
):
    counts = []
    for corrections in (1, 30):
        entry = log_call().dmts_entry
        for version in range(1, corrections + 1):
            call_correct(
                entry=entry,
                by=compliance_user,
                reason="r",
                version=version,
                changes={"about": f"Version {version}"},
            )
        counts.append(queries(compliance_client, entry.get_absolute_url()))
    assert counts[0] == counts[1]


def test_the_submission_token_is_not_in_any_export(compliance_client):
    token = uuid.uuid4()
    log_call(submission_token=token)
    assert str(token).encode() not in exported(compliance_client)


def test_bad_filters_are_explained_not_a_server_error(compliance_client):
    key = filter_key(compliance_client, received_from="not-a-date", handler="abc")
    response = compliance_client.get(f"{reverse('dmts:log')}?filter={key}")
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()


def test_filter_to_flagged_callers_only(compliance_client, manager_user):
    flagged = log_call()
    log_call()
    flag_create(
        caller=flagged.caller,
        by=manager_user,
        kind="frequent",
        reason="r",
        agreed_response="Written replies only.",
    )
    key = filter_key(compliance_client, flagged="on")
    html = compliance_client.get(f"{reverse('dmts:log')}?filter={key}").content.decode()
    assert listed(html) == [flagged.dmts_entry.reference]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/dmts/follow-ups/", "/callers/follow-ups/"),
        ("/dmts/follow-ups/12/?show=mine", "/callers/follow-ups/12/?show=mine"),
        (
            "/dmts/report/?start=01/07/2026&end=30/09/2026",
            "/callers/report/?start=01/07/2026&end=30/09/2026",
        ),
        ("/dmts/report.xlsx", "/callers/report.xlsx"),
        ("/dmts/report.pdf", "/callers/report.pdf"),
    ],
)
def test_the_addresses_follow_ups_and_the_report_had_lead_where_they_are_now(
    compliance_client, old, new
):
    """Bookmarks, and the links in digests sent before they moved from dmts to callers."""
    response = compliance_client.get(old)
    assert response.status_code == 301 and response.url == new


class TestOneRuleForEntries:
    """A handler could open another handler's DMTS entry by id though the call log hid it."""

    def test_a_handler_opens_their_own_entries_only(self, handler_client, handler_user):
        mine, theirs = log_call(handler_user), log_call()
        for name in ("dmts:entry", "callers:logged"):
            assert handler_client.get(reverse(name, args=[mine.pk])).status_code == 200
            assert handler_client.get(reverse(name, args=[theirs.pk])).status_code == 404

    def test_the_caller_page_links_only_the_entries_they_may_open(
        self, handler_client, handler_user
    ):
        mine = log_call(handler_user)
        theirs = log_call(caller=mine.caller)
        html = handler_client.get(mine.caller.get_absolute_url()).content.decode()
        assert mine.get_absolute_url() in html and theirs.get_absolute_url() not in html
