"""Pages for frequent and regular callers: candidates, flags, the frequent calls log,
meetings, the dashboard and the rules (policy 5.2, 5.3, 5.6, 5.8h)."""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from callers import charts
from callers.forms.flags import (
    AppealDecisionForm,
    AppealForm,
    CandidateFilterForm,
    DecisionForm,
    FlagArrangementsForm,
    FlagEndForm,
    FlagForm,
    FlagRenewForm,
    FlagResponseForm,
    LetterSentForm,
    LetterTemplateForm,
    MeetingCycleForm,
    MeetingForm,
    MeetingRecordForm,
    NoticeForm,
    RuleFormSet,
    staff_choices,
)
from callers.letters import arrangements_text, template_for, templates
from callers.models import (
    Appeal,
    Caller,
    Flag,
    Letter,
    LetterTemplate,
    MatchesRefresh,
    Meeting,
    MeetingCycle,
    MeetingItem,
    Rule,
)
from callers.selectors import flags as selectors
from callers.selectors.safeguarding import open_concerns_for
from callers.services import flags as services
from dmts.forms import ActionForm
from dmts.models import FollowUp
from dmts.services import follow_up_add
from opcc_calls.concurrency import StaleEdit
from opcc_calls.documents import (
    DOCX,
    PDF,
    LetterParts,
    PackParts,
    docx_bytes,
    pack_pdf,
    pdf_bytes,
)
from opcc_calls.exports import csv_response, filename, when, xlsx_response
from opcc_calls.forms import RECORD_ID
from opcc_calls.history import record_changes
from opcc_calls.pagination import Window, page_number, window
from opcc_calls.permissions import requires

PER_PAGE = 25
STALE = "Someone else changed this flag at the same moment: check it and try again."


@requires("callers.view_flag")
@require_GET
def candidates(request: HttpRequest) -> HttpResponse:
    """Callers a rule has fired for who are not yet flagged: the SMT meeting's list, which
    can be narrowed and sorted."""
    form = CandidateFilterForm(request.GET or None)
    choice = form.choice() if form.is_valid() else selectors.CandidateFilter()
    if choice.is_plain:
        page = selectors.candidate_page(request.GET.get("page"), per_page=PER_PAGE)
    else:
        page = selectors.candidate_page_filtered(choice, request.GET.get("page"), per_page=PER_PAGE)
    found = selectors.candidates(page.items)
    legend = selectors.reason_legend([candidate.reasons for candidate in found])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "callers/flags/candidates.html",
        {
            "page": page,
            "candidates": [
                (candidate, [legend[reason] for reason in candidate.reasons]) for candidate in found
            ],
            "legend": legend,
            "form": form,
            "query": f"{query.urlencode()}&" if query else "",
        },
    )


@requires("callers.flag_caller")
@require_http_methods(["GET", "POST"])
def flag_new(request: HttpRequest, pk: int) -> HttpResponse:
    caller = get_object_or_404(Caller, pk=pk)
    [candidate] = selectors.candidates([caller.pk]) or [None]
    form = FlagForm(
        request.POST or None,
        initial={
            "kind": candidate.suggested_kind if candidate and candidate.kinds else None,
            "reason": "; ".join(candidate.reasons) if candidate else "",
            "adjustments_note": caller.reasonable_adjustments,
        },
    )
    if form.is_valid():
        try:
            flag = services.flag_create(caller=caller, flagged_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{caller.full_name} is flagged as a {flag.get_kind_display().lower()}."
            )
            return redirect(flag)
    return render(
        request,
        "callers/flags/flag_form.html",
        {"caller": caller, "candidate": candidate, "form": form},
    )


@requires("callers.view_flag")
@require_GET
def flag_detail(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_object_or_404(
        Flag.objects.select_related(
            "caller", "meeting", "flagged_by", "ended_by", "single_point_of_contact"
        ),
        pk=pk,
    )
    return render(
        request,
        "callers/flags/flag_detail.html",
        {
            "flag": flag,
            "reviews": flag.reviews.select_related("reviewed_by", "meeting"),
            "changes": record_changes(
                flag.history.all(),
                Flag,
                limit=50,
                what={"+": "Flagged", "~": "Flag changed", "-": "Flag deleted"},
            ),
            "counts": selectors.counts_for([flag.caller_id])[flag.caller_id],
            "letters": flag.letters.select_related("written_by", "sent_by"),
            "appeals": flag.appeals.select_related("recorded_by", "decided_by"),
        },
    )


FLAG_ACTIONS = {
    "renew": (FlagRenewForm, services.flag_renew, "reviewed_by", "Flag renewed."),
    "response": (
        FlagResponseForm,
        services.flag_change_response,
        "changed_by",
        "Agreed response changed.",
    ),
    "arrangements": (
        FlagArrangementsForm,
        services.flag_change_arrangements,
        "changed_by",
        "Contact arrangements changed.",
    ),
    "end": (FlagEndForm, services.flag_end, "ended_by", "Flag ended."),
}
#: What each form starts with from the flag (never its reason: that field asks why it changes).
FLAG_FIELDS_SHOWN = (
    "agreed_response",
    "single_point_of_contact",
    "contact_times",
    "written_contact_only",
)


@requires("callers.flag_caller")
@require_http_methods(["GET", "POST"])
def flag_change(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Renew a flag at review, change its agreed response, or end it."""
    flag = get_object_or_404(Flag.objects.active().select_related("caller"), pk=pk)
    form_class, service, actor, done = FLAG_ACTIONS[action]
    form = form_class(
        request.POST or None,
        initial={"version": flag.version, **{f: getattr(flag, f) for f in FLAG_FIELDS_SHOWN}},
    )
    if form.is_valid():
        try:
            service(flag=flag, **{actor: request.user}, **form.cleaned_data)
        except StaleEdit:
            messages.error(request, form.stale_message)
        except ValidationError as error:
            form.add_error(None, error)
            return render(
                request,
                "callers/flags/flag_change.html",
                {"flag": flag, "form": form, "action": action},
            )
        else:
            messages.success(request, done)
        return redirect(flag)
    return render(
        request, "callers/flags/flag_change.html", {"flag": flag, "form": form, "action": action}
    )


def _frequent_calls_log_flags(request: HttpRequest):
    state = request.GET.get("state", "active")
    flags = Flag.objects.select_related("caller__activity").order_by("review_date", "pk")
    flags = {
        "overdue": flags.overdue(),
        "ended": flags.filter(ended_at__isnull=False),
        "all": flags,
    }.get(state, flags.active())
    if request.GET.get("kind") in Flag.Kind.values:
        flags = flags.filter(kind=request.GET["kind"])
    return flags, state


@requires("callers.view_flag")
@require_GET
def frequent_calls_log(request: HttpRequest) -> HttpResponse:
    """The register the Compliance Officer keeps (5.8h)."""
    flags, state = _frequent_calls_log_flags(request)
    page = window(flags, request.GET.get("page"), per_page=PER_PAGE)
    query = f"state={state}&kind={request.GET.get('kind', '')}&"
    return render(
        request,
        "callers/flags/frequent_calls_log.html",
        {
            "rows": selectors.flags_with_activity(page.items),
            "page": page,
            "state": state,
            "kind": request.GET.get("kind", ""),
            "query": query,
            "kinds": Flag.Kind.choices,
        },
    )


LOG_COLUMNS = [
    "Caller",
    "Kind",
    "Flagged since",
    "Rule or reason",
    "Agreed response",
    "Calls in 7 days",
    "Calls in 30 days",
    "Calls in 90 days",
    "Last contact",
    "Review date",
    "Overdue",
    "Ended",
]


@requires("callers.view_flag")
@require_GET
def frequent_calls_log_export(request: HttpRequest, kind: str) -> HttpResponse:
    flags, _ = _frequent_calls_log_flags(request)
    flags = list(flags)
    rows = (
        [
            flag.caller.full_name,
            flag.get_kind_display(),
            when(flag.flagged_at),
            flag.reason,
            flag.agreed_response,
            counts["calls_7d"],
            counts["calls_30d"],
            counts["calls_90d"],
            when(flag.caller.last_contact),
            flag.review_date.isoformat(),
            "Yes" if flag.is_overdue else "No",
            when(flag.ended_at),
        ]
        for flag, counts in selectors.flags_with_activity(flags)
    )
    stem = "frequent-calls-log"
    if kind == "csv":
        return csv_response(stem, LOG_COLUMNS, rows)
    return xlsx_response(stem, "Frequent calls log", LOG_COLUMNS, rows)


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
        "callers/flags/meetings.html",
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
        "appeals": selectors.appeals_waiting() if meeting.kind == Meeting.Kind.SILVER else [],
        "undecided": totals["undecided"],
    }
    if request.user.has_perm("callers.view_concern"):  # staff-only, in the manager's pack
        context["concerns"] = open_concerns_for([row.item.caller_id for row in page.items])
    return render(request, "callers/flags/meeting.html", context, status=status)


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
            form.add_error(None, error if isinstance(error, ValidationError) else STALE)
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


@requires("dmts.add_followup")
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


#: Ended flags stay on the dashboard this long, with the weeks after their end.
EFFECT_ENDED_WITHIN = timedelta(weeks=26)


@requires("callers.view_flag")
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Seeing the effect: calls per week by type, the share from flagged callers, and each
    flagged caller's calls per week before and since their flag."""
    figures = selectors.dashboard_figures()
    if figures is None or figures.is_stale:
        services.dashboard_figures_request()  # worked out in the background, shown next time
    recent = Q(ended_at__isnull=True) | Q(ended_at__gte=timezone.now() - EFFECT_ENDED_WITHIN)
    flags = list(Flag.objects.filter(recent).select_related("caller").order_by("-flagged_at")[:50])
    effects = selectors.before_and_after(flags)
    context = {"figures": figures, "effects": [effects[flag.pk] for flag in flags]}
    if figures:
        context |= {
            "weekly": charts.stacked_weeks(figures.weeks, figures.series),
            "flagged": figures.flagged,
            "total": figures.total,
            "share": round(100 * figures.flagged / figures.total) if figures.total else 0,
        }
    return render(request, "callers/flags/dashboard.html", context)


@requires("callers.view_rule")
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    """The rules that make a caller a candidate; managers change them."""
    can_change = request.user.has_perm("callers.change_rule")
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    formset = RuleFormSet(request.POST or None, queryset=Rule.objects.all())
    if request.method == "POST" and formset.is_valid():
        services.rules_save(rules=formset.save(commit=False), changed_by=request.user)
        messages.success(
            request,
            "Rules saved. Every caller's candidates are being worked out again in the "
            "background: this page says when that is done.",
        )
        return redirect("callers:rules")
    return render(
        request,
        "callers/flags/rules.html",
        {
            "formset": formset,
            "can_change": can_change,
            "rules": Rule.objects.all(),
            "refresh": MatchesRefresh.objects.select_related("requested_by").first(),
        },
    )


@requires("callers.write_letter")
@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Write the notice to the caller of their contact arrangements, from the office's
    template: a preview of what it will say, then the letter to download and send."""
    flag = get_object_or_404(
        Flag.objects.active().select_related("caller", "single_point_of_contact"), pk=pk
    )
    posted = request.POST if request.method == "POST" else None
    form = NoticeForm(posted, initial={"reason": flag.reason})
    if form.is_valid():
        try:
            letter = services.letter_write(
                flag=flag,
                written_by=request.user,
                kind=Letter.Kind.NOTICE,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Notice written: download it, send it, then record it sent.")
            return redirect(letter)
    return render(
        request,
        "callers/flags/notice_form.html",
        {
            "flag": flag,
            "form": form,
            "template": template_for(Letter.Kind.NOTICE),
            "arrangements": arrangements_text(flag),
        },
    )


LETTER_CHANGES = {"+": "Letter written", "~": "Letter changed", "-": "Letter deleted"}


def _letter(pk: int) -> Letter:
    return get_object_or_404(
        Letter.objects.select_related("flag__caller", "written_by", "sent_by", "appeal"), pk=pk
    )


@requires("callers.view_letter")
@require_GET
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter(pk)
    return render(
        request,
        "callers/flags/letter.html",
        {
            "letter": letter,
            "form": LetterSentForm(initial={"version": letter.version}),
            "changes": record_changes(letter.history.all(), Letter, limit=20, what=LETTER_CHANGES),
        },
    )


@requires("callers.write_letter")
@require_POST
def letter_sent(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that the letter went to the caller: when, how, and by whom."""
    letter = _letter(pk)
    form = LetterSentForm(request.POST)
    if form.is_valid():
        try:
            services.letter_sent(letter=letter, sent_by=request.user, **form.cleaned_data)
        except StaleEdit:
            messages.error(request, form.stale_message)
            return redirect(letter)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Recorded as sent.")
            return redirect(letter.flag)
    return render(
        request,
        "callers/flags/letter.html",
        {
            "letter": letter,
            "form": form,
            "changes": record_changes(letter.history.all(), Letter, limit=20, what=LETTER_CHANGES),
        },
        status=400,
    )


@requires("callers.view_letter")
@require_GET
def letter_document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The letter as a Word document the office can still edit, or as a PDF."""
    letter = _letter(pk)
    caller = letter.flag.caller
    parts = LetterParts(
        letterhead=letter.letterhead,
        recipient=[caller.full_name, *caller.postal_address.splitlines()],
        dated=timezone.localdate(letter.written_at),
        subject=letter.subject,
        paragraphs=letter.paragraphs,
    )
    content, content_type = (docx_bytes(parts), DOCX) if kind == "docx" else (pdf_bytes(parts), PDF)
    response = HttpResponse(content, content_type=content_type)
    name = filename(f"letter-{letter.pk}", kind, letter.written_at)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires("callers.change_lettertemplate")
@require_GET
def letter_templates(request: HttpRequest) -> HttpResponse:
    """The office's wording for each letter to a flagged caller."""
    return render(
        request,
        "callers/flags/letter_templates.html",
        {"templates": templates(), "placeholders": LetterTemplate.PLACEHOLDERS},
    )


@requires("callers.change_lettertemplate")
@require_http_methods(["GET", "POST"])
def letter_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in LetterTemplate.Kind.values:
        raise Http404
    template = template_for(kind)
    form = LetterTemplateForm(
        request.POST or None,
        initial={
            "version": template.version,
            "letterhead": template.letterhead,
            "subject": template.subject,
            "body": template.body,
        },
    )
    if form.is_valid():
        try:
            services.letter_template_save(kind=kind, changed_by=request.user, **form.cleaned_data)
        except StaleEdit:
            messages.error(request, form.stale_message)
            return redirect("callers:letter_template", kind=kind)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Wording saved: {template.get_kind_display()}.")
            return redirect("callers:letter_templates")
    return render(
        request,
        "callers/flags/letter_template.html",
        {
            "template": template,
            "form": form,
            "placeholders": LetterTemplate.PLACEHOLDERS,
            "changes": record_changes(
                template.history.all(),
                LetterTemplate,
                limit=20,
                what={"+": "Wording saved", "~": "Wording changed", "-": "Wording deleted"},
            )
            if template.pk
            else [],
        },
    )


@requires("callers.add_appeal")
@require_http_methods(["GET", "POST"])
def appeal_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a caller's appeal against their contact arrangements."""
    flag = get_object_or_404(Flag.objects.active().select_related("caller"), pk=pk)
    form = AppealForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            appeal = services.appeal_record(
                flag=flag, recorded_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Appeal recorded: a manager who did not make the flag will decide it."
            )
            return redirect(appeal)
    return render(request, "callers/flags/appeal_form.html", {"flag": flag, "form": form})


def _appeal_page(request: HttpRequest, appeal: Appeal, form=None, status: int = 200):
    may_decide = services.may_decide(appeal, request.user)
    if form is None and may_decide and appeal.is_waiting:
        flag = appeal.flag
        form = AppealDecisionForm(
            initial={
                "version": appeal.version,
                "single_point_of_contact": flag.single_point_of_contact_id,
                "contact_times": flag.contact_times,
                "written_contact_only": flag.written_contact_only,
            }
        )
    return render(
        request,
        "callers/flags/appeal.html",
        {
            "appeal": appeal,
            "form": form,
            "may_decide": may_decide,
            "letters": appeal.letters.all(),
            "changes": record_changes(
                appeal.history.all(),
                Appeal,
                limit=20,
                what={"+": "Appeal recorded", "~": "Appeal changed", "-": "Appeal deleted"},
            ),
        },
        status=status,
    )


def _appeal(pk: int) -> Appeal:
    return get_object_or_404(
        Appeal.objects.select_related(
            "flag__caller",
            "flag__flagged_by",
            "flag__single_point_of_contact",
            "recorded_by",
            "decided_by",
        ),
        pk=pk,
    )


@requires("callers.view_appeal")
@require_GET
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _appeal_page(request, _appeal(pk))


@requires("callers.decide_appeal")
@require_POST
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Decide an appeal: only a manager who did not make the flag may."""
    appeal = _appeal(pk)
    if not services.may_decide(appeal, request.user):
        raise PermissionDenied("You made this flag: another manager must decide the appeal.")
    form = AppealDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_decide(appeal=appeal, decided_by=request.user, **form.cleaned_data)
        except StaleEdit:
            messages.error(request, form.stale_message)
            return redirect(appeal)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Appeal decided. The letter of outcome is written: download and send it."
            )
            return redirect(appeal)
    return _appeal_page(request, appeal, form, status=400)


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
