from django.urls import path

from callers import views

app_name = "callers"

urlpatterns = [
    path("", views.caller_search, name="search"),
    path("log/", views.log_call, name="log"),
    path("log/matches/", views.log_call_matches, name="matches"),
    path("<int:pk>/", views.caller_detail, name="detail"),
    path("<int:pk>/card/", views.caller_card, name="card"),
    path("<int:pk>/edit/", views.caller_edit, name="edit"),
    path("calls/<int:pk>/logged/", views.call_logged, name="logged"),
    path("requests/<str:token>/", views.request_decide, name="request_decide"),
]
