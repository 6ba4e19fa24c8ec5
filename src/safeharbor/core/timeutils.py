"""Time helpers: store UTC, compute in elapsed time, show in the agency's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
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


def wall_time_instants(wall: datetime, zone: ZoneInfo) -> tuple[datetime, ...]:
    """The instants a wall-clock reading (naive) names in `zone`, earliest first, aware in UTC.

    One instant for an ordinary time; two in the repeated hour when the clocks go back (the first,
    fold=0, and the second, fold=1); none in the hour skipped when the clocks go forward.
    """
    if wall.tzinfo is not None:
        raise ValueError("expected a naive wall-clock time")
    found: list[datetime] = []
    for fold in (0, 1):
        instant = wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        if instant.astimezone(zone).replace(tzinfo=None) == wall and instant not in found:
            found.append(instant)
    return tuple(sorted(found))


def clock_change_around(wall: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """For a wall time in a repeated or skipped hour: the wall times the clocks moved from and to.

    For 2025-11-02 01:30 in Los Angeles: (02:00, 01:00); for 2025-03-09 02:30: (02:00, 03:00).
    Raises ValueError for an ordinary wall time.
    """
    if wall.tzinfo is not None:
        raise ValueError("expected a naive wall-clock time")
    candidates = sorted(wall.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1))
    low, high = candidates
    before, after = low.astimezone(zone).utcoffset(), high.astimezone(zone).utcoffset()
    if before == after or before is None or after is None:
        raise ValueError("not at a clock change")
    # Bisect to the first second on the new offset: the moment of the change.
    lo, hi = int(low.timestamp()), int(high.timestamp())
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, UTC).astimezone(zone).utcoffset() == before:
            lo = mid
        else:
            hi = mid
    change = datetime.fromtimestamp(hi, UTC)
    return (change + before).replace(tzinfo=None), (change + after).replace(tzinfo=None)


def utc_offset_label(offset: timedelta | None) -> str:
    """'UTC-7', 'UTC+5:30', 'UTC+0', written with a true minus sign (U+2212) for screen readers and print."""
    if offset is None:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "\N{MINUS SIGN}" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


# Shared by the API's datetime fields and the rules API: a machine always says which instant it means.
OFFSET_REQUIRED_MESSAGE = "Give the time with its UTC offset, for example 2026-11-01T01:30:00-07:00."
