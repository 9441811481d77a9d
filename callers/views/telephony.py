"""Screen pop: the endpoint the phone system signs its events to, and what the handler's
screen polls for the call on their extension."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from callers.models import TelephonyEvent
from callers.models.telephony import PhoneCall
from callers.selectors import telephony as selectors
from callers.services import telephony as services
from opcc_calls import telephony
from opcc_calls.permissions import requires


@csrf_exempt
@login_not_required
@require_POST
def telephony_events(request: HttpRequest) -> JsonResponse:
    """The phone system's events (screen pop; the contract is in the README). No session and
    no CSRF token: the signature is the only way in. Every event is recorded, refused ones
    without their body."""
    secret = telephony.webhook_secret()
    try:
        if not secret:
            raise telephony.Refused(
                TelephonyEvent.Outcome.NOT_CONFIGURED,
                403,  # refused, as the contract asks: never a server error
                "Events are refused: TELEPHONY_WEBHOOK_SECRET is not set (32 characters or more).",
            )
        telephony.verify(request.headers, request.body, secret)
        event = telephony.parse(request.body)
    except telephony.Refused as refused:
        services.telephony_refused_record(refused.outcome)
        return JsonResponse({"error": refused.message}, status=refused.status)
    outcome = services.telephony_event_record(event)
    status = 409 if outcome == TelephonyEvent.Outcome.REPLAY else 202
    return JsonResponse({"outcome": outcome}, status=status)


telephony_events.required_permission = "none: signed by the phone system, needs no session"


@requires("callers.add_call")
@require_GET
def phone_call_current(request: HttpRequest) -> JsonResponse:
    """Polled by the handler's screen (screen pop): the call on their extension now, if any."""
    phone_call = selectors.phone_call_current(request.user)
    if phone_call is None:
        return JsonResponse({})
    local = {
        name: timezone.localtime(value).strftime("%H:%M") if value else ""
        for name, value in (
            ("ringing_at", phone_call.ringing_at),
            ("answered_at", phone_call.answered_at),
            ("ended_at", phone_call.ended_at),
        )
    }
    return JsonResponse(
        {
            "id": phone_call.pk,
            "state": phone_call.state,
            "number": phone_call.number_shown,
            # Only a valid number goes into the log-a-call form; any other is shown as sent.
            "valid": bool(phone_call.number),
            "withheld": phone_call.withheld,
            "dismiss": reverse("callers:phone_call_dismiss", args=[phone_call.pk]),
            "open": f"{reverse('callers:log')}?phone_call={phone_call.pk}",
            **local,
        }
    )


@requires("callers.add_call")
@require_POST
def phone_call_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """The handler closes a popped call's notice without logging it: it is shown no more."""
    services.phone_call_dismiss(
        phone_call=get_object_or_404(PhoneCall, pk=pk, handler=request.user), by=request.user
    )
    return HttpResponse(status=204)
