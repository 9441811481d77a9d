"""The home page's reads: each role's starting point, gathered from both apps (so, like the
URLs, the home view and the demo, a named gatherer: the rest of the kernel imports no app).
Every figure is one query, however much data there is."""

from django.utils import timezone

from callers.checks import records_to_set_up, server_to_set_up
from callers.models import Call, Concern, ContactRequest, Flag, FollowUp
from callers.selectors.letters import appeals_waiting
from callers.selectors.rules import CANDIDATES_COUNTED, candidates_counted
from callers.selectors.subject_access import subject_access_due_soon
from dmts.models import DmtsEntry
from opcc_calls.selectors import procedure_current

#: Callbacks waiting and one's own follow-ups listed on the home page.
LISTED = 20


def home_sections(user) -> dict[str, object]:
    """What the home page shows this person: sections by permission, so one person may see
    several."""
    sections: dict[str, object] = {
        # Callers who asked to speak to this member of staff and are waiting for a decision.
        "callbacks_waiting": list(
            ContactRequest.objects.filter(
                requested__user=user, decision=ContactRequest.Decision.PENDING
            ).select_related("call__caller")[:LISTED]
        ),
        "my_follow_ups": list(
            FollowUp.objects.open().filter(owner=user).select_related("owner", "meeting")[:LISTED]
        ),
    }
    if user.has_perm("callers.view_followup"):
        sections["follow_ups_overdue"] = FollowUp.objects.overdue().count()
        sections["follow_ups_unassigned"] = FollowUp.objects.open().filter(owner=None).count()
    if user.has_perm("callers.add_call"):
        sections["my_recent_calls"] = Call.objects.filter(handler=user).select_related("caller")[:5]
    if user.has_perm("dmts.review_dmtsentry"):
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        sections["calls_today"] = Call.objects.filter(received_at__gte=today).count()
        sections["awaiting_review"] = DmtsEntry.objects.awaiting_review().count()
    if user.has_perm("callers.view_flag"):
        sections["candidates"] = candidates_counted()
        sections["candidates_more"] = sections["candidates"] >= CANDIDATES_COUNTED
        sections["overdue_flags"] = Flag.objects.overdue().count()
        sections["active_flags"] = Flag.objects.active().count()
    if user.has_perm("callers.view_concern"):
        sections["open_concerns"] = Concern.objects.filter(closed_at__isnull=True).count()
    if user.has_perm("opcc_calls.publish_procedure"):
        sections["procedure"] = procedure_current()
    if user.has_perm("callers.decide_appeal"):
        sections["appeals_waiting"] = appeals_waiting()
    if user.has_perm("callers.change_staffcontact"):
        # The first-run checklist, until it is done (two queries).
        sections["to_set_up"] = server_to_set_up() + records_to_set_up()
    if user.has_perm("callers.export_subject_access"):
        sections["subject_access_due"] = subject_access_due_soon()
    return sections
