from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from callers.models import (
    Appeal,
    Call,
    Caller,
    CallerPhone,
    Concern,
    ContactRequest,
    DisposalLog,
    Flag,
    FlagReview,
    FollowUp,
    Letter,
    Letterhead,
    LetterTemplate,
    ManagerAlert,
    Meeting,
    MeetingCycle,
    MeetingItem,
    Referral,
    RetentionRule,
    RetentionRun,
    RiskWord,
    Rule,
    SensitiveAccess,
    StaffContact,
    SubjectAccessRequest,
    TelephonyEvent,
)
from opcc_calls.admin import ThroughTheServicesOnly


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


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyLogAdmin):
    list_display = ["requested_at", "requested_by", "reason", "finished_at", "records", "failed"]
    list_select_related = ["requested_by"]
    date_hierarchy = "requested_at"


# Every other record with history, to read with its history here; each is changed on its page
# in the app (tests/test_admin.py walks the registry to keep it so).


@admin.register(CallerPhone)
class CallerPhoneAdmin(ThroughTheServicesOnly, SimpleHistoryAdmin):
    list_display = ["caller_id", "created_at"]  # no numbers in a list: find them on a caller


@admin.register(Flag)
class FlagAdmin(ThroughTheServicesOnly, SimpleHistoryAdmin):
    list_display = ["caller", "kind", "flagged_at", "review_date", "ended_at"]
    list_filter = ["kind"]
    list_select_related = ["caller"]
    date_hierarchy = "flagged_at"


@admin.register(FlagReview)
class FlagReviewAdmin(ThroughTheServicesOnly, SimpleHistoryAdmin):
    list_display = ["flag", "reviewed_at", "reviewed_by", "new_review_date"]
    list_select_related = ["flag__caller", "reviewed_by"]


@admin.register(Meeting)
class MeetingAdmin(ThroughTheServicesOnly, SimpleHistoryAdmin):
    list_display = ["date", "kind", "created_by"]
    list_filter = ["kind"]
    list_select_related = ["created_by"]


@admin.register(MeetingItem)
class MeetingItemAdmin(ThroughTheServicesOnly, SimpleHistoryAdmin):
    list_display = ["meeting", "caller", "section", "decision"]
    list_select_related = ["meeting", "caller"]


@admin.register(MeetingCycle)
class MeetingCycleAdmin(ThroughTheServicesOnly, SimpleHistoryAdmin):
    list_display = ["silver_every_days", "first_silver"]


@admin.register(FollowUp)
class FollowUpAdmin(ThroughTheServicesOnly, SimpleHistoryAdmin):
    list_display = ["kind", "owner", "due_on", "status"]
    list_filter = ["kind", "status"]
    list_select_related = ["owner"]


@admin.register(Letterhead)
class LetterheadAdmin(ThroughTheServicesOnly, SimpleHistoryAdmin):
    list_display = ["name", "telephone", "email"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(LetterTemplate)
class LetterTemplateAdmin(ThroughTheServicesOnly, SimpleHistoryAdmin):
    list_display = ["kind", "subject"]


@admin.register(Letter)
class LetterAdmin(ThroughTheServicesOnly, SimpleHistoryAdmin):
    list_display = ["subject", "kind", "written_at", "sent_on"]
    list_filter = ["kind"]


@admin.register(Appeal)
class AppealAdmin(ThroughTheServicesOnly, SimpleHistoryAdmin):
    list_display = ["flag", "received_on", "outcome"]
    list_select_related = ["flag__caller"]


@admin.register(Rule)
class RuleAdmin(ThroughTheServicesOnly, SimpleHistoryAdmin):
    """Changed on the Rules page, which works every caller's candidates out again."""

    list_display = ["kind", "measure", "threshold", "window_hours", "is_active"]


@admin.register(Concern)
class ConcernAdmin(ThroughTheServicesOnly, SimpleHistoryAdmin):
    list_display = ["caller", "kind", "raised_at", "closed_at"]
    list_filter = ["kind"]
    list_select_related = ["caller"]


@admin.register(Referral)
class ReferralAdmin(ThroughTheServicesOnly, SimpleHistoryAdmin):
    list_display = ["caller", "referred_to", "referred_on"]
    list_select_related = ["caller"]


@admin.register(ManagerAlert)
class ManagerAlertAdmin(ThroughTheServicesOnly, SimpleHistoryAdmin):
    list_display = ["raised_at", "raised_by", "emailed_at"]
    list_select_related = ["raised_by"]


@admin.register(SubjectAccessRequest)
class SubjectAccessRequestAdmin(ThroughTheServicesOnly, SimpleHistoryAdmin):
    list_display = ["reference", "caller", "received_on", "due_on", "completed_on"]
    list_select_related = ["caller"]
