"""Pure rules of the deadline engine: which reminder a duty is owed at a given instant.

A duty moves through three stages: "due soon" (the agency's `due_soon_hours` before the due instant,
4 hours by default), "due" (at the due instant) and "overdue" (`OVERDUE_AFTER` past it, when the
owner's supervisor is also told). Arithmetic is in elapsed time (UTC): daylight-saving changes move
the wall-clock hour of a reminder, never its instant.
"""

from __future__ import annotations

from collections.abc import Sequence
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


# --- Completion ----------------------------------------------------------------------------------

# A device clock a few minutes fast must not refuse an honest "now".
CLOCK_SKEW = timedelta(minutes=5)


def completion_problem(*, done_at: datetime, arose_at: datetime, now: datetime) -> str | None:
    """Why `done_at` cannot be when a duty was done, or None. Done is never in the future and never
    before the duty arose (RULES.md §9)."""
    if done_at > now + CLOCK_SKEW:
        return "This time is in the future."
    if done_at < arose_at:
        return "This is before the duty arose."
    return None


def is_late(*, due_at: datetime, done_at: datetime | None, now: datetime) -> bool:
    """Late means not done by the due instant; the grace hour only delays the escalation."""
    if done_at is not None:
        return done_at > due_at
    return now > due_at


# --- Escalation ----------------------------------------------------------------------------------


def escalation_target(
    *,
    owner_id: int,
    supervisor_id: int | None,
    contact_id: int | None,
    coordinator_ids: Sequence[int],
    manager_ids: Sequence[int],
    admin_ids: Sequence[int] = (),
) -> int | None:
    """Who is told when a duty is overdue (RULES.md §9: none may be left without one).

    The owner's unit supervisor; for an owner without one (a partner, the coordinator, anyone outside
    a unit) the agency's escalation contact when it names one, else the first coordinator; for a
    coordinator's own duty, the first manager. An agency with none of these (a lone worker) falls back
    to its IT administrator, who can staff it. Ids are of active people, in a stable order. Never the
    owner.
    """
    if supervisor_id is not None and supervisor_id != owner_id:
        return supervisor_id
    if contact_id is not None and contact_id != owner_id:
        return contact_id
    owner_is_coordinator = owner_id in coordinator_ids
    if not owner_is_coordinator:
        for person in coordinator_ids:
            if person != owner_id:
                return person
    for person in manager_ids:
        if person != owner_id:
            return person
    for person in (*coordinator_ids, *admin_ids):
        if person != owner_id:
            return person
    return None
