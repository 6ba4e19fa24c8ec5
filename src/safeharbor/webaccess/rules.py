"""Pure rules of website access for case research (RULES.md §6; handbook 13-19, "Internet"). No ORM."""

from __future__ import annotations

from datetime import datetime, timedelta

OPEN = "open"
APPROVAL_REQUIRED = "approval_required"
ACCESS_LEVELS: tuple[str, ...] = (OPEN, APPROVAL_REQUIRED)

PENDING = "pending"
APPROVED = "approved"
DENIED = "denied"
REQUEST_STATUSES: tuple[str, ...] = (PENDING, APPROVED, DENIED)


def approval_expires_at(*, approved_at: datetime, days: int) -> datetime:
    """An approval lapses `days` days (elapsed time) after the instant it was given."""
    if approved_at.tzinfo is None:
        raise ValueError("approved_at must be timezone-aware")
    if days < 1:
        raise ValueError("days must be at least 1")
    return approved_at + timedelta(days=days)


def approval_active(*, status: str, expires_at: datetime | None, now: datetime) -> bool:
    """Active from approval until just before `expires_at`; at `expires_at` exactly it has lapsed."""
    return status == APPROVED and expires_at is not None and now < expires_at


def approval_lapsed(*, status: str, expires_at: datetime | None, now: datetime) -> bool:
    return status == APPROVED and expires_at is not None and now >= expires_at


def research_allowed(*, access_level: str, has_active_approval: bool) -> bool:
    """Open sites need no approval; the others need an active approval for that youth and site."""
    return access_level == OPEN or has_active_approval


def normalise_domain(value: str) -> str:
    """`https://www.Example.com/path` -> `example.com`."""
    text = value.strip().lower()
    for prefix in ("https://", "http://"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    text = text.split("/", 1)[0].split("?", 1)[0]
    if text.startswith("www."):
        text = text[4:]
    return text.rstrip(".")
