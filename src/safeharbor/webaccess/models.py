from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safeharbor.webaccess import rules


class AccessLevel(models.TextChoices):
    OPEN = rules.OPEN, "Open to all staff for work research"
    APPROVAL_REQUIRED = rules.APPROVAL_REQUIRED, "Management approval required"


class Site(models.Model):
    """A website in the agency's catalogue (handbook 13-19, "Internet")."""

    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="web_sites")
    domain = models.CharField(max_length=120, help_text="For example: example.com")
    name = models.CharField(max_length=120)
    access_level = models.CharField(max_length=20, choices=AccessLevel.choices, default=AccessLevel.APPROVAL_REQUIRED)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "domain"]
        constraints = [models.UniqueConstraint(fields=["agency", "domain"], name="site_unique_domain_per_agency")]

    def __str__(self) -> str:
        return f"{self.name} ({self.domain})"

    @property
    def is_open(self) -> bool:
        return self.access_level == rules.OPEN


class RequestStatus(models.TextChoices):
    PENDING = rules.PENDING, "Waiting for a decision"
    APPROVED = rules.APPROVED, "Approved"
    DENIED = rules.DENIED, "Denied"


class AccessRequest(models.Model):
    """A worker's request to use one site for research on one youth; a manager decides it."""

    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="web_access_requests")
    youth = models.ForeignKey("youth.Youth", on_delete=models.CASCADE, related_name="web_access_requests")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="web_access_requests"
    )
    requested_at = models.DateTimeField()
    reason = models.TextField()
    status = models.CharField(
        max_length=12, choices=RequestStatus.choices, default=RequestStatus.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="web_access_decisions"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    lapse_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "youth", "site", "status"], name="webreq_worker_youth_site_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=rules.APPROVED) | (Q(decided_at__isnull=False) & Q(expires_at__isnull=False)),
                name="webreq_approved_has_decision_and_expiry",
            ),
            models.CheckConstraint(
                condition=~Q(status=rules.PENDING) | Q(decided_at__isnull=True),
                name="webreq_pending_is_undecided",
            ),
        ]

    def __str__(self) -> str:
        return f"Website access request #{self.pk}"

    def is_active_at(self, now: object) -> bool:
        return rules.approval_active(status=self.status, expires_at=self.expires_at, now=now)  # type: ignore[arg-type]

    def is_lapsed_at(self, now: object) -> bool:
        return rules.approval_lapsed(status=self.status, expires_at=self.expires_at, now=now)  # type: ignore[arg-type]


class ResearchSession(models.Model):
    """One research session on one site for one youth, recorded on the youth's record."""

    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="web_research_sessions")
    youth = models.ForeignKey("youth.Youth", on_delete=models.CASCADE, related_name="web_research_sessions")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="research_sessions")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="web_research_sessions")
    access_request = models.ForeignKey(
        AccessRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="research_sessions"
    )
    performed_at = models.DateTimeField(help_text="When the research was done.")
    looked_for = models.CharField("what was looked for", max_length=300)
    findings = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-performed_at", "-id"]

    def __str__(self) -> str:
        return f"Research session #{self.pk}"
