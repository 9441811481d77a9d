from django.urls import path, re_path

from dmts import views

app_name = "dmts"

urlpatterns = [
    path("", views.call_log, name="log"),
    path("exports/", views.export_new, name="export_new"),
    path("exports/<int:pk>/", views.export_detail, name="export"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("review/", views.queue, name="queue"),
    path("<int:pk>/", views.entry_detail, name="entry"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/correct/", views.correct, name="correct"),
    path("<int:pk>/void/", views.void, name="void"),
    path("<int:pk>/complaint/", views.complaint_reference, name="complaint_reference"),
    # Follow-ups and the quarterly report moved to callers: an address from before (a bookmark,
    # a link in a digest already sent) leads to where it is now.
    re_path(r"^(?P<rest>follow-ups/.*|report(?:/|\.xlsx|\.pdf))$", views.moved, name="moved"),
]
