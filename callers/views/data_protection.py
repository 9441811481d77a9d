"""Pages for data protection: duplicate callers and merging them, legal hold, the subject
access export, and importing the frequent calls spreadsheet."""

import base64

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from callers.forms.data_protection import ImportForm, LegalHoldForm, MergeForm
from callers.models import Caller
from callers.selectors import data_protection as selectors
from callers.services import data_protection as services
from opcc_calls.permissions import requires

IMPORT_SESSION_KEY = "frequent_calls_import"


@requires("callers.merge_caller")
@require_GET
def duplicates(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "callers/data_protection/duplicates.html",
        {"suggestions": selectors.duplicate_suggestions()},
    )


@requires("callers.merge_caller")
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, first: int, second: int) -> HttpResponse:
    callers = Caller.objects.current().select_related("activity").in_bulk([first, second])
    if len(callers) != 2:
        raise Http404
    form = MergeForm(request.POST or None, first=callers[first], second=callers[second])
    if form.is_valid():
        keep = int(form.cleaned_data["keep"])
        gone = second if keep == first else first
        try:
            services.callers_merge(
                survivor=callers[keep], merged=callers[gone], merged_by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "The two records are now one. The merge is in both records' history."
            )
            return redirect(callers[keep])
    return render(
        request,
        "callers/data_protection/merge.html",
        {"form": form, "first": callers[first], "second": callers[second]},
    )


@requires("callers.apply_legal_hold")
@require_POST
def legal_hold(request: HttpRequest, pk: int) -> HttpResponse:
    caller = get_object_or_404(Caller, pk=pk)
    form = LegalHoldForm(request.POST)
    if form.is_valid():
        services.legal_hold_set(
            caller=caller,
            changed_by=request.user,
            on_hold=form.cleaned_data["on_hold"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "Legal hold updated.")
    else:
        messages.error(request, "Give the reason for changing the legal hold, for the record.")
    return redirect(caller)


@requires("callers.export_subject_access")
@require_GET
def subject_access_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held about one caller, as one document to print or save."""
    caller = get_object_or_404(Caller.objects.current(), pk=pk)
    services.sensitive_access_log(
        user=request.user, caller_ids=[caller.pk], what="subject access export"
    )
    return render(
        request,
        "callers/data_protection/subject_access.html",
        {
            "record": selectors.subject_access(caller),
            "merges": selectors.merges_for(caller),
        },
    )


@requires("callers.import_flags")
@require_http_methods(["GET", "POST"])
def import_flags(request: HttpRequest) -> HttpResponse:
    """Check the spreadsheet first (nothing saved); then import all of it or nothing."""
    form = ImportForm(request.POST or None, request.FILES or None)
    results, error = None, None
    try:
        if request.POST.get("confirm") and IMPORT_SESSION_KEY in request.session:
            content = base64.b64decode(request.session.pop(IMPORT_SESSION_KEY))
            imported = services.flags_import(
                selectors.import_rows(content), imported_by=request.user
            )
            messages.success(request, f"Imported {len(imported)} flagged callers.")
            return redirect("callers:frequent_log")
        if form.is_valid():
            content = form.cleaned_data["spreadsheet"].read(selectors.IMPORT_MAX_BYTES + 1)
            results = selectors.import_check(selectors.import_rows(content))
            request.session[IMPORT_SESSION_KEY] = base64.b64encode(content).decode()
    except ValidationError as problem:
        error = " ".join(problem.messages)
    return render(
        request,
        "callers/data_protection/import.html",
        {
            "form": form,
            "results": results,
            "error": error,
            "can_import": results is not None and all(r.action != "reject" for r in results),
        },
    )
