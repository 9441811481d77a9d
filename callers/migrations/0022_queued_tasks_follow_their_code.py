"""Background tasks moved with their code (callers and dmts in layers of concerns, follow-ups
and the report to callers) and the email tasks are named `<record>_email`: a task queued
before the upgrade (an email waiting for the mail server, a report being worked out) is
recorded by the path of its function, so it is pointed at where that function is now, and
runs as it would have. Nothing queued is lost."""

from django.db import migrations

#: Each task's path before, and now.
MOVED = {
    "callers.services.calls.contact_request_send": (
        "callers.services.contact_requests.contact_request_email"
    ),
    "callers.services.flags.matches_refresh_everyone": (
        "callers.services.rules.matches_refresh_everyone"
    ),
    "callers.services.flags.meeting_reminder_email": (
        "callers.services.meetings.meeting_reminder_email"
    ),
    "callers.services.flags.dashboard_figures_refresh": (
        "callers.services.reports.dashboard_figures_refresh"
    ),
    "callers.services.safeguarding.concern_notify": "callers.services.safeguarding.concern_email",
    "callers.services.safeguarding.manager_alert_send": (
        "callers.services.safeguarding.manager_alert_email"
    ),
    "dmts.services.complaint_handover_send": "dmts.services.complaints.complaint_handover_email",
    "dmts.services.review_digest_email": "dmts.services.entries.review_digest_email",
    "dmts.services.call_log_export_write": "dmts.services.exports.call_log_export_write",
    "dmts.services.call_log_export_expire": "dmts.services.exports.call_log_export_expire",
    "dmts.services.follow_up_digest_email": "callers.services.follow_ups.follow_up_digest_email",
    "dmts.services.report_compute": "callers.services.reports.report_compute",
}


def tasks_follow(apps, schema_editor, moved=MOVED):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    for before, now in moved.items():
        DBTaskResult.objects.filter(task_path=before).update(task_path=now)


def tasks_go_back(apps, schema_editor):
    tasks_follow(apps, schema_editor, {now: before for before, now in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("callers", "0021_quarterly_report_with_the_other_reports"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(tasks_follow, tasks_go_back)]
