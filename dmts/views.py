import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from callers.models import Call
from dmts import reports, services
from dmts.filters import CallLogFilter, filters_load, filters_save
from dmts.forms import (
    ComplaintReferenceForm,
    CorrectionForm,
    ExportForm,
    FollowUpAssignForm,
    FollowUpDoneForm,
    ReportForm,
    ReviewForm,
    VoidForm,
)
from dmts.models import CallLogExport, DmtsEntry, FollowUp
from dmts.selectors import entry_changes, exports_of, follow_up_changes, next_awaiting_review
from opcc_calls.concurrency import StaleEdit
from opcc_calls.documents import PDF, figures_pdf
from opcc_calls.exports import XLSX, xlsx_response
from opcc_calls.pagination import window
from opcc_calls.permissions import SIGNED_IN, requires


def _entry(request: HttpRequest, pk: int) -> DmtsEntry:
    """An entry this person may open (the one rule: entries_visible_to), or 404."""
    return get_object_or_404(
        DmtsEntry.objects.visible_to(request.user)
        .for_list()
        .select_related("call__contact_request__requested"),
        pk=pk,
    )


def _filtered(request: HttpRequest) -> tuple[CallLogFilter, str]:
    key = request.GET.get("filter", "")
    entries = DmtsEntry.objects.visible_to(request.user).for_list()
    return CallLogFilter(filters_load(request.session, key) or None, queryset=entries), key


@requires("dmts.view_dmtsentry")
@require_http_methods(["GET", "POST"])
def call_log(request: HttpRequest) -> HttpResponse:
    """Every DMTS entry the user may see, newest first, filtered and paged (5.5)."""
    if request.method == "POST":
        return redirect(
            f"{reverse('dmts:log')}?filter={filters_save(request.session, request.POST)}"
        )
    filterset, key = _filtered(request)
    queryset = filterset.qs.order_by("-call__received_at", "-pk")
    return render(
        request,
        "dmts/call_log.html",
        {
            "filter": filterset,
            # One form per format, each with its own token: a double click asks once.
            "export_forms": [
                ExportForm(
                    initial={"format": value, "filter": key, "submission_token": uuid.uuid4()}
                )
                for value in CallLogExport.Format.values
            ]
            if request.user.has_perm("dmts.export_dmtsentry")
            else [],
            "page": window(queryset, request.GET.get("page")),
            "query": f"filter={key}&" if key else "",
            "filter_key": key,
        },
    )


@requires("dmts.export_dmtsentry")
@require_POST
def export_new(request: HttpRequest) -> HttpResponse:
    """Ask for exactly the rows the call log's filters select, as CSV or an Excel workbook:
    the background worker writes the file and its page says when it is ready."""
    form = ExportForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "The export could not be asked for: reload the call log and try again."
        )
        return redirect("dmts:log")
    export = services.export_request(
        requested_by=request.user,
        format=form.cleaned_data["format"],
        filters=filters_load(request.session, form.cleaned_data["filter"]),
        submission_token=form.cleaned_data["submission_token"],
    )
    return redirect(export)


def _own_export(request: HttpRequest, pk: int, **conditions) -> CallLogExport:
    """One of this person's own exports, or 404: nobody else may see or download it."""
    return get_object_or_404(CallLogExport, pk=pk, requested_by=request.user, **conditions)


@requires("dmts.export_dmtsentry")
@require_GET
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Where an export has got to; htmx asks again every few seconds until it is done."""
    export = _own_export(request, pk)
    if request.htmx:
        return render(request, "dmts/includes/export_status.html", {"export": export})
    return render(
        request,
        "dmts/export.html",
        {"export": export, "others": exports_of(request.user, excluding=export)},
    )


@requires("dmts.export_dmtsentry")
@require_GET
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    export = _own_export(request, pk, status=CallLogExport.Status.READY)
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.file.name.rsplit("/", 1)[-1],
        content_type=XLSX
        if export.format == CallLogExport.Format.XLSX
        else "text/csv; charset=utf-8",
    )


@requires("dmts.review_dmtsentry")
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The Compliance Officer's review queue: oldest first (5.8g)."""
    waiting = DmtsEntry.objects.awaiting_review().for_list().order_by("created_at", "pk")
    return render(
        request,
        "dmts/queue.html",
        {
            "page": window(waiting, request.GET.get("page")),
            "waiting": waiting.count(),
        },
    )


def _entry_page(
    request: HttpRequest,
    entry: DmtsEntry,
    review_form: ReviewForm | None,
    complaint_form: ComplaintReferenceForm | None = None,
) -> HttpResponse:
    if (
        complaint_form is None
        and entry.call.call_type == Call.Type.COMPLAINT
        and request.user.has_perm("dmts.review_dmtsentry")
    ):
        complaint_form = ComplaintReferenceForm.for_entry(entry)
    return render(
        request,
        "dmts/entry.html",
        {
            "entry": entry,
            "call": entry.call,
            "changes": entry_changes(entry),
            "can_correct": entry.can_be_corrected_by(request.user),
            "review_form": review_form,
            "complaint_form": complaint_form,
            "complaints_email": settings.COMPLAINTS_EMAIL,
        },
    )


@requires("dmts.view_dmtsentry")
@require_GET
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    reviewing = request.user.has_perm("dmts.review_dmtsentry") and not entry.voided
    return _entry_page(request, entry, ReviewForm.for_entry(entry) if reviewing else None)


@requires("dmts.review_dmtsentry")
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the review and go straight to the next entry waiting, oldest first."""
    entry = _entry(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _entry_page(request, entry, form)
    try:
        services.entry_review(entry=entry, reviewer=request.user, **form.cleaned_data)
    except StaleEdit:
        messages.error(request, form.stale_message)
        return redirect(entry)
    messages.success(request, f"{entry.reference} saved.")
    return redirect(next_awaiting_review(after=entry) or "dmts:queue")


@requires("dmts.review_dmtsentry")
@require_POST
def complaint_reference(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the complaints team's reference for a complaint handed to them (5.8c)."""
    entry = _entry(request, pk)
    form = ComplaintReferenceForm(request.POST)
    if not form.is_valid():
        return _entry_page(request, entry, None, complaint_form=form)
    try:
        services.complaint_reference_record(
            entry=entry, recorded_by=request.user, **form.cleaned_data
        )
    except StaleEdit:
        messages.error(request, form.stale_message)
    except ValidationError as error:
        form.add_error(None, error)
        return _entry_page(request, entry, None, complaint_form=form)
    else:
        messages.success(request, "The complaints team's reference is recorded.")
    return redirect(entry)


@requires("dmts.view_dmtsentry")
@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    if not entry.can_be_corrected_by(request.user):
        raise PermissionDenied
    form = CorrectionForm(
        request.POST or None, instance=entry.call, initial={"version": entry.version}
    )
    if form.is_valid():
        changes = {name: form.cleaned_data[name] for name in services.CORRECTABLE_FIELDS}
        try:
            services.call_correct(
                entry=entry,
                corrected_by=request.user,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
                **changes,
            )
        except StaleEdit:
            messages.error(request, form.stale_message)
        except ValidationError as error:
            form.add_error(None, error)
            return render(request, "dmts/correct.html", {"entry": entry, "form": form})
        else:
            messages.success(request, "Correction saved, with its reason, in the history.")
        return redirect(entry)
    return render(request, "dmts/correct.html", {"entry": entry, "form": form})


@requires("dmts.review_dmtsentry")
@require_http_methods(["GET", "POST"])
def void(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    form = VoidForm(request.POST or None, initial={"version": entry.version})
    if form.is_valid():
        try:
            services.entry_void(entry=entry, voided_by=request.user, **form.cleaned_data)
        except StaleEdit:
            messages.error(request, form.stale_message)
        else:
            messages.success(request, f"{entry.reference} is marked as logged in error.")
        return redirect(entry)
    return render(request, "dmts/void.html", {"entry": entry, "form": form})


FOLLOW_UP_VIEWS = {
    "open": ("Open", lambda qs, user: qs.open()),
    "mine": ("Mine", lambda qs, user: qs.open().filter(owner=user)),
    "unassigned": ("No owner yet", lambda qs, user: qs.open().filter(owner=None)),
    "overdue": ("Overdue", lambda qs, user: qs.overdue()),
    "done": ("Done", lambda qs, user: qs.filter(status=FollowUp.Status.DONE).order_by("-done_at")),
}


@requires("dmts.view_followup")
@require_GET
def follow_ups(request: HttpRequest) -> HttpResponse:
    """Everything the office must come back to, each with an owner, a due date and a status."""
    shown = request.GET.get("show", "open")
    if shown not in FOLLOW_UP_VIEWS:
        shown = "open"
    label, narrowed = FOLLOW_UP_VIEWS[shown]
    kind = request.GET.get("kind", "")
    queryset = narrowed(FollowUp.objects.for_list(), request.user)
    if kind in FollowUp.Kind.values:
        queryset = queryset.filter(kind=kind)
    page = window(queryset, request.GET.get("page"))
    return render(
        request,
        "dmts/follow_ups.html",
        {
            "page": page,
            "shown": shown,
            "views": [(key, name) for key, (name, _) in FOLLOW_UP_VIEWS.items()],
            "kind": kind,
            "kinds": FollowUp.Kind.choices,
            "query": f"show={shown}&kind={kind}&",
        },
    )


def _follow_up_page(request, follow_up, *, assign_form=None, done_form=None, status=200):
    return render(
        request,
        "dmts/follow_up.html",
        {
            "follow_up": follow_up,
            "may_manage": request.user.has_perm("dmts.change_followup"),
            "assign_form": assign_form
            or FollowUpAssignForm(
                initial={
                    "version": follow_up.version,
                    "owner": follow_up.owner_id,
                    "due_on": follow_up.due_on,
                }
            ),
            "done_form": done_form or FollowUpDoneForm(initial={"version": follow_up.version}),
            "changes": follow_up_changes(follow_up),
        },
        status=status,
    )


def _follow_up(request: HttpRequest, pk: int) -> FollowUp:
    """A follow-up its owner, or someone who keeps the queue, may open."""
    follow_up = get_object_or_404(
        FollowUp.objects.for_list().select_related("contact_request__call", "created_by"), pk=pk
    )
    if follow_up.owner_id != request.user.pk and not request.user.has_perm("dmts.view_followup"):
        raise PermissionDenied
    return follow_up


@requires(SIGNED_IN)
@require_GET
def follow_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One follow-up: for its owner (whatever their role) and those who keep the queue."""
    return _follow_up_page(request, _follow_up(request, pk))


@requires("dmts.change_followup")
@require_POST
def follow_up_assign(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _follow_up(request, pk)
    form = FollowUpAssignForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_assign(
                follow_up=follow_up, changed_by=request.user, **form.cleaned_data
            )
        except StaleEdit:
            messages.error(request, form.stale_message)
        except ValidationError as error:
            form.add_error(None, error)
            return _follow_up_page(request, follow_up, assign_form=form, status=400)
        else:
            messages.success(request, f"Given to {form.cleaned_data['owner']}.")
        return redirect(follow_up)
    return _follow_up_page(request, follow_up, assign_form=form, status=400)


@requires(SIGNED_IN)
@require_POST
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Its owner, or someone who keeps the queue, marks it done."""
    follow_up = _follow_up(request, pk)
    form = FollowUpDoneForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_done(follow_up=follow_up, done_by=request.user, **form.cleaned_data)
        except StaleEdit:
            messages.error(request, form.stale_message)
        except ValidationError as error:
            form.add_error(None, error)
            return _follow_up_page(request, follow_up, done_form=form, status=400)
        else:
            messages.success(request, "Marked done.")
        return redirect(follow_up)
    return _follow_up_page(request, follow_up, done_form=form, status=400)


REPORT_NOTE = (
    "Calls are counted as the dashboard counts them (voided entries left out). Calls from "
    "flagged callers are those made while the caller's flag was in force. Concerns and "
    "referrals are counted, never described. Follow-ups are those due in the period."
)


def _report_period(request: HttpRequest):
    """The period asked for (the last complete quarter by default), the form, and the report
    as last worked out (None before the first time, or for a period not understood)."""
    start, end = reports.last_quarters(1)[0]
    form = ReportForm(request.GET or None, initial={"start": start, "end": end})
    if request.GET:
        if not form.is_valid():
            return form, None, None
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, (start, end), reports.report_stored(start, end)


@requires("dmts.report_dmtsentry")
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    """The quarterly report (or any period up to a year), on the page, in Excel and as a PDF."""
    form, period, figures = _report_period(request)
    if period and (figures is None or reports.is_stale(figures)):
        services.report_request(start=period[0], end=period[1])
    return render(
        request,
        "dmts/report.html",
        {
            "form": form,
            "period": period,
            "report": figures,
            "stale": figures is not None and reports.is_stale(figures),
            "quarters": reports.last_quarters(4),
            "note": REPORT_NOTE,
            "query": request.GET.urlencode(),
        },
        status=200 if period else 400,
    )


@requires("dmts.report_dmtsentry")
@require_GET
def report_download(request: HttpRequest, kind: str) -> HttpResponse:
    form, period, figures = _report_period(request)
    if figures is None:
        return redirect(f"{reverse('dmts:report')}?{request.GET.urlencode()}")
    stem = f"frequent-callers-report-{figures.start:%Y-%m-%d}-to-{figures.end:%Y-%m-%d}"
    if kind == "xlsx":
        return xlsx_response(
            stem,
            "Report",
            ["Section", "Figure", "Value"],
            [(f.section, f.label, f.value) for f in figures.figures],
        )
    sections: dict[str, list[tuple[str, str]]] = {}
    for figure in figures.figures:
        sections.setdefault(figure.section, []).append((figure.label, str(figure.value)))
    response = HttpResponse(
        figures_pdf(figures.title, REPORT_NOTE, list(sections.items())), content_type=PDF
    )
    response["Content-Disposition"] = f'attachment; filename="{stem}.pdf"'
    return response
