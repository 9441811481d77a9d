"""How django-allauth signs people in here: accounts are made by administrators, never by
signing up (by password or through single sign-on), and single sign-on finds the existing
account by the verified email address the organisation's identity provider vouches for."""

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.db.models import Q
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from opcc_calls.background import account_email
from opcc_calls.models import User

NO_ACCOUNT = _(
    "Your organisation signed you in, but OPCC Calls has no account for that email address. "
    "Ask an administrator to add you; nobody is given an account automatically."
)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = DefaultAccountAdapter.error_messages | {
        "username_password_mismatch": _(
            "Please enter a correct username and password. The password is case-sensitive."
        ),
        "too_many_login_attempts": _(
            "There have been too many failed attempts to sign in to this account, so it is "
            "locked for a while. Try again later, or ask a manager to unlock it."
        ),
    }

    def is_open_for_signup(self, request) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Account emails (a password reset) go through the background worker like every
        other: a mail server that will not take one breaks no page, and it is tried again."""
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request)}
            | context,
        )
        html = next(
            (
                content
                for content, kind in getattr(message, "alternatives", [])
                if kind == "text/html"
            ),
            "",
        )
        if message.content_subtype == "html":  # an HTML message with no text part
            message.body, html = "", message.body
        account_email.enqueue(message.subject, message.body, list(message.to), html)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Confirm the password again before changing a second factor, unless this session
        signed in within the last few minutes (setting one up straight after a first sign-in
        should not ask for the password twice)."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = allauth_context.request
        if request is None or not request.user.is_authenticated:
            return True
        since = time.time() - account_settings.REAUTHENTICATION_TIMEOUT
        records = get_authentication_records(request, request.user)
        return not any(record.get("at", 0) > since for record in records)


class MFAAdapter(DefaultMFAAdapter):
    error_messages = DefaultMFAAdapter.error_messages | {
        "incorrect_code": _("That code is not right, or has been used already. Try the next one."),
    }

    def get_totp_label(self, user) -> str:
        return user.get_username()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def pre_social_login(self, request, sociallogin) -> None:
        """Connect a first single sign-on to the one active account whose email address the
        identity provider has verified; refuse anyone else, creating nothing."""
        if sociallogin.is_existing:
            if not sociallogin.user.is_active:
                self._refuse(request, _("This account is not active."))
            return
        verified = Q()
        for address in sociallogin.email_addresses:
            if address.verified:
                verified |= Q(email__iexact=address.email)
        matching = list(User.objects.filter(verified, is_active=True)[:2]) if verified else []
        if len(matching) != 1:
            self._refuse(request, NO_ACCOUNT)
        sociallogin.connect(request, matching[0])

    @staticmethod
    def _refuse(request, message: str) -> None:
        messages.error(request, message)
        raise ImmediateHttpResponse(redirect("login"))
