from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from opcc_calls.forms import ReasonForm
from opcc_calls.models import Procedure, SecurityPolicy, User
from opcc_calls.services import second_factor_reset


class ThroughTheServicesOnly:
    """Read-only in the admin, for everyone, with their history to read: these records change
    only through the pages that call the services, which check what the procedure asks (a
    call its DMTS entry, a reason with a correction, the version two people edit, the
    background work a change starts) and keep the reason in the history."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # Nothing is deleted from the log (policy 5.5).


@admin.register(User)
class StaffUserAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "extension",
        "is_active",
        "is_staff",
    ]
    fieldsets = [
        *UserAdmin.fieldsets[:1],
        (
            UserAdmin.fieldsets[1][0],
            {"fields": [*UserAdmin.fieldsets[1][1]["fields"], "extension"]},
        ),
        *UserAdmin.fieldsets[2:],
    ]
    list_filter = ["is_active", "is_staff", "groups"]
    actions = ["reset_second_factor"]

    @admin.action(
        description="Reset the second factor (they set up a new one at their next sign-in)",
        permissions=["reset_second_factor"],
    )
    def reset_second_factor(self, request, queryset):
        form = ReasonForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            for user in queryset:
                second_factor_reset(
                    person=user, by=request.user, reason=form.cleaned_data["reason"]
                )
            self.message_user(
                request,
                f"Second factor reset for {queryset.count()} account(s); recorded in their "
                "history.",
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/opcc_calls/user/reset_second_factor.html",
            {
                **self.admin_site.each_context(request),
                "title": "Reset the second factor",
                "users": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def has_reset_second_factor_permission(self, request) -> bool:
        return request.user.has_perm("opcc_calls.reset_second_factor")


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(SimpleHistoryAdmin):
    """Changed on its own page (Sign-in policy), where the reason is asked for."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(ThroughTheServicesOnly, SimpleHistoryAdmin):
    """Published on the procedure's page, which tells every member of staff to read it."""

    list_display = ["version", "published_at", "published_by", "review_date"]
    list_select_related = ["published_by"]
