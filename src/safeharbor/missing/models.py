"""Missing-from-care episodes (RULES.md §3; handbook 13-19): reports and notices, return, debrief."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from safeharbor.core.models import TimeStampedModel


class EpisodeType(models.TextChoices):
    RAN_AWAY = "ran_away", "Ran away"
    ABDUCTED = "abducted", "Abducted"
    UNAPPROVED_LOCATION = "unapproved_location", "At an unapproved location"


class EpisodeStatus(models.TextChoices):
    OPEN = "open", "Open (missing)"
    LOCATED = "located", "Located"
    CLOSED = "closed", "Closed"


class MissingEpisode(TimeStampedModel):
    """One absence from care. Times in UTC; the 72-hour window end is stored for fast dashboards."""

    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="missing_episodes")
    youth = models.ForeignKey("youth.Youth", on_delete=models.CASCADE, related_name="missing_episodes")
    episode_type = models.CharField("type", max_length=24, choices=EpisodeType.choices)
    last_seen_at = models.DateTimeField("last seen", null=True, blank=True, help_text="Leave empty when unknown.")
    discovered_at = models.DateTimeField("agency learned of the absence")
    last_seen_location = models.CharField("where last seen", max_length=200, blank=True)
    circumstances = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=EpisodeStatus.choices, default=EpisodeStatus.OPEN)
    window_ends_at = models.DateTimeField("72-hour window ends", db_index=True)
    located_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField("returned to care", null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    return_screening_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The screening done on return (screening app)."
    )
    return_screening_linked_at = models.DateTimeField(null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-discovered_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status", "returned_at"], name="episode_agency_active_idx"),
            models.Index(fields=["youth", "status"], name="episode_youth_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_seen_at__isnull=True) | Q(discovered_at__gte=F("last_seen_at")),
                name="episode_discovered_after_last_seen",
            ),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True)
                | Q(last_seen_at__isnull=False, returned_at__gte=F("last_seen_at"))
                | Q(last_seen_at__isnull=True, returned_at__gte=F("discovered_at")),
                name="episode_returned_after_leaving",
            ),
            # A youth is missing at most once at a time; a returned episode may keep open duties
            # beside a new one (RULES.md §9).
            models.UniqueConstraint(
                fields=["youth"],
                condition=Q(returned_at__isnull=True) & ~Q(status="closed"),
                name="episode_one_missing_now_per_youth",
            ),
        ]

    def __str__(self) -> str:
        return f"Missing episode #{self.pk}"

    @property
    def window_start(self) -> datetime:
        return self.last_seen_at or self.discovered_at

    @property
    def is_missing(self) -> bool:
        return self.returned_at is None and self.status != EpisodeStatus.CLOSED


class ReportKind(models.TextChoices):
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement (NCIC entry)"
    NCMEC = "ncmec", "National Center for Missing & Exploited Children"
    NOTICE = "notice", "24-hour notice"


class EpisodeReport(models.Model):
    """A report or notice made for an episode: who made it, when, to whom, and its reference number."""

    episode = models.ForeignKey(MissingEpisode, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    notice_code = models.CharField(max_length=60, blank=True, help_text="For a notice: which of the agency's notices.")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField()
    made_to = models.CharField("to whom", max_length=200)
    reference_number = models.CharField("report or case number", max_length=80, blank=True)
    officer = models.CharField("officer", max_length=120, blank=True)
    not_applicable = models.BooleanField(
        default=False, help_text="A notice that does not apply to this youth (for example: not an Indian child)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["made_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "kind", "notice_code"], name="episode_report_once"),
            models.CheckConstraint(
                condition=Q(kind="notice", notice_code__gt="") | (~Q(kind="notice") & Q(notice_code="")),
                name="episode_report_notice_has_code",
            ),
        ]

    def __str__(self) -> str:
        return f"Episode report #{self.pk} {self.kind}"


class ReturnDebrief(models.Model):
    """The debrief after a return: the primary factors behind the absence, experiences while absent."""

    episode = models.OneToOneField(MissingEpisode, on_delete=models.CASCADE, related_name="debrief")
    debriefed_at = models.DateTimeField()
    debriefed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    primary_factors = models.TextField("primary factors behind the absence")
    experiences = models.TextField("experiences while absent")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-debriefed_at"]

    def __str__(self) -> str:
        return f"Return debrief #{self.pk}"
