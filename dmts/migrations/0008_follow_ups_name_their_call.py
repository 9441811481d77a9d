"""A follow-up about a DMTS entry names the entry's call (the entry shares its call's key, so
the column and its values stay as they are), ready for follow-ups to move to callers: a
follow-up references calls, requests, meetings and callers, and dmts only feeds it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("callers", "0019_meeting_record_and_cycle"),
        ("dmts", "0007_quarterly_report"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="followup", name="followup_once_per_entry"),
        migrations.AlterField(
            model_name="followup",
            name="entry",
            field=models.ForeignKey(
                blank=True,
                db_column="entry_id",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="follow_ups",
                to="callers.call",
            ),
        ),
        migrations.AlterField(
            model_name="historicalfollowup",
            name="entry",
            field=models.ForeignKey(
                blank=True,
                db_column="entry_id",
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="callers.call",
            ),
        ),
        migrations.RenameField(model_name="followup", old_name="entry", new_name="call"),
        migrations.RenameField(model_name="historicalfollowup", old_name="entry", new_name="call"),
        migrations.AddConstraint(
            model_name="followup",
            constraint=models.UniqueConstraint(
                condition=models.Q(("call__isnull", False)),
                fields=("kind", "call"),
                name="followup_once_per_call",
            ),
        ),
    ]
