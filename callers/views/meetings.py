"""Pages for SMT and Silver meetings (policy 5.6): every meeting and opening one, the Silver
cycle, the meeting page with its summary table, decisions, record and actions, and the pack
as a PDF."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from callers.forms.flags import staff_choices
from callers.forms.follow_ups import ActionForm
from callers.forms.meetings import DecisionForm, MeetingCycleForm, MeetingForm, MeetingRecordForm
from callers.models import (
    Caller,
    FollowUp,
    Meeting,
    MeetingCycle,
    MeetingItem,
)
from callers.selectors import meetings as selectors
from callers.selectors.letters import appeals_waiting
from callers.selectors.safeguarding import open_concerns_for
from callers.services import meetings as services
from callers.services.follow_ups import follow_up_add
from callers.views.flags import STALE_FLAG
from opcc_calls.concurrency import StaleEdit
from opcc_calls.documents import (
    PDF,
    PackParts,
    pack_pdf,
)
from opcc_calls.exports import filename
from opcc_calls.forms import RECORD_ID
from opcc_calls.pagination import PER_PAGE, Window, page_number, window
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
                    created_by=request.user,
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
        services.meeting_cycle_set(changed_by=request.user, **form.cleaned_data)
        messages.success(request, "Silver cycle saved.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("callers:meetings")


#: Callers shown a page in the meeting's summary table.
AGENDA_PER_PAGE = 50

#: The summary table's sortable columns, in order.
AGENDA_COLUMNS = [
    ("caller", "Caller"),
    ("24h", "Calls in 24 h"),
    ("7d", "7 days"),
    ("30d", "30 days"),
    ("90d", "90 days"),
    ("decision", "Decision so far"),
]


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
    sort = request.GET.get("sort", "")
    if sort.lstrip("-") not in selectors.AGENDA_SORTS:
        sort = ""
    may_decide = request.user.has_perm("callers.flag_caller")
    totals = selectors.agenda_totals(meeting)
    number = page_number(request.GET.get("page"))
    first = (number - 1) * AGENDA_PER_PAGE
    ids = selectors.agenda_page_ids(meeting, sort=sort, first=first, size=AGENDA_PER_PAGE)
    items = MeetingItem.objects.filter(pk__in=ids).only("reasons")
    legend = selectors.agenda_legend(list(items))
    page = Window(
        items=selectors.agenda_rows(ids, legend=legend),
        number=number,
        per_page=AGENDA_PER_PAGE,
        has_next=totals["size"] > first + AGENDA_PER_PAGE,
    )
    chosen_item = next((r.item for r in page.items if r.item.pk == chosen), None)
    if chosen_item and not chosen_item.decision and may_decide and decision_form is None:
        decision_form = DecisionForm.for_item(chosen_item, staff_choices())
    callers = Caller.objects.filter(pk__in=[row.item.caller_id for row in page.items])
    actions = list(
        FollowUp.objects.filter(kind=FollowUp.Kind.ACTION)
        .filter(Q(meeting=meeting) | Q(status=FollowUp.Status.OPEN, meeting__date__lt=meeting.date))
        .select_related("owner", "meeting", "caller")
        .order_by("meeting__date", "due_on", "pk")
    )
    context = {
        "meeting": meeting,
        "rows": page.items,
        "page": page,
        "agenda_size": totals["size"],
        "query": f"sort={sort}&" if sort else "",
        "page_query": f"page={number}&" if number > 1 else "",
        "legend": legend,
        "sort": sort,
        "sort_columns": AGENDA_COLUMNS,
        "chosen": chosen_item,
        "decision_form": decision_form,
        "record_form": record_form
        or MeetingRecordForm(
            initial={
                "version": meeting.version,
                "attendees": meeting.attendees,
                "apologies": meeting.apologies,
                "minutes": meeting.minutes,
            }
        ),
        "carried": [a for a in actions if a.meeting_id != meeting.pk],
        "actions": [a for a in actions if a.meeting_id == meeting.pk],
        "action_form": action_form or ActionForm(callers=callers),
        "appeals": appeals_waiting() if meeting.kind == Meeting.Kind.SILVER else [],
        "undecided": totals["undecided"],
    }
    if request.user.has_perm("callers.view_concern"):  # staff-only, in the manager's pack
        context["concerns"] = open_concerns_for([row.item.caller_id for row in page.items])
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
    sort = request.POST.get("sort", "")
    if sort.lstrip("-") not in selectors.AGENDA_SORTS:
        sort = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_decide(
                item=item,
                decided_by=request.user,
                decision=data["decision"],
                note=data["note"],
                kind=data["kind"],
                agreed_response=data["agreed_response"],
                review_date=data["review_date"],
                single_point_of_contact=data["single_point_of_contact"],
                contact_times=data["contact_times"],
                written_contact_only=data["written_contact_only"],
            )
        except (ValidationError, StaleEdit) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else STALE_FLAG)
        else:
            messages.success(request, f"Decision recorded for {item.caller.full_name}.")
            order = selectors.agenda_order(item.meeting, sort=sort)
            following = selectors.next_undecided(order, after=item.pk)
            if following is None:
                messages.info(request, "Every caller on the agenda has a decision.")
            position = [pk for pk, _ in order].index(following) if following else 0
            return redirect(
                _meeting_url(
                    item.meeting,
                    sort=sort,
                    item=following,
                    page=position // AGENDA_PER_PAGE + 1 if following else None,
                )
            )
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
        try:
            services.meeting_record(meeting=meeting, changed_by=request.user, **form.cleaned_data)
        except StaleEdit:
            messages.error(request, form.stale_message)
        else:
            messages.success(request, "Meeting record saved.")
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
            follow_up_add(created_by=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Action added for {form.cleaned_data['owner']}.")
            return redirect(f"{meeting.get_absolute_url()}#actions")
    return _meeting_page(request, meeting, action_form=form, status=400)


#: Callers in the PDF of a pack: a page's worth of meetings (a long agenda is read on screen).
PACK_PDF_CALLERS = 200


@requires("callers.view_meeting")
@require_GET
def meeting_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting pack as a PDF: the summary first, then a short section per caller; open
    concerns are counted only when a manager prints it (they are staff-only)."""
    meeting = get_object_or_404(Meeting, pk=pk)
    totals = selectors.agenda_totals(meeting)
    ids = selectors.agenda_page_ids(
        meeting, sort=request.GET.get("sort", ""), first=0, size=PACK_PDF_CALLERS
    )
    legend = selectors.agenda_legend(list(MeetingItem.objects.filter(pk__in=ids)))
    rows = selectors.agenda_rows(ids, legend=legend)
    concerns = (
        open_concerns_for([row.item.caller_id for row in rows])
        if request.user.has_perm("callers.view_concern")
        else {}
    )

    def flag_status(row) -> str:
        flag = row.item.flag
        if not flag:
            return "Not flagged"
        return flag.get_kind_display() + (" (review due)" if row.item.due_for_review else "")

    sections = []
    for row in rows:
        item, counts = row.item, row.counts
        lines = [
            "Why: " + "; ".join(item.reasons),
            f"Calls: {counts['calls_24h']} in 24 hours, {counts['calls_7d']} in 7 days, "
            f"{counts['calls_30d']} in 30 days, {counts['calls_90d']} in 90 days "
            f"({row.trend.lower()}).",
        ]
        if item.flag:
            lines.append(f"Agreed response: {item.flag.agreed_response}")
        if concerns.get(item.caller_id):
            lines.append(f"Open concerns about vulnerability: {concerns[item.caller_id]}")
        lines.append(f"Decision: {item.get_decision_display() or 'not yet decided'}")
        sections.append((item.caller.full_name, lines))
    pack = PackParts(
        title=str(meeting),
        notes=[
            *(f"{label}: {sentence}" for sentence, label in legend.items()),
            f"Present: {' · '.join(meeting.attendees.splitlines()) or 'not recorded'}",
            f"Apologies: {' · '.join(meeting.apologies.splitlines()) or 'none'}",
            *(
                [f"The first {PACK_PDF_CALLERS} of {totals['size']} callers, in the page's order."]
                if totals["size"] > PACK_PDF_CALLERS
                else []
            ),
        ],
        columns=["Caller", "Why", "24 h", "7 d", "30 d", "90 d", "Trend", "Flag", "Decision"],
        widths=[55, 30, 14, 14, 14, 14, 22, 44, 50],
        rows=[
            [
                row.item.caller.full_name,
                ", ".join(row.labels),
                row.counts["calls_24h"],
                row.counts["calls_7d"],
                row.counts["calls_30d"],
                row.counts["calls_90d"],
                row.trend,
                flag_status(row),
                row.item.get_decision_display() or "Not decided",
            ]
            for row in rows
        ],
        sections=sections,
    )
    response = HttpResponse(pack_pdf(pack), content_type=PDF)
    name = filename(f"meeting-pack-{meeting.pk}", "pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
