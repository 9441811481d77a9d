from django.urls import path

from dmts import views

app_name = "dmts"

urlpatterns = [
    path("", views.call_log, name="log"),
    path("export.csv", views.export, {"kind": "csv"}, name="export_csv"),
    path("export.xlsx", views.export, {"kind": "xlsx"}, name="export_xlsx"),
    path("review/", views.queue, name="queue"),
    path("<int:pk>/", views.entry_detail, name="entry"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/correct/", views.correct, name="correct"),
    path("<int:pk>/void/", views.void, name="void"),
]
