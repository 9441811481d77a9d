"""Pages for requests to speak to someone (policy 5.8d): the page the emailed link opens, for
people who may never sign in, and the same decision signed in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from callers.forms.contact_requests import ContactRequestDecisionForm
from callers.selectors import contact_requests as selectors
from callers.services import contact_requests as services
from opcc_calls.permissions import requires

#: Where a followed link keeps the request it opened (so the token leaves the address).
LINK_SESSION_KEY = "contact_request_link"


def _request_page(request: HttpRequest, contact_request, form, **context) -> HttpResponse:
    return render(
        request,
        "callers/contact_requests/request_decide.html",
        {
            "contact_request": contact_request,
            "call": contact_request.call,
            "caller": contact_request.call.caller,
            "form": form,
            **context,
        },
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def request_decide(request: HttpRequest) -> HttpResponse:
    """The person a caller asked for records whether they will call back (5.8d), from the
    emailed link: signed and short-lived, for people who may never sign in (the Commissioner).
    Following it records the opening and moves the token from the address into the session;
    the link decides once, and a later change needs signing in."""
    token = request.GET.get("t")
    if token is not None:
        contact_request = selectors.contact_request_from_token(token)
        if contact_request is None:
            return render(request, "callers/contact_requests/request_link_expired.html", status=404)
        services.contact_request_opened(contact_request=contact_request, by=request.user)
        request.session[LINK_SESSION_KEY] = contact_request.pk
        return redirect("callers:request_decide")
    contact_request = selectors.contact_request_for_link(request.session.get(LINK_SESSION_KEY))
    if contact_request is None:
        return render(request, "callers/contact_requests/request_link_expired.html", status=404)
    form = None if contact_request.is_decided else ContactRequestDecisionForm(request.POST or None)
    if request.method == "POST" and form is None:
        messages.error(request, services.ALREADY_DECIDED)
    elif form is not None and form.is_valid():
        try:
            services.contact_request_decide(contact_request=contact_request, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: your decision has been recorded."))
            return redirect("callers:request_decide")
    return _request_page(request, contact_request, form)


request_decide.required_permission = "none: the signed link emailed to the person asked for"


@requires("callers.view_contactrequest")
@require_http_methods(["GET", "POST"])
def request_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Signed in, the person asked for decides or changes their decision; so may whoever looks
    after requests (the Compliance Officer). History names who."""
    contact_request = get_object_or_404(selectors.contact_requests(), pk=pk)
    if not contact_request.can_be_decided_by(request.user):
        raise PermissionDenied
    form = ContactRequestDecisionForm(
        request.POST or None,
        initial={"decision": contact_request.decision, "note": contact_request.decision_note},
    )
    if form.is_valid():
        services.contact_request_decide(
            contact_request=contact_request, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("Your decision has been recorded."))
        return redirect("callers:request_change", contact_request.pk)
    return _request_page(request, contact_request, form, signed_in=True)
