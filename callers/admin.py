from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from callers.models import (
    Call,
    Caller,
    CallerPhone,
    ContactRequest,
    DisposalLog,
    RetentionRule,
    RiskWord,
    SensitiveAccess,
    StaffContact,
    TelephonyEvent,
)


@admin.register(StaffContact)
class StaffContactAdmin(SimpleHistoryAdmin):
    list_display = ["name", "job_title", "email", "is_commissioner", "is_active"]
    list_filter = ["is_active", "is_commissioner"]
    search_fields = ["name", "job_title"]
    autocomplete_fields = ["user"]


class CallerPhoneInline(admin.TabularInline):
    model = CallerPhone
    extra = 0


@admin.register(Caller)
class CallerAdmin(SimpleHistoryAdmin):
    """No search box: the admin's search is a GET, so names and numbers would land in URLs and
    access logs. Callers are found on the Callers page, whose search is posted."""

    list_display = ["pk", "full_name", "created_at"]
    inlines = [CallerPhoneInline]


class ThroughTheServicesOnly:
    """Read-only in the admin, for everyone: these records change only through the pages that
    call the services, which give a call its DMTS entry and keep a reason with a correction."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # Nothing is deleted from the log (policy 5.5).


@admin.register(Call)
class CallAdmin(ThroughTheServicesOnly, SimpleHistoryAdmin):
    list_display = ["reference", "received_at", "call_type", "caller", "handler"]
    list_filter = ["call_type", "abusive"]
    list_select_related = ["caller", "handler", "dmts_entry"]
    date_hierarchy = "received_at"


@admin.register(ContactRequest)
class ContactRequestAdmin(ThroughTheServicesOnly, SimpleHistoryAdmin):
    list_display = ["call", "requested", "decision", "decided_at"]
    list_filter = ["decision"]
    list_select_related = ["call", "requested"]
    raw_id_fields = ["call"]


@admin.register(RiskWord)
class RiskWordAdmin(SimpleHistoryAdmin):
    """Managers keep the words that show the risk-to-life guidance on the log-a-call page."""

    list_display = ["word", "is_active"]
    list_editable = ["is_active"]


@admin.register(RetentionRule)
class RetentionRuleAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "keep_years", "action"]

    def has_add_permission(self, request) -> bool:
        return False  # one rule per kind of record, installed with the system

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyLogAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SensitiveAccess)
class SensitiveAccessAdmin(ReadOnlyLogAdmin):
    list_display = ["at", "user", "caller_id", "what"]
    list_select_related = ["user"]
    date_hierarchy = "at"


@admin.register(DisposalLog)
class DisposalLogAdmin(ReadOnlyLogAdmin):
    list_display = ["disposed_at", "rule_kind", "action", "record_type", "count"]
    date_hierarchy = "disposed_at"


@admin.register(TelephonyEvent)
class TelephonyEventAdmin(ReadOnlyLogAdmin):
    """What the phone system sent and what was done with it (screen pop), to check a set-up."""

    list_display = ["received_at", "outcome", "event", "extension", "call_id"]
    list_filter = ["outcome", "event"]
    date_hierarchy = "received_at"
