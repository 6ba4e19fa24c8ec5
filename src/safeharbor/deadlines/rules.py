"""Pure rules of the deadline engine: which reminder a duty is owed at a given instant.

A duty moves through three stages: "due soon" (the agency's `due_soon_hours` before the due instant,
4 hours by default), "due" (at the due instant) and "overdue" (`OVERDUE_AFTER` past it, when the
owner's supervisor is also told). Arithmetic is in elapsed time (UTC): daylight-saving changes move
the wall-clock hour of a reminder, never its instant.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

DUE_SOON = "due_soon"
DUE = "due"
OVERDUE = "overdue"
ESCALATED = "escalated"
STAGES: tuple[str, ...] = (DUE_SOON, DUE, OVERDUE)

# A duty is overdue one hour after it was due: a short grace so a duty met at the last minute is not
# escalated before the worker has had the chance to record it.
OVERDUE_AFTER = timedelta(hours=1)


def stage_starts(*, due_at: datetime, due_soon_hours: int) -> dict[str, datetime]:
    """The instant (UTC) each stage begins."""
    due = due_at.astimezone(UTC)
    return {
        DUE_SOON: due - timedelta(hours=due_soon_hours),
        DUE: due,
        OVERDUE: due + OVERDUE_AFTER,
    }


def current_stage(*, due_at: datetime, now: datetime, due_soon_hours: int) -> str | None:
    """The latest stage reached at `now`, or None before the "due soon" reminder.

    Only the latest stage is sent: a sweep that first sees a duty when it is already overdue sends the
    overdue reminder, not three messages at once.
    """
    reached = None
    for stage, starts in stage_starts(due_at=due_at, due_soon_hours=due_soon_hours).items():
        if now >= starts:
            reached = stage
    return reached


def is_overdue(*, due_at: datetime, now: datetime) -> bool:
    return now >= due_at + OVERDUE_AFTER
