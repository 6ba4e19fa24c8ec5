from __future__ import annotations

from datetime import date, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safeharbor.core.models import TimeStampedModel
from safeharbor.screening.codes import INDICATORS, STATUS_LABELS, STATUSES

_Date = date  # MdtSession has a field named `date`


def validate_indicator_codes(value: object) -> None:
    if not isinstance(value, list) or any(code not in INDICATORS for code in value):
        raise ValidationError("Choose indicators from the catalogue (RULES.md §1).")


class Referral(TimeStampedModel):
    """A worker's request to bring a youth to the MDT (RULES.md §4)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        MORE_INFO = "more_info", "More information asked"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        SCHEDULED = "scheduled", "Scheduled"
        CLOSED = "closed", "Closed"

    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="referrals")
    youth = models.ForeignKey("youth.Youth", on_delete=models.CASCADE, related_name="referrals")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)

    question = models.TextField("question for the team", max_length=2000, default="")
    narrative = models.TextField(max_length=10000, blank=True)
    # A snapshot of the record at submission (and at each resubmission).
    status_at_submission = models.CharField(
        "CSEC status at submission",
        max_length=20,
        choices=[(s, STATUS_LABELS[s]) for s in STATUSES],
        default="no_known_risk",
    )
    key_indicators = models.JSONField(default=list, blank=True, validators=[validate_indicator_codes])
    placement_type = models.CharField(max_length=20, blank=True)
    urgent = models.BooleanField(default=False)
    urgency_reasons = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The coordinator's decision.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    accepted_on = models.DateField(null=True, blank=True, help_text="Agency-local date of acceptance.")
    decline_reason = models.TextField(max_length=2000, blank=True)
    more_info_request = models.TextField(max_length=2000, blank=True)
    coordinator_notes = models.TextField(max_length=4000, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agency", "status"], name="referral_agency_status_idx")]

    def __str__(self) -> str:
        return f"Referral #{self.pk}"

    def clean(self) -> None:
        if self.status == self.Status.DECLINED and not self.decline_reason.strip():
            raise ValidationError({"decline_reason": "Say why the referral is declined."})
        if self.status == self.Status.MORE_INFO and not self.more_info_request.strip():
            raise ValidationError({"more_info_request": "Say what information is needed."})


class MdtSession(TimeStampedModel):
    """One MDT meeting. Generated sessions carry the rule's date (`nominal_date`); extra ones do not."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        AGENDA_PUBLISHED = "agenda_published", "Agenda published"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="mdt_sessions")
    date = models.DateField()
    start = models.TimeField(default=time(10, 0))
    end = models.TimeField(default=time(12, 0))
    room = models.CharField(max_length=120)
    slots = models.PositiveSmallIntegerField(default=2)
    nominal_date = models.DateField(null=True, blank=True, help_text="The calendar rule's date, before any move.")
    moved_from = models.DateField(null=True, blank=True)
    move_reason = models.CharField(max_length=200, blank=True)
    extra = models.BooleanField(default=False, help_text="Added by the coordinator outside the monthly rule.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancel_reason = models.CharField(max_length=300, blank=True)
    ics_sequence = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "start", "id"]
        indexes = [models.Index(fields=["agency", "date"], name="mdtsession_agency_date_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "nominal_date"],
                condition=Q(nominal_date__isnull=False),
                name="mdtsession_one_per_rule_date",
            ),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="mdtsession_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"MDT session #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.AGENDA_PUBLISHED)

    def window_ends(self, days: int) -> _Date:
        return self.date + timedelta(days=days)


class Slot(models.Model):
    """One hour of a session; holds at most one referral. Bumps are kept in `bumps`."""

    session = models.ForeignKey(MdtSession, on_delete=models.CASCADE, related_name="slot_set")
    position = models.PositiveSmallIntegerField()
    referral = models.OneToOneField(Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="slot")
    scheduled_at = models.DateTimeField(null=True, blank=True)
    bumps = models.JSONField(default=list, blank=True, help_text="[{referral_id, by_id, at, reason}] oldest first")

    class Meta:
        ordering = ["session__date", "position"]
        constraints = [models.UniqueConstraint(fields=["session", "position"], name="slot_unique_position")]

    def __str__(self) -> str:
        return f"Slot #{self.pk}"

    def starts(self, slot_minutes: int) -> time:
        minutes = self.session.start.hour * 60 + self.session.start.minute + (self.position - 1) * slot_minutes
        return time(minutes // 60 % 24, minutes % 60)


class Invitation(models.Model):
    """A member invited to a session: an internal user or an outside partner."""

    session = models.ForeignKey(MdtSession, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mdt_invitations")
    uid = models.CharField(max_length=120, unique=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session__date", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="invitation_unique_member")]

    def __str__(self) -> str:
        return f"Invitation #{self.pk}"


class ConfidentialityAcknowledgment(models.Model):
    """An outside member's acknowledgment of confidentiality before first seeing a session's packet
    (W&I 827, W&I 18961.7, PC 13753)."""

    session = models.ForeignKey(MdtSession, on_delete=models.CASCADE, related_name="acknowledgments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mdt_acknowledgments")
    at = models.DateTimeField()
    statement_version = models.CharField(max_length=20, default="2026-1")

    class Meta:
        ordering = ["-at"]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="acknowledgment_once_per_session")]

    def __str__(self) -> str:
        return f"Acknowledgment #{self.pk}"


class Attendance(models.Model):
    session = models.ForeignKey(MdtSession, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mdt_attendance")
    present = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="attendance_unique_member")]

    def __str__(self) -> str:
        return f"Attendance #{self.pk}"


class YouthDiscussion(TimeStampedModel):
    """The team's notes and decisions about one youth on the agenda."""

    session = models.ForeignKey(MdtSession, on_delete=models.CASCADE, related_name="discussions")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="discussions")
    notes = models.TextField(max_length=10000, blank=True)
    decisions = models.TextField(max_length=5000, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["session", "referral"], name="discussion_unique_youth")]

    def __str__(self) -> str:
        return f"Discussion #{self.pk}"


class ActionItem(TimeStampedModel):
    """A task the team agreed on; its owner may be an outside partner. It is a deadline until done."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    DEADLINE_KIND = "mdt.action_item"

    session = models.ForeignKey(MdtSession, on_delete=models.CASCADE, related_name="action_items")
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.CASCADE, related_name="action_items")
    description = models.CharField(max_length=300, help_text="Plain words; no child's name (it reaches partners).")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mdt_action_items")
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["owner", "status"], name="actionitem_owner_status_idx")]

    def __str__(self) -> str:
        return f"Action item #{self.pk}"
