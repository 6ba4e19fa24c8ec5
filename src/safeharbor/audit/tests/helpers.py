"""Fast event generation for tests: through the chain function, inserted with bulk_create."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

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
