"""The law-enforcement report of an identified victim (42 USC 671(a)(34)(A); RULES.md §3): one per youth,
with its history (django-simple-history)."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agency", "0001_initial"),
        ("screening", "0002_seed_indicator_catalogue"),
        ("youth", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalVictimReport",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("made_at", models.DateTimeField(help_text="When the report was made (entered by the person).")),
                ("law_enforcement_agency", models.CharField(max_length=200, verbose_name="law enforcement agency")),
                ("report_number", models.CharField(max_length=80, verbose_name="report number")),
                ("officer", models.CharField(blank=True, max_length=120, verbose_name="officer")),
                (
                    "recorded_at",
                    models.DateTimeField(blank=True, editable=False, help_text="When the report was entered."),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "agency",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="agency.agency",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "made_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "youth",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="youth.youth",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical victim report",
                "verbose_name_plural": "historical victim reports",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="VictimReport",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("made_at", models.DateTimeField(help_text="When the report was made (entered by the person).")),
                ("law_enforcement_agency", models.CharField(max_length=200, verbose_name="law enforcement agency")),
                ("report_number", models.CharField(max_length=80, verbose_name="report number")),
                ("officer", models.CharField(blank=True, max_length=120, verbose_name="officer")),
                ("recorded_at", models.DateTimeField(auto_now_add=True, help_text="When the report was entered.")),
                (
                    "agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="agency.agency"
                    ),
                ),
                (
                    "made_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "youth",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="victim_reports",
                        to="youth.youth",
                    ),
                ),
            ],
            options={
                "ordering": ["-made_at", "-id"],
                "constraints": [models.UniqueConstraint(fields=("youth",), name="victim_report_once_per_youth")],
            },
        ),
    ]
