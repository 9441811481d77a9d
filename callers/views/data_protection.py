"""Pages for data protection: duplicate callers and merging them, legal hold."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from callers.forms.data_protection import (
    LegalHoldForm,
    MergeForm,
    MergeWithForm,
    RetentionApplyForm,
)
from callers.models import Caller, RetentionRule, RetentionRun
from callers.selectors import data_protection as selectors
from callers.services import data_protection as services
from opcc_calls.pagination import window
from opcc_calls.permissions import requires


@requires("callers.merge_caller")
@require_GET
def duplicates(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "callers/data_protection/duplicates.html",
        {"suggestions": selectors.duplicate_suggestions()},
    )


@requires("callers.merge_caller")
@require_GET
def merge_with(request: HttpRequest, pk: int) -> HttpResponse:
    """From a caller's page to the comparison with the record whose reference is given."""
    caller = get_object_or_404(Caller.objects.current(), pk=pk)
    form = MergeWithForm(request.GET if "other" in request.GET else None, caller=caller)
    if form.is_valid():
        return redirect("callers:merge", caller.pk, form.cleaned_data["other"].pk)
    return render(
        request, "callers/data_protection/merge_with.html", {"caller": caller, "form": form}
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
            services.callers_merge(survivor=callers[keep], merged=callers[gone], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The two records are now one. The merge is in both records' history.")
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
            by=request.user,
            on_hold=form.cleaned_data["on_hold"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("Legal hold updated."))
    else:
        messages.error(request, _("Give the reason for changing the legal hold, for the record."))
    return redirect(caller)


@requires("callers.apply_retention")
@require_http_methods(["GET", "POST"])
def retention(request: HttpRequest) -> HttpResponse:
    """The retention schedule in the interface: what is due and why (kinds, counts and record
    numbers, no names), the callers on legal hold, the disposal log; applying it asks for
    confirmation and a reason, and the background worker carries it out."""
    form = RetentionApplyForm(request.POST or None)
    if form.is_valid():
        run = services.retention_run_request(by=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            _(
                "The schedule is being applied in the background: the disposal log below will "
                "show what it removed (run %(run)s)."
            )
            % {"run": run.pk},
        )
        return redirect("callers:retention")
    held = selectors.held_callers()
    return render(
        request,
        "callers/data_protection/retention.html",
        {
            "form": form,
            "rules": RetentionRule.objects.all(),
            "due": selectors.retention_due(),
            "held_count": held.count(),
            "holds": selectors.legal_holds(list(held[: selectors.HOLDS_SHOWN])),
            "log": window(selectors.disposals(), request.GET.get("page"), per_page=25),
            "waiting": RetentionRun.objects.filter(finished_at__isnull=True).first(),
        },
    )
