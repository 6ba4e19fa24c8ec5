"""The hash chain: pure functions, shared by the writer and the verifier.

digest = sha256(prev_hash + "|" + canonical JSON of [seq, at (UTC ISO 8601, microseconds), agency_id,
actor_id, action, object_type, object_id, youth_id, outcome, detail]) with sorted keys and no spaces.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from json.encoder import encode_basestring_ascii as _esc
from typing import Any

GENESIS = "0" * 64

# One encoder, built once: json.dumps(..., sort_keys=True, ...) would build a new one per call.
_ENCODER = json.JSONEncoder(separators=(",", ":"), sort_keys=True, default=str)


def canonical_at(at: datetime) -> str:
    return at.isoformat(timespec="microseconds")


def digest_of(
    prev_hash: str,
    seq: int,
    at_iso: str,
    agency_id: int | None,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    youth_id: int | None,
    outcome: str,
    detail: Any,
) -> str:
    """The digest from already-canonical parts (`at_iso` as `canonical_at` gives it).

    The payload is exactly `_ENCODER.encode([...])` of the ten values, with identifiers as integers
    (as the database returns them); it is written out by hand because this runs once per event in
    `audit verify`, and the general encoder is the slowest step there.
    """
    payload = (
        f"[{int(seq)},{_esc(at_iso)},{_int_or_null(agency_id)},{_int_or_null(actor_id)},{_esc(action)},"
        f"{_esc(object_type)},{_esc(object_id)},{_int_or_null(youth_id)},{_esc(outcome)},"
        f"{'{}' if detail == {} else _ENCODER.encode(detail)}]"
    )
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


def _int_or_null(value: Any) -> str:
    return "null" if value is None else str(int(value))


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
    return digest_of(
        prev_hash, seq, canonical_at(at), agency_id, actor_id, action, object_type, object_id, youth_id, outcome, detail
    )
