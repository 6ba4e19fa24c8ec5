"""The hash chain: pure functions, shared by the writer and the verifier."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


def event_digest(
    *,
    prev_hash: str,
    seq: int,
    at: datetime,
    agency_id: int | None,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    youth_id: int | None,
    outcome: str,
    detail: dict[str, Any],
) -> str:
    payload = json.dumps(
        [seq, at.isoformat(timespec="microseconds"), agency_id, actor_id, action, object_type, object_id,
         youth_id, outcome, detail],
        separators=(",", ":"),
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()
