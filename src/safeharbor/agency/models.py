from __future__ import annotations

import zoneinfo
from datetime import time

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from safeharbor.agency.policy import ICWA_NOTICES_DEFAULT, NOTICES_DEFAULT, STRONG_SIGNS_DEFAULT, AgencyPolicy


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (for example America/Los_Angeles).")


def default_strong_signs() -> list[str]:
    return list(STRONG_SIGNS_DEFAULT)


def default_notices() -> list[str]:
    return list(NOTICES_DEFAULT)


def default_icwa_notices() -> list[str]:
    return list(ICWA_NOTICES_DEFAULT)


class Agency(models.Model):
    """A county agency. Every record belongs to one; nothing crosses agencies."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(max_length=64, default="America/Los_Angeles", validators=[validate_time_zone])

    # Screening
    strong_signs = models.JSONField(default=default_strong_signs)
    suspected_sign_threshold = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(14)]
    )
    rescreen_months = models.PositiveSmallIntegerField(default=6, validators=[MinValueValidator(1)])
    # Missing from care
    return_debrief_hours = models.PositiveSmallIntegerField(default=72, validators=[MinValueValidator(1)])
    return_screening_hours = models.PositiveSmallIntegerField(default=72, validators=[MinValueValidator(1)])
    notices = models.JSONField(default=default_notices)
    icwa_notices = models.JSONField(
        default=default_icwa_notices,
        blank=True,
        help_text="Which of the notices apply only to an Indian child (they follow the youth's ICWA status).",
    )
    # MDT
    mdt_weekday = models.PositiveSmallIntegerField(default=2, validators=[MaxValueValidator(4)])
    mdt_week_of_month = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    mdt_start = models.TimeField(default=time(10, 0))
    mdt_end = models.TimeField(default=time(12, 0))
    mdt_room = models.CharField(max_length=120, default="San Jose Room")
    mdt_slot_minutes = models.PositiveSmallIntegerField(default=60, validators=[MinValueValidator(15)])
    mdt_lead_business_days = models.PositiveSmallIntegerField(default=2)
    partner_window_days = models.PositiveSmallIntegerField(default=30)
    holiday_calendar = models.CharField(max_length=16, default="US-CA")
    # Services, website access, deadlines, audit
    immediate_due_days = models.PositiveSmallIntegerField(default=7, validators=[MinValueValidator(1)])
    webaccess_approval_days = models.PositiveSmallIntegerField(default=30, validators=[MinValueValidator(1)])
    due_soon_hours = models.PositiveSmallIntegerField(default=4)
    burst_threshold = models.PositiveSmallIntegerField(default=50, validators=[MinValueValidator(1)])
    duty_escalation_contact = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Told when a duty of someone without a supervisor is overdue (default: the coordinator).",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.mdt_end <= self.mdt_start:
            raise ValidationError({"mdt_end": "The meeting must end after it starts."})

    def policy(self, holidays: list[Holiday] | None = None) -> AgencyPolicy:
        rows = holidays if holidays is not None else list(self.holidays.all())
        return AgencyPolicy(
            time_zone=self.time_zone,
            strong_signs=tuple(self.strong_signs),
            suspected_sign_threshold=self.suspected_sign_threshold,
            rescreen_months=self.rescreen_months,
            return_debrief_hours=self.return_debrief_hours,
            return_screening_hours=self.return_screening_hours,
            notices=tuple(self.notices),
            icwa_notices=tuple(self.icwa_notices or ()),
            mdt_weekday=self.mdt_weekday,
            mdt_week_of_month=self.mdt_week_of_month,
            mdt_start=self.mdt_start,
            mdt_end=self.mdt_end,
            mdt_room=self.mdt_room,
            mdt_slot_minutes=self.mdt_slot_minutes,
            mdt_lead_business_days=self.mdt_lead_business_days,
            partner_window_days=self.partner_window_days,
            holiday_calendar=self.holiday_calendar,
            holiday_additions=tuple((h.date.isoformat(), h.name) for h in rows if h.closed),
            holiday_removals=tuple(h.date.isoformat() for h in rows if not h.closed),
            immediate_due_days=self.immediate_due_days,
            webaccess_approval_days=self.webaccess_approval_days,
            due_soon_hours=self.due_soon_hours,
            burst_threshold=self.burst_threshold,
        )


class Holiday(models.Model):
    """An agency's change to its default holiday calendar: an extra closure, or a day it stays open."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=120)
    closed = models.BooleanField(
        default=True, help_text="Unticked: the office is open although the calendar says holiday."
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "date"], name="holiday_unique_per_agency_date")]
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
