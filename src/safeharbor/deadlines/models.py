from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class DutyStatus(models.TextChoices):
    OPEN = "open", "Open"
    MET = "met", "Met"
    CANCELLED = "cancelled", "Cancelled"
    NOT_APPLICABLE = "not_applicable", "Does not apply"


class Deadline(models.Model):
    """A duty with a due instant (UTC). The database row is the source of truth; sweeps only read it.

    A duty arises at `arose_at` (the event that starts its clock), is due at `due_at`, and is closed
    once: met (`done_at` is when the person did it, `recorded_at` when it was entered; on time means
    `done_at <= due_at`), cancelled (it no longer applies; `cancel_reason` is a code) or found not
    applicable. `kind` is a code of `deadlines.kinds` (stable: the duty ledger's contract).
    """

    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="deadlines")
    youth = models.ForeignKey("youth.Youth", null=True, blank=True, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=60)
    subject_type = models.CharField(max_length=60)
    subject_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=200, help_text="Plain words, no names of children.")
    arose_at = models.DateTimeField(help_text="When the duty arose: the event that starts its clock.")
    due_at = models.DateTimeField(db_index=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deadlines")
    status = models.CharField(max_length=16, choices=DutyStatus.choices, default=DutyStatus.OPEN)
    done_at = models.DateTimeField(null=True, blank=True, help_text="When it was done (entered by the person).")
    recorded_at = models.DateTimeField(null=True, blank=True, help_text="When its completion was entered.")
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["owner", "status", "due_at"], name="deadline_owner_status_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="deadline_subject_idx"),
            models.Index(fields=["agency", "arose_at"], name="deadline_agency_arose_idx"),
            models.Index(fields=["youth", "status"], name="deadline_youth_status_idx"),
        ]
        constraints = [
            # One live duty of a kind per subject, whoever owns it: a duty exists once (RULES.md §9).
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id"],
                condition=Q(status="open"),
                name="deadline_one_open_duty_per_subject",
            ),
            models.CheckConstraint(
                condition=Q(status="open", done_at__isnull=True, cancelled_at__isnull=True)
                | Q(status="met", done_at__isnull=False, recorded_at__isnull=False)
                | Q(status__in=["cancelled", "not_applicable"], cancelled_at__isnull=False),
                name="deadline_status_matches_its_instants",
            ),
        ]

    def __str__(self) -> str:
        return f"Deadline #{self.pk} {self.kind}"

    @property
    def is_open(self) -> bool:
        return self.status == DutyStatus.OPEN

    @property
    def on_time(self) -> bool | None:
        """Met by the due instant (the grace hour delays escalation, never lateness); None unless met."""
        if self.status != DutyStatus.MET or self.done_at is None:
            return None
        return self.done_at <= self.due_at


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
