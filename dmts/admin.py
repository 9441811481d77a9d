from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from callers.admin import ThroughTheServicesOnly
from dmts.models import DmtsEntry


@admin.register(DmtsEntry)
class DmtsEntryAdmin(ThroughTheServicesOnly, SimpleHistoryAdmin):
    list_display = ["reference", "status", "voided", "reviewed_by", "created_at"]
    list_filter = ["status", "voided"]
    list_select_related = ["reviewed_by"]
    search_fields = ["reference"]
    readonly_fields = ["call", "reference", "year", "number"]
