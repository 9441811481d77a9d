"""The retention schedule in the interface: what is due and why without a name, the callers
on legal hold with who set it and why, the disposal log; applying it asks for confirmation and
a reason, runs in the background worker and records who."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from callers.models import Caller, DisposalLog, RetentionRun
from callers.services.data_protection import legal_hold_set
from tests.callers.data_protection.test_data_protection import aged_caller
from tests.factories import CallerFactory
from tests.helpers import queries, run_background_tasks

pytestmark = pytest.mark.django_db

URL = reverse("callers:retention")


def test_what_is_due_is_counted_and_numbered_without_a_name(manager_client, manager_user):
    due = aged_caller(7, full_name="Dora Duesworth")
    held = aged_caller(8, full_name="Harry Heldman")
    legal_hold_set(caller=held, by=manager_user, on_hold=True, reason="Claim 2026/114")
    html = manager_client.get(URL).content.decode()
    assert "Dora" not in html and "Duesworth" not in html and "Heldman" not in html
    numbers = due_numbers(html)
    assert numbers["Calls and DMTS entries"] == [due.calls.get().pk]
    assert numbers["Callers with no contact"] == [due.pk]  # the held caller left out
    holds = html[html.index('id="holds-heading"') :]
    assert held.reference in holds and "Claim 2026/114" in holds
    assert escape(manager_user.get_full_name()) in holds


def due_numbers(html: str) -> dict[str, list[int]]:
    """The record numbers the page lists for each kind of record."""
    table = html[html.index('class="table table-sm retention-due"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r'<th scope="row">(.*?)</th>.*?<td class="small">(.*?)</td>', table, re.S)
    return {
        kind: [int(n) for n in re.findall(r"\d+", numbers.split(" and ")[0])]
        for kind, numbers in rows
    }


def test_a_caller_added_long_ago_who_never_called_is_due(manager_client):
    """Read from the callers' last contacts, a caller with no call counts from when they
    were added; one added since the cutoff is not due."""
    old = CallerFactory(created_at=timezone.now() - timedelta(days=365 * 7))
    CallerFactory(created_at=timezone.now() - timedelta(days=365))
    assert due_numbers(manager_client.get(URL).content.decode())["Callers with no contact"] == [
        old.pk
    ]


def test_applying_asks_for_confirmation_and_a_reason(manager_client):
    aged_caller(7)
    refused = manager_client.post(URL, {"reason": ""})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Tick to confirm" in html and 'href="#id_confirm"' in html
    assert "Say why the schedule is applied now" in html and 'href="#id_reason"' in html
    assert not RetentionRun.objects.exists()


def test_the_worker_applies_it_once_and_the_log_says_who_and_why(manager_client, manager_user):
    old = aged_caller(7)
    data = {"confirm": "on", "reason": "The monthly review"}
    assert manager_client.post(URL, data).status_code == 302
    assert manager_client.post(URL, data).status_code == 302  # a second click
    run = RetentionRun.objects.get()
    waiting = manager_client.get(URL).content.decode()
    assert "being applied in the background" in waiting and "Apply the retention" not in waiting
    run_background_tasks()
    run.refresh_from_db()
    assert run.finished_at and not run.failed and run.records > 0
    assert not old.calls.exclude(about__startswith="[Removed").exists()
    assert DisposalLog.objects.filter(run=run).exists()
    log = manager_client.get(URL).content.decode()
    log = log[log.index('id="log-heading"') :]
    assert f"{escape(manager_user.get_full_name())}: The monthly review" in log
    assert "Anonymised" in log


def test_the_page_runs_the_same_queries_however_much_is_due(manager_client, manager_user):
    counts = []
    for n in (1, 6):
        for _ in range(n):
            held = aged_caller(7)
            legal_hold_set(caller=held, by=manager_user, on_hold=True, reason="A claim")
            aged_caller(7)
        counts.append(queries(manager_client, URL))
    assert counts[0] == counts[1]
    assert Caller.objects.filter(legal_hold=True).count() == 7
