from django.urls import path

from callers import flag_views, safeguarding_views, views

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

urlpatterns += [
    path("<int:pk>/concern/", safeguarding_views.concern_new, name="concern_new"),
    path("concerns/", safeguarding_views.concerns, name="concerns"),
    path("concerns/<int:pk>/", safeguarding_views.concern_detail, name="concern"),
    path("<int:pk>/referral/", safeguarding_views.referral_new, name="referral_new"),
    path("referrals/<int:pk>/", safeguarding_views.referral_detail, name="referral"),
    path("log/risk-check/", safeguarding_views.risk_check, name="risk_check"),
    path("duplicates/", safeguarding_views.duplicates, name="duplicates"),
    path("merge/<int:first>/<int:second>/", safeguarding_views.merge, name="merge"),
    path("<int:pk>/legal-hold/", safeguarding_views.legal_hold, name="legal_hold"),
    path(
        "<int:pk>/subject-access/", safeguarding_views.subject_access_export, name="subject_access"
    ),
    path("import/", safeguarding_views.import_flags, name="import"),
]
