"""Pages for logging a call and knowing the caller: the log-a-call screen, callers, a caller's
page and edits, and the signed link for a request to speak to someone (policy 5.5, 5.7, 5.8)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from callers import charts
from callers.forms.calls import CallerFinderForm, CallerForm, CallerSearchForm, LogCallForm
from callers.models import Call, Caller, PhoneCall
from callers.selectors import calls as selectors
from callers.selectors.telephony import phone_call_for
from callers.services import calls as services
from callers.services.data_protection import sensitive_access_log
from callers.views.safeguarding import risk_prompt
from opcc_calls import phones
from opcc_calls.forms import RECORD_ID
from opcc_calls.middleware import wants_json
from opcc_calls.pagination import window
from opcc_calls.permissions import requires

CALLS_PER_PAGE = 25

HISTORY_SHOWN = 50


def _log_call_page(
    request: HttpRequest,
    form: LogCallForm,
    *,
    caller: Caller | None = None,
    matches: list | None = None,
    finder: CallerFinderForm | None = None,
    fresh: bool = False,
) -> HttpResponse:
    return render(
        request,
        "callers/calls/log_call.html",
        {
            "form": form,
            "caller": caller,
            "card": selectors.handling_card(caller) if caller else None,
            "matches": matches,
            "searched": matches is not None,
            "finder": finder,
            "suggested": _suggested(matches, finder),
            # A new call's empty form: its fields are rendered once a minute, not every time.
            "fresh": fresh,
            **risk_prompt(f"{form.data.get('about', '')} {form.data.get('outcome', '')}"),
        },
    )


def _caller(value: str) -> Caller | None:
    """The current caller a form field names, or None for anything else (never a 500: not for
    '²', which str.isdigit() accepts, nor for a number past what the database holds)."""
    return (
        Caller.objects.current().filter(pk=int(value)).first() if RECORD_ID.match(value) else None
    )


def _number(value: str | None) -> int | None:
    return int(value) if value and RECORD_ID.match(value) else None


def _from_phone_call(phone_call: PhoneCall) -> dict:
    """What a reported call puts in the log-a-call form: its number and itself."""
    shown = phones.as_national(phone_call.number) if phone_call.number else ""
    return {"phone": shown, "phone_call": phone_call.pk}


def _find(data) -> tuple[list | None, CallerFinderForm]:
    """The callers matching what was typed, or none when it is not a search a handler could
    have typed (too long, a NUL byte): the form says what is wrong."""
    finder = CallerFinderForm(data)
    return (selectors.find_callers(**finder.cleaned_data) if finder.is_valid() else []), finder


def _suggested(matches: list | None, finder: CallerFinderForm | None) -> int | None:
    """The one caller a whole phone number found: highlighted, so one key chooses them."""
    if not matches or len(matches) != 1 or finder is None or not finder.is_valid():
        return None
    return matches[0].pk if phones.normalise(finder.cleaned_data["phone"]) else None


@requires("callers.add_call")
@require_http_methods(["GET", "POST"])
def log_call(request: HttpRequest) -> HttpResponse:
    """Log a call. Without JavaScript, "Find caller" and "Choose" post the form back here and
    the page comes back with the matches or the handling card; htmx does the same in place."""
    if request.method == "GET":
        answered = phone_call_for(request.user, _number(request.GET.get("phone_call")))
        if answered is not None:  # opened from screen pop's notice on another page
            return _log_call_page(request, LogCallForm(initial=_from_phone_call(answered)))
        return _log_call_page(request, LogCallForm(), fresh=True)
    action = request.POST.get("action", "save")
    if action != "save":
        # Keep what has been typed without judging it yet: no errors until they save.
        data = request.POST.dict()
        caller = None
        if action.startswith("choose:"):
            caller = _caller(action.removeprefix("choose:"))
            if caller is None:
                raise Http404
        elif action != "clear":
            caller = _caller(data.get("caller", ""))
        data["caller"] = caller.pk if caller else ""
        matches, finder = _find(data) if action == "search" else (None, None)
        return _log_call_page(
            request, LogCallForm(initial=data), caller=caller, matches=matches, finder=finder
        )
    form = LogCallForm(request.POST)
    if not form.is_valid():
        return _log_call_page(request, form, caller=form.cleaned_data.get("caller"))
    logged = services.call_log(
        by=request.user,
        phone_call=phone_call_for(request.user, form.cleaned_data["phone_call"]),
        **form.service_arguments(),
    )
    if wants_json(request):
        # The page sent it itself and will send it again, with the same token, until it has
        # this answer (after an outage, a timeout, signing in again): logged once whatever.
        return JsonResponse({"logged": reverse("callers:logged", args=[logged.call.pk])})
    if not logged.created:
        messages.info(request, _("That call had already been logged, not logged twice."))
    return redirect("callers:logged", logged.call.pk)


@requires("callers.view_caller")
@require_POST
def log_call_matches(request: HttpRequest) -> HttpResponse:
    """htmx: matching callers as the handler types a number or a name."""
    matches, finder = _find(request.POST)
    return render(
        request,
        "callers/calls/log_call.html#matches",
        {
            "matches": matches,
            "searched": True,
            "finder": finder,
            "suggested": _suggested(matches, finder),
        },
    )


@requires("callers.view_caller")
@require_GET
def caller_card(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the chosen caller's handling card, with the hidden field that picks them."""
    caller = get_object_or_404(Caller, pk=pk)
    return render(
        request,
        "callers/calls/log_call.html#chosen-caller",
        {"caller": caller, "card": selectors.handling_card(caller)},
    )


@requires("callers.view_call")
@require_GET
def call_logged(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(
        Call.objects.visible_to(request.user).select_related("caller", "dmts_entry"), pk=pk
    )
    return render(
        request,
        "callers/calls/call_logged.html",
        {"call": call, **risk_prompt(f"{call.about} {call.outcome}", call)},
    )


@requires("callers.view_caller")
@require_http_methods(["GET", "POST"])
def caller_search(request: HttpRequest) -> HttpResponse:
    """Callers: search by name or number (posted, so neither lands in a URL or a log), or
    browse those most recently in contact."""
    form = CallerSearchForm(request.POST or None)
    results = None
    if form.is_valid():
        results = selectors.find_callers(name=form.cleaned_data["q"], phone=form.cleaned_data["q"])
    recent = Paginator(
        Caller.objects.current()
        .select_related("activity")
        .order_by(F("activity__last_call_at").desc(nulls_last=True), "pk"),
        CALLS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    template = (
        "callers/calls/caller_search.html#results"
        if request.htmx
        else "callers/calls/caller_search.html"
    )
    return render(request, template, {"form": form, "results": results, "recent": recent})


@requires("callers.view_caller")
@require_GET
def caller_detail(request: HttpRequest, pk: int) -> HttpResponse:
    caller = get_object_or_404(Caller.objects.select_related("activity", "merged_into"), pk=pk)
    calls = window(
        Call.objects.for_caller(caller)
        .with_entry_openable_by(request.user)
        .select_related("handler"),
        request.GET.get("page"),
        per_page=CALLS_PER_PAGE,
    )
    context = {
        "caller": caller,
        "card": selectors.handling_card(caller),
        "calls": calls,
        "chart": charts.daily_bars(
            selectors.calls_per_day(caller), width=760, height=200, axes=True
        ),
        "changes": selectors.caller_changes(caller, limit=HISTORY_SHOWN),
    }
    if request.user.has_perm("callers.view_concern"):
        context["concerns"] = list(caller.concerns.all())
        context["referrals"] = list(caller.referrals.all())
        if context["concerns"] or context["referrals"]:
            sensitive_access_log(
                by=request.user,
                caller_ids=[caller.pk],
                what="concerns and referrals on the caller's page",
            )
    return render(request, "callers/calls/caller_detail.html", context)


@requires("callers.change_caller")
@require_http_methods(["GET", "POST"])
def caller_edit(request: HttpRequest, pk: int) -> HttpResponse:
    caller = get_object_or_404(Caller, pk=pk)
    form = CallerForm(request.POST or None, instance=caller)
    if form.is_valid():
        if form.run(request, services.caller_update, caller=caller, by=request.user):
            messages.success(request, _("Caller's details saved."))
            return redirect(caller)
        if form.stale:
            return redirect("callers:edit", caller.pk)
    return render(request, "callers/calls/caller_edit.html", {"caller": caller, "form": form})
