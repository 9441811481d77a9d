from django.urls import path

from callers import flag_views, views

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

urlpatterns += [
    path("candidates/", flag_views.candidates, name="candidates"),
    path("<int:pk>/flag/", flag_views.flag_new, name="flag_new"),
    path("flags/<int:pk>/", flag_views.flag_detail, name="flag"),
    path("flags/<int:pk>/renew/", flag_views.flag_change, {"action": "renew"}, name="flag_renew"),
    path(
        "flags/<int:pk>/response/",
        flag_views.flag_change,
        {"action": "response"},
        name="flag_response",
    ),
    path("flags/<int:pk>/end/", flag_views.flag_change, {"action": "end"}, name="flag_end"),
    path("frequent-calls-log/", flag_views.frequent_calls_log, name="frequent_log"),
    path(
        "frequent-calls-log.csv",
        flag_views.frequent_calls_log_export,
        {"kind": "csv"},
        name="frequent_log_csv",
    ),
    path(
        "frequent-calls-log.xlsx",
        flag_views.frequent_calls_log_export,
        {"kind": "xlsx"},
        name="frequent_log_xlsx",
    ),
    path("meetings/", flag_views.meetings, name="meetings"),
    path("meetings/<int:pk>/", flag_views.meeting_detail, name="meeting"),
    path("meetings/items/<int:pk>/decide/", flag_views.meeting_decide, name="meeting_decide"),
    path("dashboard/", flag_views.dashboard, name="dashboard"),
    path("rules/", flag_views.rules, name="rules"),
]
