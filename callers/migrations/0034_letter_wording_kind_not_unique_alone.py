"""Kind alone no longer names a letter's wording: there is one per kind and language (0033's
constraint). This only loosens: the previous release's code still reads and writes its English
wording by kind, which the new constraint keeps one of. Marked contract only because the
release check asks any AlterField of a NOT NULL column to say so."""

from django.db import migrations, models


class Migration(migrations.Migration):
    contract = True

    dependencies = [
        ("callers", "0033_letters_in_welsh_and_english"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicallettertemplate",
            name="kind",
            field=models.CharField(
                choices=[
                    ("notice", "Notice of contact arrangements"),
                    ("appeal_upheld", "Appeal upheld"),
                    ("appeal_not_upheld", "Appeal not upheld"),
                ],
                editable=False,
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="lettertemplate",
            name="kind",
            field=models.CharField(
                choices=[
                    ("notice", "Notice of contact arrangements"),
                    ("appeal_upheld", "Appeal upheld"),
                    ("appeal_not_upheld", "Appeal not upheld"),
                ],
                editable=False,
                max_length=20,
            ),
        ),
    ]
