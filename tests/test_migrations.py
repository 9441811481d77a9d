"""Migrations that move records between apps keep every record and every permission given."""

import importlib
import inspect

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

BEFORE = [
    ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ("opcc_calls", "0006_the_procedure"),
    ("callers", "0019_meeting_record_and_cycle"),
    ("dmts", "0007_quarterly_report"),
]


def _migrate(targets=None):
    """Migrate the test database to these migrations (the latest when None), and give the
    models as they stood there."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_records_permissions_and_queued_tasks_all_follow_the_code_that_moved():
    old = _migrate(BEFORE)
    User = old.get_model("opcc_calls", "User")
    Permission = old.get_model("auth", "Permission")
    Group = old.get_model("auth", "Group")
    ContentType = old.get_model("contenttypes", "ContentType")
    Caller = old.get_model("callers", "Caller")
    Call = old.get_model("callers", "Call")
    DmtsEntry = old.get_model("dmts", "DmtsEntry")
    FollowUp = old.get_model("dmts", "FollowUp")
    handler = User.objects.create(username="keeper")
    caller = Caller.objects.create(full_name="Ann Example")
    call = Call.objects.create(
        caller=caller, handler=handler, call_type="enquiry", about="x", received_at=timezone.now()
    )
    entry = DmtsEntry.objects.create(call=call, year=2026, number=1, reference="DMTS-2026-000001")
    FollowUp.objects.create(
        kind="entry", what="Follow up", due_on=timezone.localdate(), entry=entry, caller=caller
    )
    dmts_entry = ContentType.objects.get_or_create(app_label="dmts", model="dmtsentry")[0]
    follow_up = ContentType.objects.get_or_create(app_label="dmts", model="followup")[0]
    report = Permission.objects.get_or_create(
        content_type=dmts_entry, codename="report_dmtsentry", defaults={"name": "Report"}
    )[0]
    view = Permission.objects.get_or_create(
        content_type=follow_up, codename="view_followup", defaults={"name": "View"}
    )[0]
    handler.user_permissions.add(report, view)
    group = Group.objects.create(name="Report readers")
    group.permissions.add(report)
    Queued = old.get_model("django_tasks_database", "DBTaskResult")
    waiting = Queued.objects.create(  # an email waiting for the mail server
        task_path="dmts.services.complaint_handover_send",
        args_kwargs={"args": [call.pk], "kwargs": {"attempt": 2}},
        queue_name="default",
        backend_name="default",
        run_after=timezone.now(),
    )

    new = _migrate()
    FollowUp = new.get_model("callers", "FollowUp")
    moved = FollowUp.objects.get()
    assert moved.call_id == call.pk and moved.kind == "entry"
    User = new.get_model("opcc_calls", "User")
    held = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in User.objects.get(username="keeper").user_permissions.all()
    }
    assert held == {"callers.produce_report", "callers.view_followup"}
    Group = new.get_model("auth", "Group")
    assert [p.codename for p in Group.objects.get(name="Report readers").permissions.all()] == [
        "produce_report"
    ]
    Queued = new.get_model("django_tasks_database", "DBTaskResult")
    assert Queued.objects.get(pk=waiting.pk).task_path == (
        "dmts.services.complaints.complaint_handover_email"
    )


def test_every_task_queued_before_the_move_points_at_a_task_that_exists():
    """A task queued before the upgrade is found where its function is now (callers.0022)."""
    moved = importlib.import_module("callers.migrations.0022_queued_tasks_follow_their_code")
    for before, now in moved.MOVED.items():
        assert isinstance(import_string(now), Task), f"{before} → {now}"


def test_every_task_of_ours_is_named_for_its_record_and_work():
    """Email tasks end `_email` (and send with email_or_retry); moved tasks are all mapped."""
    moved = importlib.import_module("callers.migrations.0022_queued_tasks_follow_their_code")
    for path in moved.MOVED.values():
        name = path.rsplit(".", 1)[1]
        source = inspect.getsource(import_string(path).func)
        assert ("email_or_retry(" in source) == name.endswith("_email"), path
