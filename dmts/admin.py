from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dmts.models import DmtsEntry
from opcc_calls.admin import ThroughTheServicesOnly


@admin.register(DmtsEntry)
class DmtsEntryAdmin(ThroughTheServicesOnly, SimpleHistoryAdmin):
    list_display = ["reference", "status", "voided", "reviewed_by", "created_at"]
    list_filter = ["status", "voided"]
    list_select_related = ["reviewed_by"]
    search_fields = ["reference"]
    readonly_fields = ["call", "reference", "year", "number"]
