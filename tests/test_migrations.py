"""Migrations that move records between apps keep every record and every permission given."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
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
def test_follow_ups_and_the_report_permission_move_to_callers_with_everything_given():
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
