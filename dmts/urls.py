from django.urls import path

from dmts import views

app_name = "dmts"

urlpatterns = [
    path("", views.call_log, name="log"),
    path("exports/", views.export_new, name="export_new"),
    path("exports/<int:pk>/", views.export_detail, name="export"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("review/", views.queue, name="queue"),
    path("report/", views.report, name="report"),
    path("report.xlsx", views.report_download, {"kind": "xlsx"}, name="report_xlsx"),
    path("report.pdf", views.report_download, {"kind": "pdf"}, name="report_pdf"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/", views.follow_up_detail, name="follow_up"),
    path("follow-ups/<int:pk>/assign/", views.follow_up_assign, name="follow_up_assign"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("<int:pk>/", views.entry_detail, name="entry"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/correct/", views.correct, name="correct"),
    path("<int:pk>/void/", views.void, name="void"),
    path("<int:pk>/complaint/", views.complaint_reference, name="complaint_reference"),
]
