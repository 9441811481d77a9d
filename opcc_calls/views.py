from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from health_check.views import HealthCheckView

from callers.models import Call, Concern, ContactRequest, Flag
from callers.selectors.flags import CANDIDATES_COUNTED, candidates_counted
from dmts.models import DmtsEntry
from opcc_calls.forms import SecurityPolicyForm
from opcc_calls.models import SecurityPolicy
from opcc_calls.permissions import SIGNED_IN, requires
from opcc_calls.services import security_policy_set


@requires(SIGNED_IN)
def home(request: HttpRequest) -> HttpResponse:
    """Each role's starting point; sections show by permission, so one person may see several."""
    context: dict[str, object] = {
        # Callers who asked to speak to this member of staff and are waiting for a decision.
        "callbacks_waiting": list(
            ContactRequest.objects.filter(
                requested__user=request.user, decision=ContactRequest.Decision.PENDING
            ).select_related("call__caller")[:20]
        ),
    }
    if request.user.has_perm("callers.add_call"):
        context["my_recent_calls"] = Call.objects.filter(handler=request.user).select_related(
            "caller"
        )[:5]
    if request.user.has_perm("dmts.review_dmtsentry"):
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        context["calls_today"] = Call.objects.filter(received_at__gte=today).count()
        context["awaiting_review"] = DmtsEntry.objects.awaiting_review().count()
    if request.user.has_perm("callers.view_flag"):
        context["candidates"] = candidates_counted()
        context["candidates_more"] = context["candidates"] >= CANDIDATES_COUNTED
        context["overdue_flags"] = Flag.objects.overdue().count()
        context["active_flags"] = Flag.objects.active().count()
    if request.user.has_perm("callers.view_concern"):
        context["open_concerns"] = Concern.objects.filter(closed_at__isnull=True).count()
    return render(request, "opcc_calls/home.html", context)


@requires("opcc_calls.change_securitypolicy")
@require_http_methods(["GET", "POST"])
def security_policy(request: HttpRequest) -> HttpResponse:
    """Managers decide whether everyone must use a second factor (ASVS 5.0 V6.3.3)."""
    policy = SecurityPolicy.current()
    form = SecurityPolicyForm(request.POST or None, instance=policy)
    if form.is_valid():
        security_policy_set(changed_by=request.user, **form.cleaned_data)
        messages.success(request, "Sign-in policy saved.")
        return redirect("security_policy")
    return render(
        request,
        "opcc_calls/security_policy.html",
        {"form": form, "changes": policy.history.select_related("history_user")[:20]},
    )


#: For load balancers, which do not sign in: the database reachable, migrations applied, and
#: nothing else said (no personal data, no versions).
health = login_not_required(
    HealthCheckView.as_view(
        checks=["health_check.checks.Database", "opcc_calls.health.MigrationsApplied"]
    )
)
health.required_permission = "none: for load balancers, and says nothing about anyone"
