"""Pages for SMT and Silver meetings (policy 5.6): every meeting and opening one, the Silver
cycle, the meeting page with its summary table, decisions, record and actions, and the pack
as a PDF."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from callers.forms.flags import staff_choices
from callers.forms.follow_ups import ActionForm
from callers.forms.meetings import DecisionForm, MeetingCycleForm, MeetingForm, MeetingRecordForm
from callers.models import (
    Caller,
    Meeting,
    MeetingCycle,
    MeetingItem,
)
from callers.selectors import meetings as selectors
from callers.selectors.follow_ups import meeting_actions
from callers.selectors.letters import appeals_waiting
from callers.selectors.safeguarding import open_concerns_for
from callers.services import meetings as services
from callers.services.data_protection import sensitive_access_log
from callers.services.follow_ups import follow_up_add
from callers.views.flags import STALE_FLAG
from opcc_calls.concurrency import StaleEdit
from opcc_calls.documents import (
    PDF,
    pack_pdf,
)
from opcc_calls.exports import filename
from opcc_calls.forms import RECORD_ID
from opcc_calls.pagination import PER_PAGE, page_number, window
from opcc_calls.permissions import requires


@requires("callers.view_meeting")
@require_http_methods(["GET", "POST"])
def meetings(request: HttpRequest) -> HttpResponse:
    """Every meeting, the next Silver meeting proposed by the office's cycle, and opening one."""
    proposed = selectors.silver_proposed()
    form = MeetingForm(request.POST or None, initial={"kind": "silver", "date": proposed})
    if request.method == "POST":
        if not request.user.has_perm("callers.flag_caller"):
            raise PermissionDenied
        if form.is_valid():
            try:
                meeting = services.meeting_open(
                    kind=form.cleaned_data["kind"],
                    day=form.cleaned_data["date"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect(meeting)
    cycle = MeetingCycle.current()
    meetings_listed = Meeting.objects.select_related("created_by")
    page = window(meetings_listed, request.GET.get("page"), per_page=PER_PAGE)
    return render(
        request,
        "callers/meetings/meetings.html",
        {
            "form": form,
            "page": page,
            "proposed": proposed,
            "cycle": cycle,
            "cycle_form": MeetingCycleForm(
                initial={
                    "silver_every_days": cycle.silver_every_days,
                    "first_silver": cycle.first_silver,
                }
            ),
        },
    )


@requires("callers.flag_caller")
@require_POST
def meeting_cycle(request: HttpRequest) -> HttpResponse:
    """The office sets how often the Silver meeting meets."""
    form = MeetingCycleForm(request.POST)
    if form.is_valid():
        services.meeting_cycle_set(by=request.user, **form.cleaned_data)
        messages.success(request, _("Silver cycle saved."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("callers:meetings")


#: Callers shown a page in the meeting's summary table.
AGENDA_PER_PAGE = 50

#: The summary table's sortable columns, in order.
AGENDA_COLUMNS = [
    ("caller", gettext_lazy("Caller")),
    ("24h", gettext_lazy("Calls in 24 h")),
    ("7d", gettext_lazy("7 days")),
    ("30d", gettext_lazy("30 days")),
    ("90d", gettext_lazy("90 days")),
    ("decision", gettext_lazy("Decision so far")),
]


def _decision_form(request: HttpRequest, item: MeetingItem | None, form) -> DecisionForm | None:
    """The form for the chosen caller's decision: for a manager, while they have none."""
    if form is None and item and not item.decision and request.user.has_perm("callers.flag_caller"):
        return DecisionForm.for_item(item, staff_choices())
    return form


def _open_concerns(request: HttpRequest, meeting: Meeting, caller_ids: list[int]) -> dict | None:
    """How many open concerns each caller on the page has: staff-only, so for a manager, and
    each showing of them is in the sensitive access log."""
    if not request.user.has_perm("callers.view_concern"):
        return None
    concerns = open_concerns_for(caller_ids)
    sensitive_access_log(
        by=request.user, caller_ids=list(concerns), what=f"{meeting}: open concerns"
    )
    return concerns


def _meeting_page(
    request: HttpRequest,
    meeting: Meeting,
    *,
    chosen: int | None = None,
    decision_form=None,
    record_form=None,
    action_form=None,
    status: int = 200,
) -> HttpResponse:
    """The meeting pack: the summary table (one row a caller, sortable), the decision for the
    chosen row in place, the record of the meeting, its actions and those carried forward."""
    sort = selectors.agenda_sort(request.GET.get("sort", ""))
    number = page_number(request.GET.get("page"))
    agenda = selectors.agenda_page(meeting, sort=sort, number=number, per_page=AGENDA_PER_PAGE)
    chosen_item = agenda.row_for(chosen)
    carried, agreed = meeting_actions(meeting)
    context = {
        "meeting": meeting,
        "rows": agenda.page.items,
        "page": agenda.page,
        "agenda_size": agenda.size,
        "undecided": agenda.undecided,
        "legend": agenda.legend,
        "query": f"sort={sort}&" if sort else "",
        "page_query": f"page={number}&" if number > 1 else "",
        "sort": sort,
        "sort_columns": AGENDA_COLUMNS,
        "chosen": chosen_item,
        "decision_form": _decision_form(request, chosen_item, decision_form),
        "record_form": record_form or MeetingRecordForm.for_meeting(meeting),
        "carried": carried,
        "actions": agreed,
        "action_form": action_form
        or ActionForm(callers=Caller.objects.filter(pk__in=agenda.caller_ids)),
        "appeals": appeals_waiting() if meeting.is_silver else [],
        "concerns": _open_concerns(request, meeting, agenda.caller_ids),
    }
    return render(request, "callers/meetings/meeting.html", context, status=status)


def _chosen(request: HttpRequest) -> int | None:
    value = request.GET.get("item", "")
    return int(value) if RECORD_ID.match(value) else None


@requires("callers.view_meeting")
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_page(request, get_object_or_404(Meeting, pk=pk), chosen=_chosen(request))


def _meeting_url(
    meeting: Meeting, *, sort: str = "", item: int | None = None, page: int | None = None
) -> str:
    wanted = {"sort": sort, "page": page if page and page > 1 else None, "item": item}
    query = urlencode({k: v for k, v in wanted.items() if v})
    anchor = "#decide" if item else "#summary"
    return f"{meeting.get_absolute_url()}{'?' + query if query else ''}{anchor}"


@requires("callers.flag_caller")
@require_POST
def meeting_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the decision for one caller, then open the next caller without one."""
    item = get_object_or_404(MeetingItem.objects.select_related("meeting", "caller", "flag"), pk=pk)
    form = DecisionForm(request.POST, prefix=f"item-{item.pk}", people=staff_choices())
    sort = selectors.agenda_sort(request.POST.get("sort", ""))
    if form.is_valid():
        try:
            services.meeting_decide(item=item, by=request.user, **form.cleaned_data)
        except (ValidationError, StaleEdit) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else STALE_FLAG)
        else:
            messages.success(
                request, _("Decision recorded for %(name)s.") % {"name": item.caller.full_name}
            )
            following, page = selectors.next_undecided_place(
                item.meeting, sort=sort, after=item.pk, per_page=AGENDA_PER_PAGE
            )
            if following is None:
                messages.info(request, _("Every caller on the agenda has a decision."))
            return redirect(_meeting_url(item.meeting, sort=sort, item=following, page=page))
    request.GET = request.GET.copy()
    request.GET["sort"] = sort
    request.GET["page"] = request.POST.get("page", "")
    return _meeting_page(request, item.meeting, chosen=item.pk, decision_form=form, status=400)


@requires("callers.flag_caller")
@require_POST
def meeting_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Who was present, apologies and the minutes."""
    meeting = get_object_or_404(Meeting, pk=pk)
    form = MeetingRecordForm(request.POST)
    if form.is_valid():
        if form.run(request, services.meeting_record, meeting=meeting, by=request.user):
            messages.success(request, _("Meeting record saved."))
            return redirect(f"{meeting.get_absolute_url()}#record")
        if form.stale:
            return redirect(f"{meeting.get_absolute_url()}#record")
    return _meeting_page(request, meeting, record_form=form, status=400)


@requires("callers.add_followup")
@require_POST
def meeting_action(request: HttpRequest, pk: int) -> HttpResponse:
    """An action agreed at the meeting, with its owner and due date."""
    meeting = get_object_or_404(Meeting, pk=pk)
    callers = Caller.objects.filter(meeting_items__meeting=meeting)
    form = ActionForm(request.POST, callers=callers)
    if form.is_valid():
        try:
            follow_up_add(by=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Action added for %(owner)s.") % {"owner": form.cleaned_data["owner"]}
            )
            return redirect(f"{meeting.get_absolute_url()}#actions")
    return _meeting_page(request, meeting, action_form=form, status=400)


@requires("callers.view_meeting")
@require_GET
def meeting_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting pack as a PDF: the summary first, then a short section per caller; open
    concerns are counted only when a manager prints it (they are staff-only)."""
    meeting = get_object_or_404(Meeting, pk=pk)
    pack, counted = selectors.meeting_pack(
        meeting,
        sort=selectors.agenda_sort(request.GET.get("sort", "")),
        concerns=request.user.has_perm("callers.view_concern"),
    )
    sensitive_access_log(by=request.user, caller_ids=counted, what=f"{meeting} pack: open concerns")
    response = HttpResponse(pack_pdf(pack), content_type=PDF)
    name = filename(f"meeting-pack-{meeting.pk}", "pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
