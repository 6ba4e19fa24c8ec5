"""Time helpers: store UTC, compute in elapsed time, show in the agency's zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def agency_zone(agency: object | None) -> ZoneInfo:
    name = getattr(agency, "time_zone", None) or settings.DEFAULT_AGENCY_TIME_ZONE
    return ZoneInfo(name)


def agency_today(agency: object | None) -> date:
    """Today's date on the agency's wall calendar."""
    return timezone.now().astimezone(agency_zone(agency)).date()


def age_on(date_of_birth: date, on: date) -> int:
    """Completed years of age on a given date (a 29 February birthday ages on 1 March)."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def to_utc(value: datetime) -> datetime:
    if timezone.is_naive(value):
        raise ValueError("naive datetime")
    return value.astimezone(ZoneInfo("UTC"))
