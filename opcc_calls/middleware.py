"""Middleware for every response: no personal data left in caches, browser features we do not
use turned off, and a second factor before anything else when the office requires one."""

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control

from opcc_calls.models import SecurityPolicy

#: Browser features no page here uses; security keys and passkeys only for this site.
PERMISSIONS_POLICY = ", ".join(
    [
        "accelerometer=()",
        "camera=()",
        "display-capture=()",
        "geolocation=()",
        "gyroscope=()",
        "magnetometer=()",
        "microphone=()",
        "payment=()",
        "usb=()",
        "publickey-credentials-create=(self)",
        "publickey-credentials-get=(self)",
    ]
)


class PrivateResponseMiddleware:
    """Pages and downloads here hold people's personal data, some about health: no browser or
    proxy may keep a copy (`Cache-Control: no-store`). Static files are served before this
    runs, so they stay cacheable."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


#: Set in the session once this sign-in has a second factor behind it.
SECOND_FACTOR_SESSION_KEY = "opcc_second_factor"
#: What someone without a second factor may still reach: setting one up, and leaving.
SET_UP_PATHS = (
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/logout/",
    "/sign-out/",
    "/static/",
    "/health/",
)


def second_factor_done(request) -> bool:
    """Whether this session's sign-in used a second factor (or the organisation's own sign-in,
    which enforces its own), or the account has one set up now."""
    if request.session.get(SECOND_FACTOR_SESSION_KEY):
        return True
    methods = {r.get("method") for r in get_authentication_records(request, request.user)}
    done = bool(methods & {"mfa", "socialaccount"}) or (
        Authenticator.objects.filter(user=request.user).exists()
    )
    if done:
        request.session[SECOND_FACTOR_SESSION_KEY] = True
    return done


class SecondFactorRequiredMiddleware:
    """When the office requires a second factor (ASVS 5.0 V6.3.3), someone signed in without
    one is taken to set one up before anything else."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.session.get(SECOND_FACTOR_SESSION_KEY)  # the usual case: no query
            and not request.path.startswith(SET_UP_PATHS)
            and SecurityPolicy.current().require_second_factor
            and not second_factor_done(request)
        ):
            messages.info(
                request,
                "This office asks everyone to use a second factor when they sign in. Set up "
                "an authenticator app (or a security key) to carry on.",
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
