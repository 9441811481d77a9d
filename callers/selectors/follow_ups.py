"""Reads for follow-ups: one follow-up's history, and the actions a meeting shows."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from callers.models import FollowUp, Meeting
from opcc_calls.history import Change, record_changes

HISTORY_SHOWN = 50


def follow_up_changes(follow_up: FollowUp, *, limit: int = HISTORY_SHOWN) -> list[Change]:
    return record_changes(
        follow_up.history.all(),
        FollowUp,
        limit=limit,
        what={"+": _("Follow-up found"), "~": _("Follow-up changed"), "-": _("Follow-up deleted")},
    )


def meeting_actions(meeting: Meeting) -> tuple[list[FollowUp], list[FollowUp]]:
    """The actions a meeting shows: those carried forward (still open, from earlier meetings)
    and those agreed at it, each oldest first, from one query."""
    actions = list(
        FollowUp.objects.filter(kind=FollowUp.Kind.ACTION)
        .filter(Q(meeting=meeting) | Q(status=FollowUp.Status.OPEN, meeting__date__lt=meeting.date))
        .select_related("owner", "meeting", "caller")
        .order_by("meeting__date", "due_on", "pk")
    )
    carried = [action for action in actions if action.meeting_id != meeting.pk]
    return carried, [action for action in actions if action.meeting_id == meeting.pk]
