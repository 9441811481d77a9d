from django.urls import path

from callers.views import (
    calls,
    contact_requests,
    data_protection,
    flags,
    follow_ups,
    letters,
    meetings,
    reports,
    rules,
    safeguarding,
    subject_access,
    telephony,
)

app_name = "callers"

urlpatterns = [
    path("", calls.caller_search, name="search"),
    path("log/", calls.log_call, name="log"),
    path("log/matches/", calls.log_call_matches, name="matches"),
    path("log/phone-call/", telephony.phone_call_current, name="phone_call"),
    path(
        "log/phone-call/<int:pk>/dismiss/",
        telephony.phone_call_dismiss,
        name="phone_call_dismiss",
    ),
    path("<int:pk>/", calls.caller_detail, name="detail"),
    path("<int:pk>/card/", calls.caller_card, name="card"),
    path("<int:pk>/edit/", calls.caller_edit, name="edit"),
    path("calls/<int:pk>/logged/", calls.call_logged, name="logged"),
    path("requests/", contact_requests.request_decide, name="request_decide"),
    path("requests/<int:pk>/", contact_requests.request_change, name="request_change"),
]

urlpatterns += [
    path("candidates/", rules.candidates, name="candidates"),
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
    path("flags/<int:pk>/notice/", letters.notice_new, name="notice_new"),
    path("flags/<int:pk>/appeal/", letters.appeal_new, name="appeal_new"),
    path("letters/<int:pk>/", letters.letter_detail, name="letter"),
    path("letters/<int:pk>/sent/", letters.letter_sent, name="letter_sent"),
    path("letters/<int:pk>.docx", letters.letter_document, {"kind": "docx"}, name="letter_docx"),
    path("letters/<int:pk>.pdf", letters.letter_document, {"kind": "pdf"}, name="letter_pdf"),
    path("letter-templates/", letters.letter_templates, name="letter_templates"),
    path("letter-templates/letterhead/", letters.letterhead, name="letterhead"),
    path("letter-templates/<slug:kind>/", letters.letter_template, name="letter_template"),
    path("appeals/<int:pk>/", letters.appeal_detail, name="appeal"),
    path("appeals/<int:pk>/decide/", letters.appeal_decide, name="appeal_decide"),
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
    path("meetings/", meetings.meetings, name="meetings"),
    path("meetings/cycle/", meetings.meeting_cycle, name="meeting_cycle"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/record/", meetings.meeting_record, name="meeting_record"),
    path("meetings/<int:pk>/pack.pdf", meetings.meeting_pdf, name="meeting_pdf"),
    path("meetings/<int:pk>/actions/", meetings.meeting_action, name="meeting_action"),
    path("meetings/items/<int:pk>/decide/", meetings.meeting_decide, name="meeting_decide"),
    path("dashboard/", reports.dashboard, name="dashboard"),
    path("report/", reports.report, name="report"),
    path("report.xlsx", reports.report_download, {"kind": "xlsx"}, name="report_xlsx"),
    path("report.pdf", reports.report_download, {"kind": "pdf"}, name="report_pdf"),
    path("rules/", rules.rules, name="rules"),
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
    path("<int:pk>/merge/", data_protection.merge_with, name="merge_with"),
    path("<int:pk>/legal-hold/", data_protection.legal_hold, name="legal_hold"),
    path("retention/", data_protection.retention, name="retention"),
    path("<int:pk>/subject-access/", subject_access.subject_access, name="subject_access"),
    path("subject-access/", subject_access.subject_access_requests, name="subject_access_requests"),
    path(
        "subject-access/<int:pk>/",
        subject_access.subject_access_request,
        name="subject_access_request",
    ),
    path(
        "subject-access/<int:pk>/response/",
        subject_access.subject_access_build,
        name="subject_access_build",
    ),
    path(
        "subject-access/<int:pk>/<slug:step>/",
        subject_access.subject_access_step,
        name="subject_access_step",
    ),
    path(
        "subject-access/responses/<int:pk>/",
        subject_access.subject_access_response,
        name="subject_access_response",
    ),
    path(
        "subject-access/responses/<int:pk>/<slug:part>/",
        subject_access.subject_access_download,
        name="subject_access_download",
    ),
    path("import/", flags.import_flags, name="import"),
]

urlpatterns += [
    path("follow-ups/", follow_ups.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/", follow_ups.follow_up_detail, name="follow_up"),
    path("follow-ups/<int:pk>/assign/", follow_ups.follow_up_assign, name="follow_up_assign"),
    path("follow-ups/<int:pk>/done/", follow_ups.follow_up_done, name="follow_up_done"),
]
