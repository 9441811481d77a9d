"""Pages for concerns, safeguarding referrals, duplicate callers, legal hold, subject access
and importing the frequent calls spreadsheet (policy 5.3b, 5.8i, 5.8j)."""

import base64

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from callers import importing, subject_access
from callers.models import Caller, Concern, Referral
from callers.safeguarding_forms import (
    ConcernDecisionForm,
    ConcernForm,
    ImportForm,
    LegalHoldForm,
    MergeForm,
    ReferralForm,
    ReferralOutcomeForm,
)
from callers.services import merging, safeguarding
from opcc_calls.history import record_changes
from opcc_calls.pagination import window
from opcc_calls.permissions import requires

IMPORT_SESSION_KEY = "frequent_calls_import"


@requires("callers.add_concern")
@require_http_methods(["GET", "POST"])
def concern_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Any handler raises a concern about a caller with their manager (5.8i, 5.8j)."""
    caller = get_object_or_404(Caller.objects.current(), pk=pk)
    form = ConcernForm(request.POST or None)
    if form.is_valid():
        safeguarding.concern_raise(caller=caller, raised_by=request.user, **form.cleaned_data)
        messages.success(request, "Your concern has been passed to the managers. Thank you.")
        return redirect(caller)
    return render(
        request, "callers/safeguarding/concern_form.html", {"caller": caller, "form": form}
    )


@requires("callers.view_concern")
@require_GET
def concerns(request: HttpRequest) -> HttpResponse:
    """Managers' queue: open concerns oldest first, then those closed most recently."""
    state = "closed" if request.GET.get("state") == "closed" else "open"
    queryset = Concern.objects.select_related("caller", "raised_by")
    queryset = (
        queryset.filter(closed_at__isnull=True).order_by("raised_at", "pk")
        if state == "open"
        else queryset.filter(closed_at__isnull=False).order_by("-closed_at", "-pk")
    )
    return render(
        request,
        "callers/safeguarding/concerns.html",
        {
            "page": window(queryset, request.GET.get("page"), per_page=25),
            "state": state,
            "query": f"state={state}&",
        },
    )


@requires("callers.view_concern")
@require_http_methods(["GET", "POST"])
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = get_object_or_404(
        Concern.objects.select_related("caller", "raised_by", "decided_by", "call"), pk=pk
    )
    form = ConcernDecisionForm(
        request.POST or None, initial={"decision": concern.decision, "handling": concern.handling}
    )
    if request.method == "POST":
        if not request.user.has_perm("callers.change_concern"):
            raise PermissionDenied
        if form.is_valid():
            safeguarding.concern_decide(
                concern=concern, decided_by=request.user, **form.cleaned_data
            )
            messages.success(request, "Decision recorded.")
            return redirect(concern)
    else:
        safeguarding.sensitive_access_log(
            user=request.user, caller_id=concern.caller_id, what=f"concern #{concern.pk}"
        )
    return render(
        request,
        "callers/safeguarding/concern.html",
        {
            "concern": concern,
            "form": form,
            "referrals": concern.referrals.all(),
            "changes": record_changes(
                concern.history.all(),
                Concern,
                limit=30,
                what={"+": "Raised", "~": "Updated", "-": "Deleted"},
            ),
        },
    )


@requires("callers.add_referral")
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, pk: int) -> HttpResponse:
    caller = get_object_or_404(Caller.objects.current(), pk=pk)
    form = ReferralForm(
        request.POST or None, caller=caller, initial={"concern": request.GET.get("concern")}
    )
    if form.is_valid():
        try:
            referral = safeguarding.referral_record(
                caller=caller, made_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Safeguarding referral recorded.")
            return redirect(referral)
    return render(
        request, "callers/safeguarding/referral_form.html", {"caller": caller, "form": form}
    )


@requires("callers.view_referral")
@require_http_methods(["GET", "POST"])
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(
        Referral.objects.select_related("caller", "made_by", "concern"), pk=pk
    )
    form = ReferralOutcomeForm(
        request.POST or None,
        initial={"outcome": referral.outcome, "their_reference": referral.their_reference},
    )
    if request.method == "POST":
        if not request.user.has_perm("callers.change_referral"):
            raise PermissionDenied
        if form.is_valid():
            safeguarding.referral_outcome(
                referral=referral, changed_by=request.user, **form.cleaned_data
            )
            messages.success(request, "Referral updated.")
            return redirect(referral)
    else:
        safeguarding.sensitive_access_log(
            user=request.user, caller_id=referral.caller_id, what=f"referral #{referral.pk}"
        )
    return render(
        request,
        "callers/safeguarding/referral.html",
        {
            "referral": referral,
            "form": form,
            "changes": record_changes(
                referral.history.all(),
                Referral,
                limit=30,
                what={"+": "Recorded", "~": "Updated", "-": "Deleted"},
            ),
        },
    )


@requires("callers.add_call")
@require_POST
def risk_check(request: HttpRequest) -> HttpResponse:
    """htmx: what to do now if what the handler types suggests an immediate risk to life."""
    text = " ".join(request.POST.get(name, "") for name in ("about", "outcome"))
    return render(
        request,
        "callers/safeguarding/risk_warning.html",
        {"risk_words": safeguarding.risk_words_in(text)},
    )


@requires("callers.merge_caller")
@require_GET
def duplicates(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "callers/safeguarding/duplicates.html",
        {"suggestions": merging.duplicate_suggestions()},
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
            merging.callers_merge(
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
        "callers/safeguarding/merge.html",
        {"form": form, "first": callers[first], "second": callers[second]},
    )


@requires("callers.apply_legal_hold")
@require_POST
def legal_hold(request: HttpRequest, pk: int) -> HttpResponse:
    caller = get_object_or_404(Caller, pk=pk)
    form = LegalHoldForm(request.POST)
    if form.is_valid():
        safeguarding.legal_hold_set(
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
    safeguarding.sensitive_access_log(
        user=request.user, caller_id=caller.pk, what="subject access export"
    )
    return render(
        request,
        "callers/safeguarding/subject_access.html",
        {
            "record": subject_access.subject_access(caller),
            "merges": subject_access.merges_for(caller),
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
            imported = importing.run(importing.read(content), imported_by=request.user)
            messages.success(request, f"Imported {len(imported)} flagged callers.")
            return redirect("callers:frequent_log")
        if form.is_valid():
            content = form.cleaned_data["spreadsheet"].read(importing.MAX_BYTES + 1)
            results = importing.check(importing.read(content))
            request.session[IMPORT_SESSION_KEY] = base64.b64encode(content).decode()
    except ValidationError as problem:
        error = " ".join(problem.messages)
    return render(
        request,
        "callers/safeguarding/import.html",
        {
            "form": form,
            "results": results,
            "error": error,
            "can_import": results is not None and all(r.action != "reject" for r in results),
        },
    )
