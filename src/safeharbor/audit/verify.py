"""Verification of the audit chain and of its exported heads (the anchors).

`chain_verify()` streams the events in `seq` order in chunks (constant memory), recomputes every digest
and `prev_hash` link, checks that `seq` runs 1, 2, 3... without a gap, that the head row matches the last
event, and that every head exported to the anchor file matches the chain at that `seq`. It stops at the
first broken link and names it.

Anchors: `anchor_export_head()` appends one JSON line per export to `AUDIT_ANCHOR_DIR/audit-heads.jsonl`
(seq, hash, UTC time). The directory is meant to live on a separate store: a chain rewritten from some
point on, even consistently, no longer matches an older export.

The anchor store is itself evidence, so its absence is too (docs/security.md, "What the audit chain
can and cannot prove"). With anchors checked, verification also fails when:
- the head row is behind the highest exported seq (rows cut from the end and the head moved back);
- the store is empty or missing although the chain's first event is older than one export period
  (`ANCHOR_EXPORT_PERIOD`): the first export was due, so the file was deleted or exports never ran;
- the newest export is older than two export periods (exports stopped, or the file was swapped for an
  older copy);
- the oldest export is more than two export periods younger than the chain's first event (the file was
  deleted and the hourly export started a new one over a rewritten chain).
A brand-new installation (no events, or a first event younger than one export period) passes with a
warning.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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
# How often the head is exported: hourly (`audit.tasks.audit_export_head`, and once at worker start).
ANCHOR_EXPORT_PERIOD = timedelta(hours=1)

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
    warnings: tuple[str, ...] = ()

    def summary(self) -> str:
        if self.ok:
            return (
                f"audit chain ok: {self.count} events, head seq {self.last_seq} "
                f"hash {self.last_hash[:16]}, {self.anchors_checked} exported heads match"
                + (f" ({len(self.warnings)} warning{'s' if len(self.warnings) > 1 else ''})" if self.warnings else "")
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
                anchor = Anchor(seq=int(data["seq"]), hash=str(data["hash"]), at=str(data["at"]), line=number)
                anchor_time(anchor)  # an export time that cannot be read is a damaged line too
                anchors.append(anchor)
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"anchor file line {number} is not a valid head record") from exc
    return anchors


def anchor_time(anchor: Anchor) -> datetime:
    """When the head was exported (aware, UTC)."""
    at = datetime.fromisoformat(anchor.at)
    if at.tzinfo is None:
        raise ValueError(f"anchor line {anchor.line} has an export time without a zone")
    return at.astimezone(UTC)


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
    *,
    check_anchors: bool = True,
    anchor_dir: Path | None = None,
    chunk_size: int = CHUNK_SIZE,
    now: datetime | None = None,
) -> VerifyResult:
    """Check the whole chain; stop at the first broken link and say what is wrong with it.

    With `check_anchors`, also check the chain against every exported head and the anchor store itself
    (see the module docstring); `now` is the instant the store's age is judged at (default: now).
    """
    anchor_list: list[Anchor] = []
    anchors: dict[int, list[Anchor]] = {}
    if check_anchors:
        try:
            anchor_list = read_anchors(anchor_dir)
        except ValueError as exc:
            return VerifyResult(ok=False, count=0, last_seq=0, last_hash=GENESIS, problem=str(exc))
        for anchor in anchor_list:
            anchors.setdefault(anchor.seq, []).append(anchor)

    def broken(seq: int | None, problem: str) -> VerifyResult:
        return VerifyResult(
            ok=False, count=count, last_seq=expected_seq - 1, last_hash=prev, broken_seq=seq, problem=problem
        )

    prev = GENESIS
    expected_seq = 1
    count = 0
    checked = 0
    first_at = ""
    if anchor_list:
        # The head row must not be behind what was exported: cutting rows from the end and moving the
        # head back leaves an internally consistent chain, but not the one whose head left the machine.
        top = max(anchor_list, key=lambda anchor: anchor.seq)
        head_seq, _ = chain_head()
        if head_seq < top.seq:
            return broken(
                top.seq,
                f"anchor mismatch: the head row is at seq {head_seq}, behind the head exported at {top.at} "
                f"(seq {top.seq}, anchor line {top.line}); events were removed from the end",
            )
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
        at_iso = _at_iso(at)
        recomputed = digest_of(
            prev_hash,
            seq,
            at_iso,
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
        if seq == 1:
            first_at = at_iso
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
    warnings: tuple[str, ...] = ()
    if check_anchors:
        started = datetime.fromisoformat(first_at).astimezone(UTC) if first_at else None
        problem, warning = _anchor_store_problem(
            anchor_list, chain_started=started, now=(now or timezone.now()).astimezone(UTC), directory=anchor_dir
        )
        if problem:
            return broken(None, problem)
        warnings = (warning,) if warning else ()
    return VerifyResult(
        ok=True, count=count, last_seq=expected_seq - 1, last_hash=prev, anchors_checked=checked, warnings=warnings
    )


def _anchor_store_problem(
    anchors: list[Anchor], *, chain_started: datetime | None, now: datetime, directory: Path | None
) -> tuple[str, str]:
    """(problem, warning) about the anchor store as a whole, once every anchor matched the chain.

    An empty store is expected only until the first export is due: no events yet, or a first event
    younger than one export period. After that, no anchor means the store was lost or never written.
    """
    period = ANCHOR_EXPORT_PERIOD
    if not anchors:
        if chain_started is None:
            return "", f"no exported head yet in {anchor_path(directory)} (no events yet: a new installation)"
        if chain_started > now - period:
            due = (chain_started + period).isoformat(timespec="seconds")
            return "", f"no exported head yet in {anchor_path(directory)}; the first export is due by {due}"
        return (
            f"anchor store empty: no exported head in {anchor_path(directory)}, but the chain has events since "
            f"{chain_started.isoformat(timespec='seconds')}, more than one export period ago; the anchor file "
            "was deleted or moved, or the head was never exported",
            "",
        )
    times = [anchor_time(anchor) for anchor in anchors]
    newest, oldest = max(times), min(times)
    if newest < now - 2 * period:
        return (
            f"anchor store stale: the newest exported head is from {newest.isoformat(timespec='seconds')}, more "
            "than two export periods ago; exports have stopped, or the anchor file was replaced by an older copy",
            "",
        )
    if chain_started is not None and oldest > chain_started + 2 * period:
        return (
            f"anchor store incomplete: its oldest exported head is from {oldest.isoformat(timespec='seconds')}, "
            f"but the chain starts at {chain_started.isoformat(timespec='seconds')}, more than two export periods "
            "earlier; the anchor file was deleted and started again",
            "",
        )
    return "", ""
