"""Follow-ups move to callers (callers.0020 takes the tables over, its content types and
permissions with them): nothing changes in the database here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dmts", "0008_follow_ups_name_their_call"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="HistoricalFollowUp"),
                migrations.DeleteModel(name="FollowUp"),
            ],
            database_operations=[],
        ),
    ]
