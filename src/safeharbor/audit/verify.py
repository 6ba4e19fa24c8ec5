"""Verification of the audit chain and of its exported heads (the anchors).

`chain_verify()` streams the events in `seq` order in chunks (constant memory), recomputes every digest
and `prev_hash` link, checks that `seq` runs 1, 2, 3... without a gap, that the head row matches the last
event, and that every head exported to the anchor file matches the chain at that `seq`. It stops at the
first broken link and names it.

Anchors: `anchor_export_head()` appends one JSON line per export to `AUDIT_ANCHOR_DIR/audit-heads.jsonl`
(seq, hash, UTC time). The directory is meant to live on a separate store: a chain rewritten from some
point on, even consistently, no longer matches an older export.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from safeharbor.audit.chain import GENESIS, canonical_at, digest_of
from safeharbor.audit.models import AuditEvent, AuditHead

ANCHOR_FILE_NAME = "audit-heads.jsonl"
CHUNK_SIZE = 5000

_FIELDS = (
    "seq",
    "at",
    "agency_id",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "youth_id",
    "outcome",
    "detail",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: str
    line: int


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    last_seq: int
    last_hash: str
    anchors_checked: int = 0
    broken_seq: int | None = None
    problem: str = ""

    def summary(self) -> str:
        if self.ok:
            return (
                f"audit chain ok: {self.count} events, head seq {self.last_seq} "
                f"hash {self.last_hash[:16]}, {self.anchors_checked} exported heads match"
            )
        where = f"seq {self.broken_seq}" if self.broken_seq is not None else "chain"
        return f"audit chain BROKEN at {where}: {self.problem}"


def anchor_path(directory: Path | None = None) -> Path:
    return Path(directory or settings.AUDIT_ANCHOR_DIR) / ANCHOR_FILE_NAME


def read_anchors(directory: Path | None = None) -> list[Anchor]:
    """The exported heads, in file order. A line that cannot be read is itself a failure (ValueError)."""
    path = anchor_path(directory)
    if not path.exists():
        return []
    anchors = []
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                data = json.loads(raw)
                anchors.append(Anchor(seq=int(data["seq"]), hash=str(data["hash"]), at=str(data["at"]), line=number))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"anchor file line {number} is not a valid head record") from exc
    return anchors


def chain_head() -> tuple[int, str]:
    head = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first()
    return head if head is not None else (0, GENESIS)


def anchor_export_head(*, directory: Path | None = None, now: datetime | None = None) -> Anchor:
    """Append the current head (seq, hash, UTC time) to the anchor file, flushed to disk."""
    seq, digest = chain_head()
    at = (now or timezone.now()).astimezone(UTC).isoformat(timespec="seconds")
    path = anchor_path(directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"seq": seq, "hash": digest, "at": at}, separators=(",", ":")) + "\n"
    # O_APPEND: each export adds a line; nothing here ever rewrites the file.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return Anchor(seq=seq, hash=digest, at=at, line=0)


def _rows(chunk_size: int) -> Iterator[tuple[Any, ...]]:
    """The events in seq order, raw from the database cursor, `chunk_size` rows at a time.

    `connection.chunked_cursor()` is what QuerySet.iterator() uses: a plain cursor on SQLite, a
    server-side cursor on PostgreSQL, so memory stays constant. The ORM's per-row converters are skipped
    (they cost more than the hashing); `_at_iso` and `_detail` do their work for the two columns that
    need it.
    """
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    quoted = [connection.ops.quote_name(name) for name in _FIELDS]  # columns are named as the fields
    if connection.vendor == "sqlite":
        # As text: the driver would otherwise parse each instant (Django registers a converter).
        quoted[_FIELDS.index("at")] = f"CAST({quoted[_FIELDS.index('at')]} AS TEXT)"
    columns = ", ".join(quoted)
    with connection.chunked_cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} ORDER BY {connection.ops.quote_name('seq')}")  # noqa: S608
        while True:
            rows = cursor.fetchmany(chunk_size)
            if not rows:
                return
            yield from rows


def _at_iso(value: Any) -> str:
    """The stored instant as `canonical_at` writes it (UTC, microseconds, +00:00)."""
    if isinstance(value, str):
        # SQLite keeps UTC text as Django writes it: "YYYY-MM-DD HH:MM:SS[.ffffff]".
        if len(value) == 26 and value[10] == " ":
            return f"{value[:10]}T{value[11:]}+00:00"
        if len(value) == 19 and value[10] == " ":
            return f"{value[:10]}T{value[11:]}.000000+00:00"
        parsed = parse_datetime(value)
        if parsed is None:
            return value
        value = parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            value = value.replace(tzinfo=UTC)
        return canonical_at(value.astimezone(UTC))
    return str(value)


def _detail(value: Any) -> Any:
    if isinstance(value, str | bytes):
        return {} if value == "{}" else json.loads(value)
    return value


def chain_verify(
    *, check_anchors: bool = True, anchor_dir: Path | None = None, chunk_size: int = CHUNK_SIZE
) -> VerifyResult:
    """Check the whole chain; stop at the first broken link and say what is wrong with it."""
    anchors: dict[int, list[Anchor]] = {}
    if check_anchors:
        try:
            for anchor in read_anchors(anchor_dir):
                anchors.setdefault(anchor.seq, []).append(anchor)
        except ValueError as exc:
            return VerifyResult(ok=False, count=0, last_seq=0, last_hash=GENESIS, problem=str(exc))

    def broken(seq: int | None, problem: str) -> VerifyResult:
        return VerifyResult(
            ok=False, count=count, last_seq=expected_seq - 1, last_hash=prev, broken_seq=seq, problem=problem
        )

    prev = GENESIS
    expected_seq = 1
    count = 0
    checked = 0
    for anchor in anchors.pop(0, []):
        if anchor.hash != GENESIS:
            return broken(0, f"exported head on anchor line {anchor.line} does not match the empty chain")
        checked += 1
    for (
        seq,
        at,
        agency_id,
        actor_id,
        action,
        object_type,
        object_id,
        youth_id,
        outcome,
        detail,
        prev_hash,
        digest,
    ) in _rows(chunk_size):
        if seq != expected_seq:
            if seq > expected_seq:
                missing = f"seq {expected_seq}" if seq == expected_seq + 1 else f"seqs {expected_seq}-{seq - 1}"
                return broken(expected_seq, f"gap: {missing} missing (next present is {seq})")
            return broken(seq, f"gap: seq {seq} out of order (expected {expected_seq})")
        if prev_hash != prev:
            return broken(seq, "prev_hash mismatch: does not link to the previous event's hash")
        recomputed = digest_of(
            prev_hash,
            seq,
            _at_iso(at),
            agency_id,
            actor_id,
            action,
            object_type,
            object_id,
            youth_id,
            outcome,
            _detail(detail),
        )
        if recomputed != digest:
            return broken(seq, "digest mismatch: the stored fields do not match the stored hash")
        if seq in anchors:
            for anchor in anchors.pop(seq):
                if anchor.hash != digest:
                    return broken(
                        seq,
                        f"anchor mismatch: the head exported at {anchor.at} (anchor line {anchor.line}) "
                        "differs from the chain at this seq; the chain was rewritten",
                    )
                checked += 1
        prev = digest
        expected_seq += 1
        count += 1
    if anchors:
        first = min(anchors)
        return broken(
            first,
            f"anchor mismatch: a head was exported at seq {first} but the chain ends at seq {expected_seq - 1} "
            "(events were removed from the end)",
        )
    head_seq, head_hash = chain_head()
    if head_seq != expected_seq - 1:
        return broken(
            head_seq if head_seq > expected_seq - 1 else expected_seq - 1,
            f"head mismatch: the head row says seq {head_seq} but the last event is seq {expected_seq - 1}",
        )
    if head_hash != prev:
        return broken(head_seq, "head mismatch: the head row's hash differs from the last event's hash")
    return VerifyResult(ok=True, count=count, last_seq=expected_seq - 1, last_hash=prev, anchors_checked=checked)
