# The youth's ICWA (Indian Child Welfare Act) status, with when it was last recorded; the historical
# model (django-simple-history) gets both fields too. Existing records start as "inquiry not yet made".

from django.db import migrations, models

ICWA_CHOICES = [
    ("yes", "Indian child (ICWA applies)"),
    ("no", "Not an Indian child"),
    ("not_inquired", "ICWA inquiry not yet made"),
    ("reason_to_know", "Reason to know, pending confirmation"),
]


def _status_field():
    return models.CharField(
        choices=ICWA_CHOICES,
        default="not_inquired",
        help_text="Whether the Indian Child Welfare Act applies to this youth.",
        max_length=20,
        verbose_name="ICWA status",
    )


def _status_at_field():
    return models.DateTimeField(blank=True, null=True, verbose_name="ICWA status recorded at")


class Migration(migrations.Migration):
    dependencies = [
        ("youth", "0004_search_indexes"),
    ]

    operations = [
        migrations.AddField(model_name="historicalyouth", name="icwa_status", field=_status_field()),
        migrations.AddField(model_name="historicalyouth", name="icwa_status_at", field=_status_at_field()),
        migrations.AddField(model_name="youth", name="icwa_status", field=_status_field()),
        migrations.AddField(model_name="youth", name="icwa_status_at", field=_status_at_field()),
    ]
