"""The quarterly report moved to callers (callers.0021 carries its permission over)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('dmts', '0009_follow_ups_move_to_callers'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='dmtsentry',
            options={'ordering': ['-created_at', '-pk'], 'permissions': [('review_dmtsentry', 'Can review, correct and void any DMTS entry'), ('export_dmtsentry', 'Can export the DMTS call log'), ('correct_own_dmtsentry', 'Can correct their own DMTS entries until reviewed')], 'verbose_name': 'DMTS entry', 'verbose_name_plural': 'DMTS entries'},
        ),
    ]
