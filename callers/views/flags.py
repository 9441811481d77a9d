"""Pages for flags (policy 5.6, 5.8h): flagging a caller, a flag and its changes, the
frequent calls log the Compliance Officer keeps, and importing the office's spreadsheet."""

import base64

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from callers.forms.flags import (
    FlagArrangementsForm,
    FlagEndForm,
    FlagForm,
    FlagRenewForm,
    FlagResponseForm,
    ImportForm,
)
from callers.models import (
    Caller,
    Flag,
)
from callers.selectors import flags as selectors
from callers.selectors.calls import counts_for
from callers.selectors.rules import candidates
from callers.services import flags as services
from opcc_calls.exports import csv_response, when, xlsx_response
from opcc_calls.history import record_changes
from opcc_calls.pagination import PER_PAGE, window
from opcc_calls.permissions import requires

STALE_FLAG = _("Someone else changed this flag at the same moment: check it and try again.")


@requires("callers.flag_caller")
@require_http_methods(["GET", "POST"])
def flag_new(request: HttpRequest, pk: int) -> HttpResponse:
    caller = get_object_or_404(Caller, pk=pk)
    [candidate] = candidates([caller.pk]) or [None]
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
            flag = services.flag_create(caller=caller, by=request.user, **form.cleaned_data)
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
                what={"+": _("Flagged"), "~": _("Flag changed"), "-": _("Flag deleted")},
            ),
            "counts": counts_for([flag.caller_id])[flag.caller_id],
            "letters": flag.letters.select_related("written_by", "sent_by"),
            "appeals": flag.appeals.select_related("recorded_by", "decided_by"),
        },
    )


FLAG_ACTIONS = {
    "renew": (FlagRenewForm, services.flag_renew, _("Flag renewed.")),
    "response": (FlagResponseForm, services.flag_change_response, _("Agreed response changed.")),
    "arrangements": (
        FlagArrangementsForm,
        services.flag_change_arrangements,
        _("Contact arrangements changed."),
    ),
    "end": (FlagEndForm, services.flag_end, _("Flag ended.")),
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
    form_class, service, done = FLAG_ACTIONS[action]
    form = form_class(
        request.POST or None,
        initial={"version": flag.version, **{f: getattr(flag, f) for f in FLAG_FIELDS_SHOWN}},
    )
    if form.is_valid():
        if form.run(request, service, flag=flag, by=request.user):
            messages.success(request, done)
            return redirect(flag)
        if form.stale:
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
    flags, _query = _frequent_calls_log_flags(request)
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


IMPORT_SESSION_KEY = "frequent_calls_import"


@requires("callers.import_flags")
@require_http_methods(["GET", "POST"])
def import_flags(request: HttpRequest) -> HttpResponse:
    """Check the spreadsheet first (nothing saved); then import all of it or nothing."""
    form = ImportForm(request.POST or None, request.FILES or None)
    results, error = None, None
    try:
        if request.POST.get("confirm") and IMPORT_SESSION_KEY in request.session:
            content = base64.b64decode(request.session.pop(IMPORT_SESSION_KEY))
            imported = services.flags_import(selectors.import_rows(content), by=request.user)
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
        "callers/flags/import.html",
        {
            "form": form,
            "results": results,
            "error": error,
            "can_import": results is not None and all(r.action != "reject" for r in results),
        },
    )
