"""The duty ledger: when a duty arose, its status, when it was done and when recorded, the stable kind
codes of `deadlines.kinds`, and one live duty per kind and subject (RULES.md §9)."""

from django.db import migrations, models
from django.db.models import Q

OLD_TO_NEW_KIND = {
    "le_report_victim": "screening.victim_report_law_enforcement",
    "mdt_action_item": "mdt.action_item",
    "missing.notice.parents_or_guardians": "missing.notice.parents",
    "missing.notice.tribe_if_indian_child": "missing.notice.tribe",
}
CARE_IMMEDIATE = {
    "safe_placement": "care.immediate.safe_placement",
    "physical_health_exam": "care.immediate.health_exam",
    "mental_health_trauma": "care.immediate.mental_health",
}


def forwards(apps, schema_editor):
    Deadline = apps.get_model("deadlines", "Deadline")
    ServiceItem = apps.get_model("care", "ServiceItem")
    for old, new in OLD_TO_NEW_KIND.items():
        Deadline.objects.filter(kind=old).update(kind=new)
    categories = dict(ServiceItem.objects.values_list("pk", "category"))
    for row in Deadline.objects.filter(kind="service_item").only("pk", "subject_id"):
        category = categories.get(row.subject_id, "")
        Deadline.objects.filter(pk=row.pk).update(kind=CARE_IMMEDIATE.get(category, "care.service"))
    for row in Deadline.objects.all().only("pk", "created_at", "done_at", "cancelled_at"):
        if row.done_at is not None:
            Deadline.objects.filter(pk=row.pk).update(
                arose_at=row.created_at, recorded_at=row.done_at, status="met", cancelled_at=None
            )
        elif row.cancelled_at is not None:
            Deadline.objects.filter(pk=row.pk).update(arose_at=row.created_at, status="cancelled")
        else:
            Deadline.objects.filter(pk=row.pk).update(arose_at=row.created_at, status="open")
    # Before the new constraint: one open duty per (kind, subject); the earliest due stays.
    seen = set()
    for row in Deadline.objects.filter(status="open").order_by("due_at", "id"):
        key = (row.kind, row.subject_type, row.subject_id)
        if key in seen:
            Deadline.objects.filter(pk=row.pk).update(
                status="cancelled", cancelled_at=row.created_at, cancel_reason="duplicate"
            )
        seen.add(key)


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0001_initial"),
        ("care", "0003_seed_handbook_partner_organisations"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="deadline", name="deadline_unique_duty_per_subject"),
        migrations.RemoveIndex(model_name="deadline", name="deadline_owner_open_idx"),
        migrations.RenameField(model_name="deadline", old_name="met_at", new_name="done_at"),
        migrations.RenameField(model_name="deadline", old_name="met_by", new_name="done_by"),
        migrations.AlterField(
            model_name="deadline",
            name="done_at",
            field=models.DateTimeField(blank=True, help_text="When it was done (entered by the person).", null=True),
        ),
        migrations.AddField(
            model_name="deadline",
            name="arose_at",
            field=models.DateTimeField(null=True, help_text="When the duty arose: the event that starts its clock."),
        ),
        migrations.AddField(
            model_name="deadline",
            name="recorded_at",
            field=models.DateTimeField(blank=True, help_text="When its completion was entered.", null=True),
        ),
        migrations.AddField(
            model_name="deadline",
            name="status",
            field=models.CharField(
                choices=[
                    ("open", "Open"),
                    ("met", "Met"),
                    ("cancelled", "Cancelled"),
                    ("not_applicable", "Does not apply"),
                ],
                default="open",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="deadline",
            name="cancel_reason",
            field=models.CharField(blank=True, max_length=60),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="deadline",
            name="arose_at",
            field=models.DateTimeField(help_text="When the duty arose: the event that starts its clock."),
        ),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(fields=["owner", "status", "due_at"], name="deadline_owner_status_idx"),
        ),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(fields=["agency", "arose_at"], name="deadline_agency_arose_idx"),
        ),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(fields=["youth", "status"], name="deadline_youth_status_idx"),
        ),
        migrations.AddConstraint(
            model_name="deadline",
            constraint=models.UniqueConstraint(
                condition=Q(status="open"),
                fields=("kind", "subject_type", "subject_id"),
                name="deadline_one_open_duty_per_subject",
            ),
        ),
        migrations.AddConstraint(
            model_name="deadline",
            constraint=models.CheckConstraint(
                condition=Q(status="open", done_at__isnull=True, cancelled_at__isnull=True)
                | Q(status="met", done_at__isnull=False, recorded_at__isnull=False)
                | Q(status__in=["cancelled", "not_applicable"], cancelled_at__isnull=False),
                name="deadline_status_matches_its_instants",
            ),
        ),
    ]
