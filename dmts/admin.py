from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dmts.models import DmtsEntry


@admin.register(DmtsEntry)
class DmtsEntryAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "status", "voided", "reviewed_by", "created_at"]
    list_filter = ["status", "voided"]
    list_select_related = ["reviewed_by"]
    search_fields = ["reference"]
    readonly_fields = ["call", "reference", "year", "number"]

    def has_add_permission(self, request) -> bool:
        return False  # entries are created as calls are logged

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # nothing is deleted from the log: void it instead
