from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from opcc_calls import views
from opcc_calls.forms import SignInForm

admin.site.site_header = f"{settings.OFFICE_NAME}: OPCC Calls administration"
admin.site.site_title = "OPCC Calls administration"
admin.site.index_title = "Records and staff"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/changed/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("callers/", include("callers.urls")),
    path("dmts/", include("dmts.urls")),
    path("admin/", admin.site.urls),
]
