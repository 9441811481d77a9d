"""Pages for concerns and safeguarding referrals, and the risk-to-life guidance as a handler
types (policy 5.3b, 5.8i, 5.8j)."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from callers.forms.safeguarding import (
    ConcernDecisionForm,
    ConcernForm,
    ManagerAlertForm,
    ReferralForm,
    ReferralOutcomeForm,
)
from callers.models import Call, Caller, Concern, Referral
from callers.selectors import safeguarding as selectors
from callers.services import safeguarding as services
from callers.services.data_protection import sensitive_access_log
from opcc_calls.history import record_changes
from opcc_calls.pagination import window
from opcc_calls.permissions import requires

HISTORY_SHOWN = 30


@requires("callers.add_concern")
@require_http_methods(["GET", "POST"])
def concern_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Any handler raises a concern about a caller with their manager (5.8i, 5.8j)."""
    caller = get_object_or_404(Caller.objects.current(), pk=pk)
    form = ConcernForm(request.POST or None)
    if form.is_valid():
        services.concern_raise(caller=caller, by=request.user, **form.cleaned_data)
        messages.success(request, _("Your concern has been passed to the managers. Thank you."))
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
    page = window(queryset, request.GET.get("page"), per_page=25)
    # The queue shows each caller's name beside the kind of concern: that is sensitive too.
    sensitive_access_log(
        by=request.user, caller_ids=[c.caller_id for c in page], what="the concerns queue"
    )
    return render(
        request,
        "callers/safeguarding/concerns.html",
        {
            "page": page,
            "state": state,
            "query": f"state={state}&",
        },
    )


@dataclass(frozen=True)
class Decision:
    """How a manager records a decision on one sensitive record, on that record's own page."""

    form: type[forms.Form]
    opens_with: tuple[str, ...]  # the record's fields the form starts from
    permission: str
    service: Callable
    done: str
    history: dict[str, str]  # what history calls a record created, changed, deleted


def _decision_page(
    request: HttpRequest, record: Concern | Referral, how: Decision, **context
) -> HttpResponse:
    """Show a concern or referral (logging that it was opened) and let a manager record what
    was decided: both pages have this one shape."""
    name = type(record)._meta.model_name
    form = how.form(
        request.POST or None, initial={field: getattr(record, field) for field in how.opens_with}
    )
    if request.method == "POST":
        if not request.user.has_perm(how.permission):
            raise PermissionDenied
        if form.is_valid():
            if form.run(request, how.service, **{name: record}, by=request.user):
                messages.success(request, how.done)
                return redirect(record)
            if form.stale:
                return redirect(record)
    # Whenever the detail is shown: opened, or shown again beside a form's errors.
    sensitive_access_log(
        by=request.user, caller_ids=[record.caller_id], what=f"{name} #{record.pk}"
    )
    return render(
        request,
        f"callers/safeguarding/{name}.html",
        {
            name: record,
            "form": form,
            "changes": record_changes(
                record.history.all(), type(record), limit=HISTORY_SHOWN, what=how.history
            ),
            **context,
        },
    )


CONCERN_DECISION = Decision(
    form=ConcernDecisionForm,
    opens_with=("decision", "handling", "version"),
    permission="callers.change_concern",
    service=services.concern_decide,
    done=_("Decision recorded."),
    history={"+": _("Raised"), "~": _("Updated"), "-": _("Deleted")},
)
REFERRAL_OUTCOME = Decision(
    form=ReferralOutcomeForm,
    opens_with=("outcome", "their_reference", "version"),
    permission="callers.change_referral",
    service=services.referral_outcome,
    done=_("Referral updated."),
    history={"+": _("Recorded"), "~": _("Updated"), "-": _("Deleted")},
)


@requires("callers.view_concern")
@require_http_methods(["GET", "POST"])
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = get_object_or_404(
        Concern.objects.select_related("caller", "raised_by", "decided_by", "call"), pk=pk
    )
    return _decision_page(request, concern, CONCERN_DECISION, referrals=concern.referrals.all())


@requires("callers.add_referral")
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, pk: int) -> HttpResponse:
    caller = get_object_or_404(Caller.objects.current(), pk=pk)
    form = ReferralForm(
        request.POST or None, caller=caller, initial={"concern": request.GET.get("concern")}
    )
    if form.is_valid():
        try:
            referral = services.referral_record(caller=caller, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Safeguarding referral recorded."))
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
    return _decision_page(request, referral, REFERRAL_OUTCOME)


def risk_prompt(text: str, call: Call | None = None) -> dict:
    """The immediate-risk prompt's context: the risk words the text says and, for its "Tell a
    manager now" button, a token of its own and the call once it is logged."""
    return {
        "risk_words": selectors.risk_words_in(text),
        "alert_token": uuid.uuid4(),
        "alert_call": call,
    }


@requires("callers.add_call")
@require_POST
def risk_check(request: HttpRequest) -> HttpResponse:
    """htmx: what to do now if what the handler types suggests an immediate risk to life."""
    text = " ".join(request.POST.get(name, "") for name in ("about", "outcome"))
    return render(request, "callers/safeguarding/risk_warning.html", risk_prompt(text))


@requires("callers.add_call")
@require_POST
def tell_manager(request: HttpRequest) -> HttpResponse:
    """ "Tell a manager now", from the immediate-risk prompt or the confirmation: in place with
    htmx; without it, the button opens this answer in a new tab so the form is kept."""
    form = ManagerAlertForm(request.POST)
    alert = None
    if form.is_valid():
        call_id = form.cleaned_data["call"]
        call = Call.objects.visible_to(request.user).filter(pk=call_id).first() if call_id else None
        alert = services.manager_alert_raise(
            by=request.user, token=form.cleaned_data["token"], call=call
        )
    template = "callers/safeguarding/manager_told.html"
    return render(
        request,
        f"{template}#told" if request.htmx else template,
        {"alert": alert},
        status=200 if alert else 400,
    )
