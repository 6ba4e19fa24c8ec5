"""The duty ledger: every duty of an agency, one row each, with its reminders and escalations.

The row is a contract (the `safeharbor duties export` JSON Lines, `GET /api/v1/duties/`, and
docs/duties.md "The duty ledger"): keys are added, never renamed. It holds ids and codes only, never
a title, a name or a narrative.

Reads are bounded: the duties come in chunks (keyset pagination on `arose_at, id`) and each chunk's
notifications in one more query, so a state-size export runs 2 queries per 500 duties and keeps at
most one chunk in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from safeharbor.core.timeutils import agency_zone
from safeharbor.deadlines import rules
from safeharbor.deadlines.models import Deadline, DutyStatus, Notification

CHUNK_SIZE = 500

# subject_type (the model's label, lower case) -> the ledger's subject label. A subject type not listed
# here is shown with its raw label.
SUBJECT_LABELS: dict[str, str] = {
    "missing.missingepisode": "missing.episode",
    "screening.screening": "screening.screening",
    "youth.youth": "youth.youth",
    "care.serviceitem": "care.service_item",
    "mdt.actionitem": "mdt.action_item",
}

ROW_KEYS: tuple[str, ...] = (
    "id",
    "kind",
    "youth_id",
    "subject",
    "arose_at",
    "due_at",
    "owner_id",
    "status",
    "on_time",
    "done_at",
    "recorded_at",
    "done_by_id",
    "cancelled_at",
    "cancel_reason",
    "reminders",
    "escalations",
)

_FIELDS = (
    "id",
    "agency_id",
    "kind",
    "youth_id",
    "subject_type",
    "subject_id",
    "arose_at",
    "due_at",
    "owner_id",
    "status",
    "done_at",
    "recorded_at",
    "done_by_id",
    "cancelled_at",
    "cancel_reason",
)


def instant(value: datetime | None) -> str | None:
    """An instant as ISO 8601 UTC with a Z: `2026-11-02T08:30:00Z`; `.ffffff` before the Z only when
    the microseconds are not zero (`2026-11-02T08:30:00.250000Z`); None stays None."""
    if value is None:
        return None
    utc = value.astimezone(UTC)
    if utc.microsecond:
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def subject_label(subject_type: str, subject_id: int) -> str:
    """`missing.episode:12`: the subject's short label (raw model label when unmapped) and its id."""
    return f"{SUBJECT_LABELS.get(subject_type, subject_type)}:{subject_id}"


def local_day_bounds(
    *, agency: Any, date_from: date | None, date_to: date | None
) -> tuple[datetime | None, datetime | None]:
    """The UTC instants [start, end) of the local days `date_from`..`date_to` (inclusive) in the
    agency's time zone; None for an open end. A day is 23 or 25 hours long when the clocks change."""
    zone = agency_zone(agency)
    start = datetime.combine(date_from, time.min, tzinfo=zone).astimezone(UTC) if date_from else None
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC) if date_to else None
    return start, end


def _as_date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def ledger_qs(
    *,
    agency: Any,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    youth_id: int | None = None,
    kind: str | None = None,
    status: str | None = None,
    owner_id: int | None = None,
    scope: Q | None = None,
) -> QuerySet[Deadline]:
    """The agency's duties, filtered, by `arose_at, id`. `date_from`/`date_to` are local days of the
    agency (inclusive) on `arose_at`; `scope` a permission filter (`permissions.duty_ledger_q`)."""
    start, end = local_day_bounds(agency=agency, date_from=_as_date(date_from), date_to=_as_date(date_to))
    qs = Deadline.objects.filter(agency_id=agency.pk)
    if scope is not None:
        qs = qs.filter(scope)
    if start is not None:
        qs = qs.filter(arose_at__gte=start)
    if end is not None:
        qs = qs.filter(arose_at__lt=end)
    if youth_id is not None:
        qs = qs.filter(youth_id=youth_id)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    return qs.only(*_FIELDS).order_by("arose_at", "id")


def _notifications_by_deadline(deadline_ids: list[int]) -> dict[int, list[Notification]]:
    grouped: dict[int, list[Notification]] = defaultdict(list)
    if not deadline_ids:
        return grouped
    rows = (
        Notification.objects.filter(deadline_id__in=deadline_ids)
        .only("id", "deadline_id", "recipient_id", "channel", "kind", "created_at", "sent_at")
        .order_by("created_at", "id")
    )
    for row in rows:
        if row.deadline_id is not None:
            grouped[row.deadline_id].append(row)
    return grouped


def _escalations(rows: list[Notification]) -> list[dict[str, Any]]:
    """One entry per escalated recipient (the in-app and e-mail rows are one escalation): `at` is the
    in-app row's created_at, else the earliest row's."""
    first: dict[int, Notification] = {}
    for row in rows:  # by created_at, id
        seen = first.get(row.recipient_id)
        if seen is None or (row.channel == Notification.Channel.APP and seen.channel != Notification.Channel.APP):
            first[row.recipient_id] = row
    chosen = sorted(first.values(), key=lambda r: (r.created_at, r.id))
    return [{"recipient_id": r.recipient_id, "at": instant(r.created_at)} for r in chosen]


def ledger_row(deadline: Deadline, notifications: list[Notification]) -> dict[str, Any]:
    """The ledger row of one duty; `notifications` are its rows, by created_at, id."""
    reminders = [n for n in notifications if n.kind != rules.ESCALATED]
    escalated = [n for n in notifications if n.kind == rules.ESCALATED]
    on_time: bool | None = None
    if deadline.status == DutyStatus.MET and deadline.done_at is not None:
        on_time = deadline.done_at <= deadline.due_at
    return {
        "id": deadline.pk,
        "kind": deadline.kind,
        "youth_id": deadline.youth_id,
        "subject": subject_label(deadline.subject_type, deadline.subject_id),
        "arose_at": instant(deadline.arose_at),
        "due_at": instant(deadline.due_at),
        "owner_id": deadline.owner_id,
        "status": str(deadline.status),
        "on_time": on_time,
        "done_at": instant(deadline.done_at),
        "recorded_at": instant(deadline.recorded_at),
        "done_by_id": deadline.done_by_id,
        "cancelled_at": instant(deadline.cancelled_at),
        "cancel_reason": deadline.cancel_reason or None,
        "reminders": [
            {"kind": n.kind, "channel": n.channel, "recipient_id": n.recipient_id, "sent_at": instant(n.sent_at)}
            for n in reminders
        ],
        "escalations": _escalations(escalated),
    }


def ledger_rows_for(deadlines: Iterable[Deadline]) -> list[dict[str, Any]]:
    """Rows for a list of duties (a page, a chunk): one query for all their notifications."""
    deadlines = list(deadlines)
    grouped = _notifications_by_deadline([d.pk for d in deadlines])
    return [ledger_row(d, grouped.get(d.pk, [])) for d in deadlines]


def ledger_rows(
    *,
    agency: Any,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    youth_id: int | None = None,
    kind: str | None = None,
    status: str | None = None,
    owner_id: int | None = None,
    scope: Q | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[dict[str, Any]]:
    """Every duty of `agency` matching the filters, one dict each (keys `ROW_KEYS`), by `arose_at, id`.

    A generator: `chunk_size` duties at a time (keyset on `arose_at, id`, so a duty added meanwhile
    never shifts a chunk), 2 queries per chunk whatever the number of notifications.
    """
    qs = ledger_qs(
        agency=agency,
        date_from=date_from,
        date_to=date_to,
        youth_id=youth_id,
        kind=kind,
        status=status,
        owner_id=owner_id,
        scope=scope,
    )
    after: tuple[datetime, int] | None = None
    while True:
        page = qs
        if after is not None:
            arose_at, pk = after
            page = page.filter(Q(arose_at__gt=arose_at) | Q(arose_at=arose_at, id__gt=pk))
        chunk = list(page[:chunk_size])
        if not chunk:
            return
        yield from ledger_rows_for(chunk)
        if len(chunk) < chunk_size:
            return
        last = chunk[-1]
        after = (last.arose_at, last.pk)
