from allauth.account import views as account_views
from allauth.account.decorators import secure_admin_login
from allauth.socialaccount import views as social_views
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from callers.views import telephony as telephony_views
from opcc_calls import views

admin.site.site_header = format_lazy(
    "{}: {}", settings.OFFICE_NAME, gettext_lazy("OPCC Calls administration")
)
# The admin signs in through the same two steps as everything else, never a page of its own.
admin.site.login = secure_admin_login(admin.site.login)

#: The parts of django-allauth this office uses, and no others (no self sign-up, no email or
#: phone management, no sign-in by emailed code): each is in the role × URL table.
accounts = [
    path("signup/", account_views.signup, name="account_signup"),  # says sign-up is closed
    path("inactive/", account_views.account_inactive, name="account_inactive"),
    path("reauthenticate/", account_views.reauthenticate, name="account_reauthenticate"),
    path("password/set/", account_views.password_set, name="account_set_password"),
    path("password/reset/", account_views.password_reset, name="account_reset_password"),
    path(
        "password/reset/done/",
        account_views.password_reset_done,
        name="account_reset_password_done",
    ),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        account_views.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path(
        "password/reset/key/done/",
        account_views.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
    path("2fa/", include("allauth.mfa.urls")),
    path("sso/cancelled/", social_views.login_cancelled, name="socialaccount_login_cancelled"),
    # Shown when single sign-on fails, before anyone is signed in.
    path(
        "sso/error/",
        login_not_required(social_views.login_error),
        name="socialaccount_login_error",
    ),
    path("sso/signup/", social_views.signup, name="socialaccount_signup"),  # closed too
    path("", include("allauth.socialaccount.providers.openid_connect.urls")),  # oidc/…
]

urlpatterns = [
    path("", views.home, name="home"),
    # Sign-in, sign-out and password change, under our names and allauth's own.
    path("sign-in/", account_views.login, name="login"),
    path("sign-in/", account_views.login, name="account_login"),
    path("sign-out/", account_views.logout, name="logout"),
    path("sign-out/", account_views.logout, name="account_logout"),
    path("password/", account_views.password_change, name="password_change"),
    path("password/", account_views.password_change, name="account_change_password"),
    path("accounts/", include(accounts)),
    path("signed-in/", views.signed_in, name="signed_in"),
    path("language/", views.language_choose, name="language"),
    path("sign-in-policy/", views.security_policy, name="security_policy"),
    path("procedure/", views.procedure, name="procedure"),
    path("procedure/publish/", views.procedure_publish, name="procedure_publish"),
    path("procedure/readers/", views.procedure_readers, name="procedure_readers"),
    path("health/", views.health, name="health"),
    path("telephony/events/", telephony_views.telephony_events, name="telephony_events"),
    path("callers/", include("callers.urls")),
    re_path(r"^dmts/(?P<rest>follow-ups/.*|report(?:/|\.xlsx|\.pdf))$", views.moved, name="moved"),
    path("dmts/", include("dmts.urls")),
    path("admin/", admin.site.urls),
]

#: Django's own 400 page reads the unreadable form again (its CSRF check) and answers 500.
handler400 = "opcc_calls.views.bad_request"
#: The database out of reach is a 503 with Retry-After, never a 500.
handler500 = "opcc_calls.views.server_error"
