from django.urls import path

from callers.views import calls, data_protection, flags, safeguarding

app_name = "callers"

urlpatterns = [
    path("", calls.caller_search, name="search"),
    path("log/", calls.log_call, name="log"),
    path("log/matches/", calls.log_call_matches, name="matches"),
    path("log/phone-call/", calls.phone_call_current, name="phone_call"),
    path("<int:pk>/", calls.caller_detail, name="detail"),
    path("<int:pk>/card/", calls.caller_card, name="card"),
    path("<int:pk>/edit/", calls.caller_edit, name="edit"),
    path("calls/<int:pk>/logged/", calls.call_logged, name="logged"),
    path("requests/", calls.request_decide, name="request_decide"),
    path("requests/<int:pk>/", calls.request_change, name="request_change"),
]

urlpatterns += [
    path("candidates/", flags.candidates, name="candidates"),
    path("<int:pk>/flag/", flags.flag_new, name="flag_new"),
    path("flags/<int:pk>/", flags.flag_detail, name="flag"),
    path("flags/<int:pk>/renew/", flags.flag_change, {"action": "renew"}, name="flag_renew"),
    path(
        "flags/<int:pk>/response/",
        flags.flag_change,
        {"action": "response"},
        name="flag_response",
    ),
    path(
        "flags/<int:pk>/arrangements/",
        flags.flag_change,
        {"action": "arrangements"},
        name="flag_arrangements",
    ),
    path("flags/<int:pk>/end/", flags.flag_change, {"action": "end"}, name="flag_end"),
    path("flags/<int:pk>/notice/", flags.notice_new, name="notice_new"),
    path("flags/<int:pk>/appeal/", flags.appeal_new, name="appeal_new"),
    path("letters/<int:pk>/", flags.letter_detail, name="letter"),
    path("letters/<int:pk>/sent/", flags.letter_sent, name="letter_sent"),
    path("letters/<int:pk>.docx", flags.letter_document, {"kind": "docx"}, name="letter_docx"),
    path("letters/<int:pk>.pdf", flags.letter_document, {"kind": "pdf"}, name="letter_pdf"),
    path("letter-templates/", flags.letter_templates, name="letter_templates"),
    path("letter-templates/<slug:kind>/", flags.letter_template, name="letter_template"),
    path("appeals/<int:pk>/", flags.appeal_detail, name="appeal"),
    path("appeals/<int:pk>/decide/", flags.appeal_decide, name="appeal_decide"),
    path("frequent-calls-log/", flags.frequent_calls_log, name="frequent_log"),
    path(
        "frequent-calls-log.csv",
        flags.frequent_calls_log_export,
        {"kind": "csv"},
        name="frequent_log_csv",
    ),
    path(
        "frequent-calls-log.xlsx",
        flags.frequent_calls_log_export,
        {"kind": "xlsx"},
        name="frequent_log_xlsx",
    ),
    path("meetings/", flags.meetings, name="meetings"),
    path("meetings/cycle/", flags.meeting_cycle, name="meeting_cycle"),
    path("meetings/<int:pk>/", flags.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/record/", flags.meeting_record, name="meeting_record"),
    path("meetings/<int:pk>/pack.pdf", flags.meeting_pdf, name="meeting_pdf"),
    path("meetings/<int:pk>/actions/", flags.meeting_action, name="meeting_action"),
    path("meetings/items/<int:pk>/decide/", flags.meeting_decide, name="meeting_decide"),
    path("dashboard/", flags.dashboard, name="dashboard"),
    path("rules/", flags.rules, name="rules"),
]

urlpatterns += [
    path("<int:pk>/concern/", safeguarding.concern_new, name="concern_new"),
    path("concerns/", safeguarding.concerns, name="concerns"),
    path("concerns/<int:pk>/", safeguarding.concern_detail, name="concern"),
    path("<int:pk>/referral/", safeguarding.referral_new, name="referral_new"),
    path("referrals/<int:pk>/", safeguarding.referral_detail, name="referral"),
    path("log/risk-check/", safeguarding.risk_check, name="risk_check"),
    path("log/tell-a-manager/", safeguarding.tell_manager, name="tell_manager"),
]

urlpatterns += [
    path("duplicates/", data_protection.duplicates, name="duplicates"),
    path("merge/<int:first>/<int:second>/", data_protection.merge, name="merge"),
    path("<int:pk>/legal-hold/", data_protection.legal_hold, name="legal_hold"),
    path("<int:pk>/subject-access/", data_protection.subject_access_export, name="subject_access"),
    path("import/", data_protection.import_flags, name="import"),
]
