"""Pure rules of the service plan (RULES.md §5; handbook 13-19, "Services"). No ORM, no request."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

IMMEDIATE = "immediate"
LONG_TERM = "long_term"

# Immediate interventions for a suspected or confirmed victim (handbook 13-19, "Services").
IMMEDIATE_CATEGORIES: tuple[str, ...] = ("safe_placement", "physical_health_exam", "mental_health_trauma")
# Long-term services (handbook 13-19, "Services").
LONG_TERM_CATEGORIES: tuple[str, ...] = (
    "child_care",
    "housing",
    "educational_assistance",
    "employment_assistance",
    "life_skills",
    "financial_management",
    "legal_services",
    "mental_health",
)

CATEGORY_LABELS: dict[str, str] = {
    "safe_placement": "Safe placement",
    "physical_health_exam": "Physical health exam",
    "mental_health_trauma": "Mental health care for layered trauma",
    "child_care": "Child care",
    "housing": "Housing",
    "educational_assistance": "Educational assistance",
    "employment_assistance": "Employment assistance",
    "life_skills": "Life skills training",
    "financial_management": "Financial management",
    "legal_services": "Legal services",
    "mental_health": "Mental health services",
}

STATUSES: tuple[str, ...] = ("needed", "referred", "in_progress", "completed", "declined", "not_available")
STATUS_LABELS: dict[str, str] = {
    "needed": "Needed",
    "referred": "Referred",
    "in_progress": "In progress",
    "completed": "Completed",
    "declined": "Declined by the youth",
    "not_available": "Not available",
}
OPEN_STATUSES: frozenset[str] = frozenset({"needed", "referred", "in_progress"})
CLOSED_STATUSES: frozenset[str] = frozenset({"completed", "declined", "not_available"})

# Statuses at which the service counts as started (for "days to mental health service start").
STARTED_STATUSES: frozenset[str] = frozenset({"in_progress", "completed"})

# CSEC statuses that call for immediate interventions (RULES.md §2, next steps).
VICTIM_STATUSES: frozenset[str] = frozenset({"suspected_victim", "confirmed_victim"})

# Long-term items without a chosen time fall due at the close of business on their due date.
CLOSE_OF_BUSINESS = time(17, 0)


def kind_of(category: str) -> str:
    if category in IMMEDIATE_CATEGORIES:
        return IMMEDIATE
    if category in LONG_TERM_CATEGORIES:
        return LONG_TERM
    raise ValueError(f"unknown service category {category!r}")


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


def transition_allowed(current: str, new: str) -> bool:
    """Any recorded status may move to any other: services are reopened and re-referred in practice."""
    return current in STATUSES and new in STATUSES and current != new


def immediate_due_at(*, determined_at: datetime, due_days: int, zone: ZoneInfo | None = None) -> datetime:
    """The due instant of an immediate intervention: `due_days` x 24 hours of elapsed time after the
    determination (RULES.md §3: deadlines are elapsed time; 7 days = 168 h across a daylight-saving
    change too). `zone` is accepted for callers that show the instant; it does not move it."""
    del zone
    if determined_at.tzinfo is None:
        raise ValueError("determined_at must be timezone-aware")
    if due_days < 1:
        raise ValueError("due_days must be at least 1")
    return determined_at.astimezone(ZoneInfo("UTC")) + timedelta(hours=24 * due_days)


# A date a person types into a plan lies within this many years of today. Further out it is a typo, and
# near year 9999 the arithmetic itself fails (a due date of 9999-12-31 overflows when made an instant).
DATE_RANGE_YEARS = 100
DATE_RANGE_MESSAGE = f"Enter a date within {DATE_RANGE_YEARS} years of today."


def date_in_range(*, value: date, today: date, years: int = DATE_RANGE_YEARS) -> bool:
    """Whether `value` is no more than `years` years (of 365.25 days) before or after `today`."""
    return abs((value - today).days) <= round(years * 365.25)


def due_at_for_date(*, due_on: date, zone: ZoneInfo) -> datetime:
    """A due date chosen by a person becomes an instant: close of business that day, agency time."""
    return datetime.combine(due_on, CLOSE_OF_BUSINESS, tzinfo=zone).astimezone(ZoneInfo("UTC"))


def days_between(*, start: date | None, end: date | None) -> int | None:
    """Whole calendar days from `start` to `end` (None when either is unknown)."""
    if start is None or end is None:
        return None
    return (end - start).days


def is_overdue(*, status: str, due_at: datetime | None, now: datetime) -> bool:
    return due_at is not None and is_open(status) and due_at <= now
