"""The review queue at the pace of a queue: several routine entries marked reviewed at once,
each with its own history row and the same check for a change made meanwhile."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from callers.models import Call
from dmts.models import DmtsEntry
from dmts.services.entries import call_correct, entries_review
from tests.helpers import log_call

pytestmark = pytest.mark.django_db


def _chosen(*calls) -> list[tuple[int, int]]:
    return [(c.dmts_entry.pk, c.dmts_entry.version) for c in calls]


def test_each_entry_reviewed_with_its_own_history_row(compliance_user):
    calls = [log_call() for _ in range(3)]
    done = entries_review(chosen=_chosen(*calls), by=compliance_user)
    assert len(done.reviewed) == 3 and not done.stale and not done.not_routine
    for call in calls:
        entry = DmtsEntry.objects.get(pk=call.dmts_entry.pk)
        assert entry.status == DmtsEntry.Status.REVIEWED and entry.reviewed_by == compliance_user
        assert entry.history.first().history_change_reason == "Marked reviewed, with others"
        assert entry.history.count() == 2


def test_a_change_made_meanwhile_is_left_for_a_look_not_overwritten(compliance_user, manager_user):
    corrected, untouched = log_call(), log_call()
    chosen = _chosen(corrected, untouched)  # as the queue read them
    call_correct(
        entry=corrected.dmts_entry,
        by=manager_user,
        reason="Wrong outcome",
        version=1,
        changes={"outcome": "Passed to the force"},
    )
    done = entries_review(chosen=chosen, by=compliance_user)
    assert done.stale == [corrected.dmts_entry.pk]
    assert [e.pk for e in done.reviewed] == [untouched.dmts_entry.pk]
    assert DmtsEntry.objects.get(pk=corrected.dmts_entry.pk).status == "awaiting"


def test_complaints_and_abusive_calls_are_reviewed_one_at_a_time(compliance_user):
    complaint = log_call(call_type=Call.Type.COMPLAINT, complaint_status="referred")
    routine = log_call()
    done = entries_review(chosen=_chosen(complaint, routine), by=compliance_user)
    assert done.not_routine == [complaint.dmts_entry.pk]
    assert DmtsEntry.objects.get(pk=complaint.dmts_entry.pk).status == "awaiting"


def test_a_handler_may_not(handler_user):
    with pytest.raises(PermissionDenied):
        entries_review(chosen=_chosen(log_call()), by=handler_user)


class TestQueuePage:
    def test_ticked_entries_are_marked_and_the_page_says_what_was_left(self, compliance_client):
        calls = [log_call() for _ in range(3)]
        html = compliance_client.get(reverse("dmts:queue")).content.decode()
        for call in calls:
            assert f'value="{call.dmts_entry.pk}:1"' in html
        data = {
            "entry": [f"{c.dmts_entry.pk}:1" for c in calls[:2]] + [f"{calls[2].dmts_entry.pk}:9"]
        }
        response = compliance_client.post(reverse("dmts:review_selected"), data, follow=True)
        page = response.content.decode()
        assert "2 entries marked reviewed." in page
        assert "1 changed since you opened the queue" in page
        assert DmtsEntry.objects.filter(status="reviewed").count() == 2

    @pytest.mark.parametrize("values", [[], ["abc"], ["1:x"], ["1;2"]])
    def test_nothing_or_nonsense_ticked_is_explained_never_an_error(
        self, compliance_client, values
    ):
        log_call()
        response = compliance_client.post(
            reverse("dmts:review_selected"), {"entry": values}, follow=True
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "Tick the entries" in page or "reload it and tick again" in page
        assert not DmtsEntry.objects.filter(status="reviewed").exists()

    def test_complaints_have_no_tick_and_references_do_not_wrap(self, compliance_client):
        complaint = log_call(call_type=Call.Type.COMPLAINT, complaint_status="referred")
        html = compliance_client.get(reverse("dmts:queue")).content.decode()
        assert f'value="{complaint.dmts_entry.pk}:' not in html and "One at a time" in html
        assert (
            f'<td class="text-nowrap"><a href="{complaint.dmts_entry.get_absolute_url()}">' in html
        )
