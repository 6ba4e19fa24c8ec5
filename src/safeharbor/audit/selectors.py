"""Reads of the audit log, for auditors. Bounded: one query per page, one streamed query per export.

Youth appear as identifiers only; actors (staff) by username and name, joined by subquery.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from safeharbor.audit.models import AuditEvent
from safeharbor.audit.services import BURST_ALERT
from safeharbor.core.exports import spreadsheet_safe
from safeharbor.core.timeutils import agency_zone


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""  # a username
    youth_id: int | None = None
    action: str = ""  # an action code, or a family ending with "." (e.g. "youth.")
    outcome: str = ""
    date_from: date | None = None  # on the agency's calendar
    date_to: date | None = None

    def codes(self) -> list[str]:
        """Which filters are in use, by name (never their values): what `audit.search` records."""
        used = {
            "actor": bool(self.actor),
            "youth": self.youth_id is not None,
            "action": bool(self.action),
            "outcome": bool(self.outcome),
            "date_from": self.date_from is not None,
            "date_to": self.date_to is not None,
        }
        return [code for code, on in used.items() if on]


def _user_field(field: str) -> Subquery:
    from safeharbor.accounts.models import User

    return Subquery(User.objects.filter(pk=OuterRef("actor_id")).values(field)[:1])


def _local_midnight(day: date, agency: Any) -> datetime:
    return datetime.combine(day, time.min, tzinfo=agency_zone(agency))


def audit_events_for(*, user: Any, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The events an auditor may read: their agency's, and those tied to no agency (for example
    failed sign-ins with an unknown username), newest first, with the actor's username and name."""
    from safeharbor.accounts.models import User

    events = AuditEvent.objects.filter(Q(agency_id=user.agency_id) | Q(agency_id__isnull=True))
    if filters.actor:
        events = events.filter(actor_id__in=User.objects.filter(username__iexact=filters.actor).values("pk"))
    if filters.youth_id is not None:
        events = events.filter(youth_id=filters.youth_id)
    if filters.action:
        if filters.action.endswith("."):
            events = events.filter(action__startswith=filters.action)
        else:
            events = events.filter(action=filters.action)
    if filters.outcome:
        events = events.filter(outcome=filters.outcome)
    if filters.date_from is not None:
        events = events.filter(at__gte=_local_midnight(filters.date_from, user.agency))
    if filters.date_to is not None:
        events = events.filter(at__lt=_local_midnight(filters.date_to + timedelta(days=1), user.agency))
    return events.annotate(
        actor_username=_user_field("username"),
        actor_first_name=_user_field("first_name"),
        actor_last_name=_user_field("last_name"),
    ).order_by("-seq")


# Compact and stable: the same text the CSV export writes for a whole detail.
_DETAIL_ENCODER = json.JSONEncoder(separators=(",", ":"), sort_keys=True, ensure_ascii=False, default=str)


def detail_pairs(detail: Any) -> list[tuple[str, str]]:
    """An event's detail as sorted (key, text) pairs, for templates.

    Templates never touch the detail dict itself: Django's template lookup tries `detail["items"]`
    before the dict's `items` method (likewise `keys`, `values`, `get`...), so a detail with such a key
    broke the page. Strings are shown as they are, anything else as compact JSON; escaping is left to
    the template. A detail that is not an object (not written by `audit_record`, but possible in old
    rows) is one pair named "value".
    """
    if detail is None:
        return []
    if not isinstance(detail, dict):
        return [("value", _detail_text(detail))]
    return [(str(key), _detail_text(value)) for key, value in sorted(detail.items(), key=lambda item: str(item[0]))]


def _detail_text(value: Any) -> str:
    return value if isinstance(value, str) else _DETAIL_ENCODER.encode(value)


@dataclass(frozen=True)
class AuditRow:
    """One row of the audit page: the event and its detail as (key, text) pairs."""

    event: AuditEvent
    details: list[tuple[str, str]]


def audit_rows(events: Iterable[AuditEvent]) -> list[AuditRow]:
    """The rows of one page of events (no query beyond the page's own)."""
    return [AuditRow(event=event, details=detail_pairs(event.detail)) for event in events]


EXPORT_HEADER = [
    "seq",
    "time",
    "actor_username",
    "actor_name",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "youth_id",
    "detail",
    "hash",
]


def audit_export_rows(*, user: Any, filters: AuditFilters) -> Iterator[list[str]]:
    """The filtered events as CSV rows (header first), streamed from one query in chunks."""
    zone = agency_zone(user.agency)
    yield EXPORT_HEADER
    rows = (
        audit_events_for(user=user, filters=filters)
        .values_list(  # type: ignore[misc]  # the annotations above are not visible to the stubs
            "seq",
            "at",
            "actor_username",
            "actor_first_name",
            "actor_last_name",
            "action",
            "outcome",
            "object_type",
            "object_id",
            "youth_id",
            "detail",
            "hash",
        )
        .iterator(chunk_size=2000)
    )
    for seq, at, username, first, last, action, outcome, object_type, object_id, youth_id, detail, digest in rows:
        name = " ".join(part for part in (first, last) if part)
        cells = [
            seq,
            at.astimezone(zone).isoformat(timespec="seconds"),
            username or "",
            name,
            action,
            outcome,
            object_type,
            object_id,
            "" if youth_id is None else youth_id,
            json.dumps(detail, sort_keys=True, separators=(",", ":")) if detail else "",
            digest,
        ]
        yield [spreadsheet_safe(cell) for cell in cells]


@dataclass(frozen=True)
class RecentActivity:
    denials: int
    burst_alerts: int
    since: datetime


def audit_recent_activity(*, user: Any, hours: int = 24) -> RecentActivity:
    """Counts for the auditor's home panel: access denials and burst alerts in the last `hours`."""
    since = timezone.now() - timedelta(hours=hours)
    scope = AuditEvent.objects.filter(Q(agency_id=user.agency_id) | Q(agency_id__isnull=True), at__gte=since)
    return RecentActivity(
        denials=scope.filter(outcome=AuditEvent.Outcome.DENIED).count(),
        burst_alerts=scope.filter(action=BURST_ALERT).count(),
        since=since,
    )
