"""Notice codes `parents` and `tribe` (the duty kinds `missing.notice.parents` / `.tribe`), which
notices follow the youth's ICWA status, and the person told of overdue duties without a supervisor."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import safeharbor.agency.models

RENAMED = {"parents_or_guardians": "parents", "tribe_if_indian_child": "tribe"}


def rename_notice_codes(apps, schema_editor):
    Agency = apps.get_model("agency", "Agency")
    for agency in Agency.objects.all():
        notices = [RENAMED.get(code, code) for code in (agency.notices or [])]
        if notices != agency.notices:
            Agency.objects.filter(pk=agency.pk).update(notices=notices)


class Migration(migrations.Migration):
    dependencies = [
        ("agency", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="agency",
            name="icwa_notices",
            field=models.JSONField(
                blank=True,
                default=safeharbor.agency.models.default_icwa_notices,
                help_text="Which of the notices apply only to an Indian child (they follow the youth's ICWA status).",
            ),
        ),
        migrations.AddField(
            model_name="historicalagency",
            name="icwa_notices",
            field=models.JSONField(
                blank=True,
                default=safeharbor.agency.models.default_icwa_notices,
                help_text="Which of the notices apply only to an Indian child (they follow the youth's ICWA status).",
            ),
        ),
        migrations.AddField(
            model_name="agency",
            name="duty_escalation_contact",
            field=models.ForeignKey(
                blank=True,
                help_text="Told when a duty of someone without a supervisor is overdue (default: the coordinator).",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalagency",
            name="duty_escalation_contact",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="Told when a duty of someone without a supervisor is overdue (default: the coordinator).",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(rename_notice_codes, migrations.RunPython.noop),
    ]
