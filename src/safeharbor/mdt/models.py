from __future__ import annotations

from django.conf import settings
from django.db import models

from safeharbor.core.models import TimeStampedModel


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

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Referral #{self.pk}"
