"""The quarterly report moves to callers' reports, beside the dashboard: its permission is
now callers.produce_report. Whoever could produce it (a role, or a permission given by hand)
still can; the old permission (dmts.report_dmtsentry) goes."""

from django.db import migrations, models


def permission_carried_over(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    User = apps.get_model("opcc_calls", "User")
    old = Permission.objects.filter(
        content_type__app_label="dmts", codename="report_dmtsentry"
    ).first()
    if old is None:  # a new installation: nobody holds it
        return
    content_type, _ = ContentType.objects.get_or_create(
        app_label="callers", model="dashboardfigure"
    )
    new, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="produce_report",
        defaults={"name": "Can produce the quarterly report"},
    )
    for group in old.group_set.all():
        group.permissions.add(new)
    for user in old.user_set.all():
        user.user_permissions.add(new)
    old.delete()
    # Permissions are cached per person under a version: move it on for everyone.
    User.objects.update(permissions_version=models.F("permissions_version") + 1)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("callers", "0020_follow_ups_move_from_dmts"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="dashboardfigure",
            options={"permissions": [("produce_report", "Can produce the quarterly report")]},
        ),
        migrations.RunPython(permission_carried_over, migrations.RunPython.noop),
    ]
