"""A youth may go missing again while an earlier episode still has open duties (RULES.md §9): only one
episode without a recorded return per youth. Notice codes renamed to `parents` and `tribe`."""

from django.db import migrations, models
from django.db.models import Q

RENAMED = {"parents_or_guardians": "parents", "tribe_if_indian_child": "tribe"}


def rename_notice_codes(apps, schema_editor):
    EpisodeReport = apps.get_model("missing", "EpisodeReport")
    for old, new in RENAMED.items():
        EpisodeReport.objects.filter(notice_code=old).update(notice_code=new)


class Migration(migrations.Migration):
    dependencies = [
        ("missing", "0001_episodes_reports_debriefs"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="missingepisode", name="episode_one_active_per_youth"),
        migrations.AddConstraint(
            model_name="missingepisode",
            constraint=models.UniqueConstraint(
                condition=Q(returned_at__isnull=True) & ~Q(status="closed"),
                fields=("youth",),
                name="episode_one_missing_now_per_youth",
            ),
        ),
        migrations.RunPython(rename_notice_codes, migrations.RunPython.noop),
    ]
