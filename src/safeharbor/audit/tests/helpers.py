"""Fast event generation for tests: through the chain function, inserted with bulk_create."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection

from safeharbor.audit.chain import GENESIS, event_digest
from safeharbor.audit.models import AuditEvent, AuditHead


def bulk_events(n: int, *, at: datetime | None = None, **fields: Any) -> None:
    """Append `n` events to the chain (continuing from the head), one second apart."""
    head, _ = AuditHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS})
    prev, seq = head.hash, head.seq
    start = at or datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
    rows = []
    for i in range(n):
        seq += 1
        values = {
            "seq": seq,
            "at": start + timedelta(seconds=i),
            "agency_id": None,
            "actor_id": None,
            "action": "test.event",
            "object_type": "",
            "object_id": "",
            "youth_id": None,
            "outcome": "ok",
            "detail": {},
            **fields,
        }
        digest = event_digest(prev_hash=prev, **values)
        rows.append(AuditEvent(prev_hash=prev, hash=digest, **values))
        prev = digest
    AuditEvent.objects.bulk_create(rows)
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=prev)


def raw_sql(sql: str, params: list[Any]) -> None:
    """Write past the ORM, as an insider with the database file would."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rewrite_chain_from(seq: int, action: str) -> None:
    """Rewrite the chain consistently with `action` at `seq`: every digest, every link and the head."""
    rows = list(AuditEvent.objects.order_by("seq"))
    prev = GENESIS
    for event in rows:
        changed = action if event.seq == seq else event.action
        digest = event_digest(
            prev_hash=prev,
            seq=event.seq,
            at=event.at,
            agency_id=event.agency_id,
            actor_id=event.actor_id,
            action=changed,
            object_type=event.object_type,
            object_id=event.object_id,
            youth_id=event.youth_id,
            outcome=event.outcome,
            detail=event.detail,
        )
        raw_sql(
            "UPDATE audit_auditevent SET action = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [changed, prev, digest, event.seq],
        )
        prev = digest
    raw_sql("UPDATE audit_audithead SET hash = %s WHERE id = 1", [prev])


def truncate_chain_after(seq: int) -> None:
    """Delete every event after `seq` and move the head row back to it (internally consistent)."""
    last = AuditEvent.objects.get(seq=seq)
    raw_sql("DELETE FROM audit_auditevent WHERE seq > %s", [seq])
    raw_sql("UPDATE audit_audithead SET seq = %s, hash = %s WHERE id = 1", [seq, last.hash])
