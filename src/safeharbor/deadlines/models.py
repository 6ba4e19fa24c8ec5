from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Deadline(models.Model):
    """A duty with a due instant (UTC). The database row is the source of truth; sweeps only read it."""

    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="deadlines")
    youth = models.ForeignKey("youth.Youth", null=True, blank=True, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=60)
    subject_type = models.CharField(max_length=60)
    subject_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=200, help_text="Plain words, no names of children.")
    due_at = models.DateTimeField(db_index=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deadlines")
    met_at = models.DateTimeField(null=True, blank=True)
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["owner", "met_at", "due_at"], name="deadline_owner_open_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="deadline_subject_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id", "owner"], name="deadline_unique_duty_per_subject"
            )
        ]

    def __str__(self) -> str:
        return f"Deadline #{self.pk} {self.kind}"


class Notification(models.Model):
    """A message to one person. With a deadline, at most one per (deadline, recipient, channel, kind)."""

    class Channel(models.TextChoices):
        APP = "app", "In the app"
        EMAIL = "email", "E-mail"

    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="notifications")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    deadline = models.ForeignKey(
        Deadline, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.APP)
    kind = models.CharField(max_length=60)
    message = models.CharField(max_length=300, help_text="Plain words, no names of children.")
    link = models.CharField(max_length=200, blank=True)
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "recipient", "channel", "kind"],
                condition=Q(deadline__isnull=False),
                name="notification_once_per_deadline_recipient_channel_kind",
            )
        ]

    def __str__(self) -> str:
        return f"Notification #{self.pk} {self.kind}"
