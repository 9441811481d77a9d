import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from callers.models import Call
from dmts import services
from dmts.filters import CallLogFilter, filters_load, filters_save
from dmts.forms import ComplaintReferenceForm, CorrectionForm, ExportForm, ReviewForm, VoidForm
from dmts.models import CallLogExport, DmtsEntry
from dmts.selectors import entry_changes, exports_of, next_awaiting_review
from opcc_calls.concurrency import StaleEdit
from opcc_calls.exports import XLSX
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


@requires(SIGNED_IN)
@require_GET
def moved(request: HttpRequest, rest: str) -> HttpResponse:
    """Where follow-ups and the quarterly report are now (the page there checks who may)."""
    query = request.META.get("QUERY_STRING", "")
    return redirect(
        reverse("callers:search") + rest + (f"?{query}" if query else ""), permanent=True
    )
