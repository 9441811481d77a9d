"""Pages for subject access: the register of requests, a request and its deadline, and the
response the background worker writes for the member of staff who asks (theirs alone)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from callers.forms.subject_access import (
    CompleteForm,
    ExtendForm,
    IdentityForm,
    SubjectAccessRequestForm,
)
from callers.models import Caller, SubjectAccessRequest, SubjectAccessResponse
from callers.selectors import subject_access as selectors
from callers.services import subject_access as services
from opcc_calls.documents import PDF
from opcc_calls.pagination import window
from opcc_calls.permissions import requires

EXPORT = services.EXPORT
ZIP = "application/zip"


@requires(EXPORT)
@require_GET
def subject_access_requests(request: HttpRequest) -> HttpResponse:
    """The register: open requests first, soonest due first, then those answered."""
    page = window(selectors.subject_access_register(), request.GET.get("page"), per_page=50)
    return render(request, "callers/subject_access/register.html", {"page": page})


@requires(EXPORT)
@require_http_methods(["GET", "POST"])
def subject_access(request: HttpRequest, pk: int) -> HttpResponse:
    """One caller's requests, and logging a new one."""
    caller = get_object_or_404(Caller.objects.current(), pk=pk)
    form = SubjectAccessRequestForm(request.POST or None)
    if form.is_valid():
        try:
            logged = services.subject_access_request_log(
                caller=caller, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"Request {logged.reference} logged: due {logged.due_on:%-d %B %Y}."
            )
            return redirect(logged)
    requests = caller.subject_access_requests.order_by("-received_on", "-pk")
    return render(
        request,
        "callers/subject_access/caller_requests.html",
        {"caller": caller, "form": form, "requests": requests},
    )


def _detail(request: HttpRequest, sar: SubjectAccessRequest, **bound) -> HttpResponse:
    forms = {
        "identity": IdentityForm(prefix="identity", initial={"version": sar.version}),
        "extend": ExtendForm(prefix="extend", initial={"version": sar.version}),
        "complete": CompleteForm(prefix="complete", initial={"version": sar.version}),
    } | bound
    return render(
        request,
        "callers/subject_access/request.html",
        {
            "sar": sar,
            "forms": forms,
            "responses": sar.responses.filter(requested_by=request.user)[:10],
            "changes": selectors.request_changes(sar),
        },
    )


def _sar(pk: int) -> SubjectAccessRequest:
    return get_object_or_404(SubjectAccessRequest.objects.select_related("caller"), pk=pk)


@requires(EXPORT)
@require_GET
def subject_access_request(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _sar(pk))


#: The three things done to a request, each a form on its page and a service.
STEPS = {
    "identity": (IdentityForm, services.subject_access_identity_verify, _("Identity recorded.")),
    "extend": (ExtendForm, services.subject_access_extend, _("Extended: the new date is shown.")),
    "complete": (CompleteForm, services.subject_access_complete, _("Recorded as answered.")),
}


@requires(EXPORT)
@require_POST
def subject_access_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Verify identity, extend or record the response sent: refused beside the form, or with a
    message when someone else changed the request first."""
    if step not in STEPS:
        raise Http404
    form_class, service, done = STEPS[step]
    sar = _sar(pk)
    form = form_class(request.POST, prefix=step)
    if form.is_valid():
        if form.run(request, service, sar=sar, by=request.user):
            messages.success(request, done)
            return redirect(sar)
        if form.stale:
            return redirect(sar)
    return _detail(request, sar, **{step: form})


@requires(EXPORT)
@require_POST
def subject_access_build(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask the background worker for the response document and its data file."""
    response = services.subject_access_response_request(sar=_sar(pk), by=request.user)
    return redirect(response)


def _own_response(request: HttpRequest, pk: int, **conditions) -> SubjectAccessResponse:
    """One of this person's own responses, or 404: nobody else may see or download it."""
    return get_object_or_404(
        SubjectAccessResponse.objects.select_related("sar__caller"),
        pk=pk,
        requested_by=request.user,
        **conditions,
    )


@requires(EXPORT)
@require_GET
def subject_access_response(request: HttpRequest, pk: int) -> HttpResponse:
    """Where a response has got to; htmx asks again every few seconds until it is done."""
    response = _own_response(request, pk)
    if request.htmx:
        return render(
            request,
            "callers/subject_access/includes/response_status.html",
            {"response": response},
        )
    return redirect(f"{response.sar.get_absolute_url()}#response-{response.pk}")


@requires(EXPORT)
@require_GET
def subject_access_download(request: HttpRequest, pk: int, part: str) -> FileResponse:
    response = _own_response(request, pk, status=SubjectAccessResponse.Status.READY)
    file = {"pdf": response.pdf, "data": response.data}.get(part)
    if not file:
        raise Http404
    return FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=file.name.rsplit("/", 1)[-1],
        content_type=PDF if part == "pdf" else ZIP,
    )
