"""Pure rules of missing-from-care episodes (RULES.md §3; handbook 13-19, "Runaway youth").

Two clocks: the 24-hour duties (law enforcement, NCMEC, the agency's notices) run from when the agency
learned the youth was missing (`discovered_at`); the 72-hour danger window runs from when the youth was
last seen, or from `discovered_at` when that is unknown. After a return, a debrief and a CSEC screening
are due within the agency's configured hours.

Every deadline is an instant computed in elapsed time (UTC arithmetic) and shown in the agency's zone,
so a daylight-saving change moves the wall-clock hour, never the instant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from safeharbor.agency.policy import AgencyPolicy
from safeharbor.core.ruleinput import RuleInputError, read_datetime
from safeharbor.core.rules_registry import RuleContract


@dataclass(frozen=True)
class MissingDeadlines:
    """The instants (aware, UTC) an episode's duties come due; None where not applicable."""

    report_law_enforcement_by: datetime
    report_ncmec_by: datetime
    notices_by: datetime
    high_risk_window_ends: datetime
    return_debrief_due: datetime | None
    return_screening_due: datetime | None


class EpisodeTimesError(ValueError):
    """The times of an episode contradict each other; `field` names the one at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(UTC)


def check_episode_times(
    *, last_seen_at: datetime | None, discovered_at: datetime, returned_at: datetime | None = None
) -> None:
    """Raise EpisodeTimesError when a discovery precedes the last sighting or a return precedes leaving."""
    if last_seen_at is not None and _utc(discovered_at) < _utc(last_seen_at):
        raise EpisodeTimesError(
            "discovered_at", "is before last_seen_at: the agency cannot learn of an absence before the last sighting"
        )
    if returned_at is None:
        return
    if last_seen_at is not None:
        if _utc(returned_at) < _utc(last_seen_at):
            raise EpisodeTimesError("returned_at", "is before last_seen_at: a youth cannot return before leaving")
    elif _utc(returned_at) < _utc(discovered_at):
        raise EpisodeTimesError(
            "returned_at", "is before discovered_at (last sighting unknown): a youth cannot return before leaving"
        )


def window_start(*, last_seen_at: datetime | None, discovered_at: datetime) -> datetime:
    """The 72-hour window runs from the last sighting, or from the discovery when that is unknown."""
    return _utc(last_seen_at if last_seen_at is not None else discovered_at)


def missing_deadlines(
    *,
    last_seen_at: datetime | None,
    discovered_at: datetime,
    returned_at: datetime | None,
    policy: AgencyPolicy,
) -> MissingDeadlines:
    """The deadlines of one episode, in elapsed time. Raises EpisodeTimesError on contradictory times."""
    check_episode_times(last_seen_at=last_seen_at, discovered_at=discovered_at, returned_at=returned_at)
    discovered = _utc(discovered_at)
    report_by = discovered + timedelta(hours=policy.report_hours)
    window_ends = window_start(last_seen_at=last_seen_at, discovered_at=discovered_at) + timedelta(
        hours=policy.danger_window_hours
    )
    returned = _utc(returned_at) if returned_at is not None else None
    return MissingDeadlines(
        report_law_enforcement_by=report_by,
        report_ncmec_by=report_by,
        notices_by=report_by,
        high_risk_window_ends=window_ends,
        return_debrief_due=returned + timedelta(hours=policy.return_debrief_hours) if returned else None,
        return_screening_due=returned + timedelta(hours=policy.return_screening_hours) if returned else None,
    )


def _show(value: datetime | None, zone: ZoneInfo) -> str | None:
    return value.astimezone(zone).isoformat() if value is not None else None


def missing_deadlines_contract(data: Mapping[str, Any], policy: AgencyPolicy) -> dict[str, Any]:
    """{"last_seen_at": ISO or null, "discovered_at": ISO, "returned_at": ISO or null (optional)}."""
    zone = ZoneInfo(policy.time_zone)
    last_seen_at = read_datetime(data, "last_seen_at", zone=zone, required=False, nullable=True)
    discovered_at = read_datetime(data, "discovered_at", zone=zone)
    returned_at = read_datetime(data, "returned_at", zone=zone, required=False, nullable=True)
    assert discovered_at is not None
    try:
        result = missing_deadlines(
            last_seen_at=last_seen_at, discovered_at=discovered_at, returned_at=returned_at, policy=policy
        )
    except EpisodeTimesError as exc:
        raise RuleInputError(exc.field, exc.message) from None
    return {
        "report_law_enforcement_by": _show(result.report_law_enforcement_by, zone),
        "report_ncmec_by": _show(result.report_ncmec_by, zone),
        "notices_by": _show(result.notices_by, zone),
        "high_risk_window_ends": _show(result.high_risk_window_ends, zone),
        "return_debrief_due": _show(result.return_debrief_due, zone),
        "return_screening_due": _show(result.return_screening_due, zone),
    }


MISSING_DEADLINES_CONTRACT = RuleContract(
    name="missing-deadlines",
    summary="Deadlines of a missing-from-care episode: 24-hour reports, 72-hour window, return duties.",
    handler=missing_deadlines_contract,
)
