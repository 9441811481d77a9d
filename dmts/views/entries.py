"""Pages of the DMTS call log (policy 5.5, 5.8g): the log, filtered and searched, the review
queue, an entry with its history, and reviewing, correcting and voiding it."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from callers.models import Call
from dmts.forms.complaints import ComplaintReferenceForm
from dmts.forms.entries import (
    BulkReviewForm,
    CallLogFilter,
    CorrectionForm,
    ReviewForm,
    VoidForm,
    filters_load,
    filters_save,
)
from dmts.forms.exports import ExportForm
from dmts.models import CallLogExport, DmtsEntry
from dmts.selectors.entries import entry_changes, next_awaiting_review
from dmts.services import entries as services
from opcc_calls.pagination import window
from opcc_calls.permissions import requires


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
        "dmts/entries/call_log.html",
        {
            "filter": filterset,
            # One form per format, each with its own token: a double click asks once.
            "export_forms": [
                ExportForm(
                    initial={"format": value, "filter": key, "submission_token": uuid.uuid4()},
                    auto_id=False,  # all hidden, several on the page: no ids to repeat
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


@requires("dmts.review_dmtsentry")
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The Compliance Officer's review queue: oldest first (5.8g)."""
    waiting = DmtsEntry.objects.awaiting_review().for_list().order_by("created_at", "pk")
    return render(
        request,
        "dmts/entries/queue.html",
        {
            "page": window(waiting, request.GET.get("page")),
            "waiting": waiting.count(),
        },
    )


@requires("dmts.review_dmtsentry")
@require_POST
def review_selected(request: HttpRequest) -> HttpResponse:
    """Mark the routine entries ticked in the queue reviewed, each with its own history row;
    any changed meanwhile (or not routine) stay in the queue, and the page says so."""
    form = BulkReviewForm(request.POST)
    if not form.is_valid():
        for error in form.non_field_errors():
            messages.error(request, error)
        return redirect("dmts:queue")
    done = services.entries_review(chosen=form.chosen, by=request.user)
    if done.reviewed:
        n = len(done.reviewed)
        messages.success(request, f"{n} entr{'y' if n == 1 else 'ies'} marked reviewed.")
    if done.stale:
        messages.warning(
            request,
            f"{len(done.stale)} changed since you opened the queue (someone reviewed or "
            "corrected them): they are left as they were. Check them below.",
        )
    if done.not_routine:
        messages.warning(
            request,
            f"{len(done.not_routine)} need a look one at a time (a complaint or an abusive "
            "call): open each from the queue.",
        )
    return redirect("dmts:queue")


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
        "dmts/entries/entry.html",
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
    if form.is_valid():
        if form.run(request, services.entry_review, entry=entry, by=request.user):
            messages.success(request, f"{entry.reference} saved.")
            return redirect(next_awaiting_review(after=entry) or "dmts:queue")
        if form.stale:
            return redirect(entry)
    return _entry_page(request, entry, form)


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
        if form.run(request, services.call_correct, entry=entry, by=request.user):
            messages.success(request, _("Correction saved, with its reason, in the history."))
            return redirect(entry)
        if form.stale:
            return redirect(entry)
    return render(request, "dmts/entries/correct.html", {"entry": entry, "form": form})


@requires("dmts.review_dmtsentry")
@require_http_methods(["GET", "POST"])
def void(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    form = VoidForm(request.POST or None, initial={"version": entry.version})
    if form.is_valid():
        if form.run(request, services.entry_void, entry=entry, by=request.user):
            messages.success(request, f"{entry.reference} is marked as logged in error.")
            return redirect(entry)
        if form.stale:
            return redirect(entry)
    return render(request, "dmts/entries/void.html", {"entry": entry, "form": form})
