import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language
from health_check.views import HealthCheckView

from opcc_calls.forms import ProcedureForm, SecurityPolicyForm
from opcc_calls.home import home_sections
from opcc_calls.models import Procedure, SecurityPolicy
from opcc_calls.permissions import SIGNED_IN, requires
from opcc_calls.selectors import ACKNOWLEDGED_SESSION_KEY, procedure_current
from opcc_calls.selectors import procedure_readers as procedure_readers_of
from opcc_calls.services import procedure_acknowledge, security_policy_set, staff_language_set
from opcc_calls.services import procedure_publish as procedure_publish_service


@requires(SIGNED_IN)
def home(request: HttpRequest) -> HttpResponse:
    """Each role's starting point; sections show by permission, so one person may see several."""
    return render(request, "opcc_calls/home.html", home_sections(request.user))


@requires(SIGNED_IN)
@require_GET
def signed_in(request: HttpRequest) -> HttpResponse:
    """Where signing in again beside a form ends (the log-a-call page opens sign-in in a
    window of its own when a session ends mid-call): it tells that page, which sends the call,
    and closes."""
    return render(request, "opcc_calls/signed_in.html")


@requires("opcc_calls.change_securitypolicy")
@require_http_methods(["GET", "POST"])
def security_policy(request: HttpRequest) -> HttpResponse:
    """Managers decide whether everyone must use a second factor (ASVS 5.0 V6.3.3)."""
    policy = SecurityPolicy.current()
    form = SecurityPolicyForm(request.POST or None, instance=policy)
    if form.is_valid():
        security_policy_set(by=request.user, **form.cleaned_data)
        messages.success(request, _("Sign-in policy saved."))
        return redirect("security_policy")
    return render(
        request,
        "opcc_calls/security_policy.html",
        {"form": form, "changes": policy.history.select_related("history_user")[:20]},
    )


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def procedure(request: HttpRequest) -> HttpResponse:
    """The office's procedure for frequent and regular callers, the version in force, and
    each member of staff's acknowledgement of it (SOP 6.1)."""
    current = procedure_current()
    if request.method == "POST":
        if current is None or request.POST.get("version") != current.version:
            messages.error(request, _("A newer version has been published: read it first."))
            return redirect("procedure")
        procedure_acknowledge(by=request.user, procedure=current)
        request.session[ACKNOWLEDGED_SESSION_KEY] = current.pk
        messages.success(
            request,
            _("Thank you: you have acknowledged version %(version)s.")
            % {"version": current.version},
        )
        return redirect("procedure")
    acknowledged = (
        current is not None
        and current.acknowledgements.filter(user=request.user)
        .values_list("acknowledged_at", flat=True)
        .first()
    )
    return render(
        request,
        "opcc_calls/procedure.html",
        {
            "procedure": current,
            "acknowledged_at": acknowledged or None,
            "versions": Procedure.objects.select_related("published_by")[:20],
        },
    )


@requires("opcc_calls.publish_procedure")
@require_http_methods(["GET", "POST"])
def procedure_publish(request: HttpRequest) -> HttpResponse:
    """A manager publishes a new version; everyone is asked to acknowledge it."""
    current = procedure_current()
    initial = {"text": current.text} if current else {}
    form = ProcedureForm(request.POST or None, initial=initial)
    if form.is_valid():
        published = procedure_publish_service(by=request.user, **form.cleaned_data)
        messages.success(
            request, f"Version {published.version} published: everyone is asked to read it."
        )
        return redirect("procedure_readers")
    return render(request, "opcc_calls/procedure_publish.html", {"form": form})


@requires("opcc_calls.publish_procedure")
@require_http_methods(["GET"])
def procedure_readers(request: HttpRequest) -> HttpResponse:
    """Who has and has not acknowledged the version in force."""
    current = procedure_current()
    readers = procedure_readers_of(current) if current else []
    return render(
        request,
        "opcc_calls/procedure_readers.html",
        {
            "procedure": current,
            "readers": readers,
            "still_to_read": sum(1 for r in readers if r.acknowledged_at is None),
        },
    )


class Readiness(HealthCheckView):
    """Not ready (the database out of reach, migrations waiting) is 503 with Retry-After, as a
    load balancer reads it, rather than django-health-check's 500."""

    async def get(self, request, *args, **kwargs):
        response = await super().get(request, *args, **kwargs)
        if response.status_code == 500:
            response.status_code = 503
            response["Retry-After"] = RETRY_AFTER_SECONDS
        return response


#: For load balancers, which do not sign in: the database reachable, migrations applied, and
#: nothing else said (no personal data, no versions).
health = login_not_required(
    Readiness.as_view(
        checks=["health_check.checks.Database", "opcc_calls.health.MigrationsApplied"]
    )
)
health.required_permission = "none: for load balancers, and says nothing about anyone"


@login_not_required
@require_POST
def language_choose(request: HttpRequest) -> HttpResponse:
    """The switch on every page: the interface in English or Welsh, remembered on the
    person's account (and on this browser, for the sign-in page), then back where they were."""
    if request.user.is_authenticated:
        try:
            staff_language_set(person=request.user, language=request.POST.get("language", ""))
        except ValidationError:
            return HttpResponseBadRequest(_("Not a language this interface is in."))
    return set_language(request)


language_choose.required_permission = "none: the sign-in page has the switch too"


@requires(SIGNED_IN)
@require_GET
def moved(request: HttpRequest, rest: str) -> HttpResponse:
    """Follow-ups and the quarterly report moved from dmts to callers: an address from before
    (a bookmark, a link in a digest already sent) leads to where it is now, whose page checks
    who may see it."""
    query = request.META.get("QUERY_STRING", "")
    return redirect(
        reverse("callers:search") + rest + (f"?{query}" if query else ""), permanent=True
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A request that could not be read (a form in a charset its bytes are not): 400, from a
    page that reads nothing of the request. Django's own reads the form again for its CSRF
    check, which fails again, and answers 500."""
    return HttpResponseBadRequest(render_to_string("400.html"))


bad_request.required_permission = "none: answers any request that could not be read"

#: How long a browser (the log-a-call page's retries) or a proxy waits before asking again while
#: the database is out of reach: a restart of PostgreSQL takes a few seconds.
RETRY_AFTER_SECONDS = "5"


def server_error(request: HttpRequest) -> HttpResponse:
    """Anything a view did not expect. The database out of reach (restarting, a failover, a
    query cancelled at its time limit, SQLite busy past its timeout) is not a fault of the
    request: 503 with Retry-After, on a page that reads nothing from the database, so the
    log-a-call page sends the call again by itself and a proxy may retry. Anything else: 500."""
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        return HttpResponse(
            render_to_string("503.html"),
            status=503,
            headers={"Retry-After": RETRY_AFTER_SECONDS, "Cache-Control": "no-store, private"},
        )
    return HttpResponseServerError(render_to_string("500.html"))


server_error.required_permission = "none: answers whatever a view did not expect"
