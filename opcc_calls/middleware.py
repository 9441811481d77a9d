"""Middleware for every response: no personal data left in caches, browser features we do not
use turned off, a second factor before anything else when the office requires one, and what a
page's script needs to keep what was typed (a saved form said so, an ended session said so),
and the client's own address behind the office's proxy."""

import ipaddress

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.middleware import (
    LoginRequiredMiddleware as DjangoLoginRequiredMiddleware,
)
from django.http import JsonResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

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


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(meta: dict, proxies: list) -> str | None:
    """The address of the person behind the office's proxy, or None to keep REMOTE_ADDR.

    Believed only when the request came from a proxy named in FORWARDED_ALLOW_IPS: anyone can
    send X-Forwarded-For. Read from the right, where the proxies add to it, so an address a
    client wrote into the header itself ("phony, client") is never taken; the first address
    that is not one of the proxies is the client's."""

    def trusted(address) -> bool:
        return address is not None and any(address in network for network in proxies)

    if not trusted(_address(meta.get("REMOTE_ADDR", ""))):
        return None
    hops = [hop for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return None  # not written by our proxy: keep the proxy's own address
        if not trusted(address):
            return str(address)
    # Everyone on the way is a proxy we trust (or staff inside its network): the first.
    return str(_address(hops[0])) if hops else None


class TrustedProxyMiddleware:
    """Behind nginx every request comes from the proxy's address: sign-in lockouts, rate
    limits and the access log would all record 127.0.0.1. The client's address replaces it in
    REMOTE_ADDR, which is the WSGI environ itself, so gunicorn's access log (written after
    the response, from the same environ) records it too."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if settings.TRUSTED_PROXIES:
            client = client_address(request.META, settings.TRUSTED_PROXIES)
            if client is not None:
                request.META["REMOTE_ADDR"] = client
        return self.get_response(request)


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


def staff_language(request) -> str:
    """The language a page is in: the one the person chose on their account, or (before
    signing in) the one chosen on this browser, or the office's."""
    chosen = ""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        chosen = user.language
    chosen = chosen or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class StaffLanguageMiddleware:
    """The interface in the person's language (never the browser's: an office's computers
    are set up in English whatever their staff read)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        language = staff_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response


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
        request.second_factor_pending = bool(
            user is not None
            and user.is_authenticated
            and not request.session.get(SECOND_FACTOR_SESSION_KEY)  # the usual case: no query
            and SecurityPolicy.current().require_second_factor
            and not second_factor_done(request)
        )
        if request.second_factor_pending and not request.path.startswith(SET_UP_PATHS):
            if wants_json(request) or request.headers.get("HX-Request"):
                # A page's script (the screen pop's poll): told, not led to the set-up page,
                # which would make a new secret each time and refuse every code typed.
                return JsonResponse({"second_factor": reverse("mfa_activate_totp")}, status=403)
            messages.info(
                request,
                "This office asks everyone to use a second factor when they sign in. Set up "
                "an authenticator app (or a security key) to carry on.",
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def wants_json(request) -> bool:
    """A page's script sending a form itself (the log-a-call page's retries): it reads the
    answer, so the answer says what happened rather than leading somewhere."""
    return request.headers.get("Accept", "").startswith("application/json")


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's, except that a script sending a form whose session has ended is told so (401,
    with where to sign in) rather than led to the sign-in page: the page keeps the form, asks
    the person to sign in again beside it, and sends it once they have."""

    def handle_no_permission(self, request, view_func):
        if wants_json(request):
            return JsonResponse({"sign_in": resolve_url(settings.LOGIN_URL)}, status=401)
        return super().handle_no_permission(request, view_func)


#: The cookie that tells the next page which form's draft to forget: that form was saved.
SAVED_FORM_COOKIE = "opcc_saved_form"
#: Where a POST is led when it was not handled: its form's draft is kept.
NOT_HANDLED = ("/sign-in/", "/accounts/2fa/", "/accounts/login/")


class SavedFormMiddleware:
    """A form sent and answered with a redirect (the way every page here says "saved") names
    its address in a short-lived cookie, so the page's script (drafts.js) forgets what it kept
    of that form in the tab. A form answered with its errors, an error page or a sign-in page
    is kept, and its text comes back when the page is opened again. Only the address (numbers,
    never a name) is in the cookie."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method == "POST"
            and response.status_code in (302, 303)
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
            and not response.get("Location", "").startswith(NOT_HANDLED)
        ):
            response.set_cookie(
                SAVED_FORM_COOKIE,
                request.path,
                max_age=120,
                secure=settings.SESSION_COOKIE_SECURE,
                samesite="Lax",
            )
        return response
