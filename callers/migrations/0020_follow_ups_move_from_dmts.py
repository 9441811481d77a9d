"""Follow-ups move here from dmts: they reference calls, requests, meetings and callers, and a
meeting's actions are follow-ups, so callers (which dmts builds on) is where they belong. The
tables are taken over as they are and renamed; their content types move, so every permission
given for them (the roles', and any given by hand) stays given, now as callers.*_followup."""

import django.db.models.deletion
import django.utils.timezone
import opcc_calls.text
import simple_history.models
from django.conf import settings
from django.db import migrations, models


MOVED = ("followup", "historicalfollowup")


def content_types_move(apps, schema_editor, *, source="dmts", target="callers"):
    """The content types (and with them every permission and admin log entry) follow. Where
    the target's already exists (made before this ran), the grants move to its permissions."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    User = apps.get_model("opcc_calls", "User")
    for model in MOVED:
        old = ContentType.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue
        new = ContentType.objects.filter(app_label=target, model=model).first()
        if new is None:
            old.app_label = target
            old.save(update_fields=["app_label"])
            continue
        for permission in Permission.objects.filter(content_type=old):
            kept = Permission.objects.filter(content_type=new, codename=permission.codename).first()
            if kept is None:
                permission.content_type = new
                permission.save(update_fields=["content_type"])
                continue
            for group in permission.group_set.all():
                group.permissions.add(kept)
            for user in permission.user_set.all():
                user.user_permissions.add(kept)
            permission.delete()
        old.delete()
    # Permissions are cached per person under a version: their names changed, so move it on.
    User.objects.update(permissions_version=models.F("permissions_version") + 1)


def content_types_move_back(apps, schema_editor):
    content_types_move(apps, schema_editor, source="callers", target="dmts")


class Migration(migrations.Migration):

    dependencies = [
        ('callers', '0019_meeting_record_and_cycle'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('dmts', '0009_follow_ups_move_to_callers'),
        ('opcc_calls', '0006_the_procedure'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalFollowUp',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('request', 'Request to speak to someone, not decided'), ('entry', 'DMTS entry needing follow-up'), ('action', 'Action from a meeting'), ('complaint', "Complaint awaiting the complaints team's reference")], max_length=20)),
                        ('what', models.CharField(max_length=500, verbose_name='What is to be done')),
                        ('due_on', models.DateField(verbose_name='Due')),
                        ('status', models.CharField(choices=[('open', 'Open'), ('done', 'Done')], default='open', max_length=10)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('done_at', models.DateTimeField(blank=True, null=True)),
                        ('done_note', models.TextField(blank=True, max_length=2000, verbose_name='What was done')),
                        ('version', models.PositiveIntegerField(default=1, editable=False)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('call', models.ForeignKey(blank=True, db_column='entry_id', db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='callers.call')),
                        ('caller', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='callers.caller')),
                        ('contact_request', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='callers.contactrequest')),
                        ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('meeting', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='callers.meeting')),
                        ('owner', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'dmts_historicalfollowup',
                        'verbose_name': 'historical follow up',
                        'verbose_name_plural': 'historical follow ups',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='FollowUp',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('request', 'Request to speak to someone, not decided'), ('entry', 'DMTS entry needing follow-up'), ('action', 'Action from a meeting'), ('complaint', "Complaint awaiting the complaints team's reference")], max_length=20)),
                        ('what', models.CharField(max_length=500, verbose_name='What is to be done')),
                        ('due_on', models.DateField(verbose_name='Due')),
                        ('status', models.CharField(choices=[('open', 'Open'), ('done', 'Done')], default='open', max_length=10)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('done_at', models.DateTimeField(blank=True, null=True)),
                        ('done_note', models.TextField(blank=True, max_length=2000, verbose_name='What was done')),
                        ('version', models.PositiveIntegerField(default=1, editable=False)),
                        ('call', models.ForeignKey(blank=True, db_column='entry_id', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='follow_ups', to='callers.call')),
                        ('caller', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='follow_ups', to='callers.caller')),
                        ('contact_request', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='follow_ups', to='callers.contactrequest')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='follow_ups_created', to=settings.AUTH_USER_MODEL)),
                        ('meeting', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='callers.meeting')),
                        ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='follow_ups', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'dmts_followup',
                        'ordering': ['due_on', 'pk'],
                        'indexes': [models.Index(condition=models.Q(('status', 'open')), fields=['owner', 'due_on'], name='followup_open_owner_idx'), models.Index(condition=models.Q(('status', 'open')), fields=['due_on'], name='followup_open_due_idx')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('contact_request__isnull', False)), fields=('kind', 'contact_request'), name='followup_once_per_request'), models.UniqueConstraint(condition=models.Q(('call__isnull', False)), fields=('kind', 'call'), name='followup_once_per_call')],
                    },
                    bases=(opcc_calls.text.TypedText, models.Model),
                ),
            ],
        ),
        migrations.AlterModelTable(name='followup', table=None),
        migrations.AlterModelTable(name='historicalfollowup', table=None),
        migrations.RunPython(content_types_move, content_types_move_back),
    ]
