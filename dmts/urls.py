from django.urls import path

from dmts.views import complaints, entries, exports

app_name = "dmts"

urlpatterns = [
    path("", entries.call_log, name="log"),
    path("review/", entries.queue, name="queue"),
    path("review/selected/", entries.review_selected, name="review_selected"),
    path("<int:pk>/", entries.entry_detail, name="entry"),
    path("<int:pk>/review/", entries.review, name="review"),
    path("<int:pk>/correct/", entries.correct, name="correct"),
    path("<int:pk>/void/", entries.void, name="void"),
    path("<int:pk>/complaint/", complaints.complaint_reference, name="complaint_reference"),
    path("exports/", exports.export_new, name="export_new"),
    path("exports/<int:pk>/", exports.export_detail, name="export"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
]
