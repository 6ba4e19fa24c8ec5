"""Leases that expire: mutual exclusion for periodic jobs that a dead process cannot hold forever.

A lease is one row (`core.Lease`) per job. It is taken with one conditional UPDATE, which is atomic on
SQLite (one writer at a time) and on PostgreSQL (the row lock makes a concurrent UPDATE re-check the
WHERE clause), so of two contenders exactly one wins:

    UPDATE core_lease SET holder = me, acquired_at = now, expires_at = now + ttl
     WHERE name = job AND (holder = '' OR expires_at <= now OR holder = me)

The row is created first if missing (INSERT ... ON CONFLICT DO NOTHING, both databases). A holder
renews while it works and releases at the end; if it is killed, the lease simply runs out and the next
contender takes it over. Mutual exclusion therefore holds only while holders renew in time: guard only
work that stays correct when two runs overlap (idempotent work), and use the lease to avoid the waste.

Call these outside a transaction (autocommit), so other processes see the lease at once. Times are the
application's clock (`timezone.now()`): keep the servers' clocks in sync (NTP); skew well below the
lease length is harmless.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from safeharbor.core.models import Lease

logger = logging.getLogger(__name__)


class LeaseLost(Exception):
    """Raised by a renewal when the lease has been taken over (it ran out while we were not renewing)."""


@dataclass
class HeldLease:
    """A lease we hold: enough to renew and release it."""

    name: str
    holder: str
    seconds: int
    expires_at: datetime
    renewed_at: datetime


def lease_holder_id() -> str:
    """A name for one acquisition: host and process (for people reading the row), plus a random part,
    so two threads of one process never count as the same holder."""
    return f"{socket.gethostname()[:120]}:{os.getpid()}:{secrets.token_hex(4)}"


def lease_get(*, name: str) -> Lease | None:
    return Lease.objects.filter(name=name).first()


def lease_is_live(lease: Lease, *, now: datetime | None = None) -> bool:
    return bool(lease.holder) and lease.expires_at > (now or timezone.now())


def lease_acquire(*, name: str, seconds: int, holder: str | None = None) -> HeldLease | None:
    """Take the lease `name` for `seconds` when it is free, expired, or already ours. None when someone
    else holds a live lease."""
    if seconds <= 0:
        raise ValueError("a lease lasts at least one second")
    holder = holder or lease_holder_id()
    now = timezone.now()
    # Make sure the row exists; a concurrent insert of the same name is ignored, not an error.
    Lease.objects.bulk_create([Lease(name=name, holder="", expires_at=now)], ignore_conflicts=True)
    expires_at = now + timedelta(seconds=seconds)
    taken = (
        Lease.objects.filter(name=name)
        .filter(Q(holder="") | Q(expires_at__lte=now) | Q(holder=holder))
        .update(holder=holder, acquired_at=now, expires_at=expires_at)
    )
    if not taken:
        return None
    return HeldLease(name=name, holder=holder, seconds=seconds, expires_at=expires_at, renewed_at=now)


def lease_renew(*, lease: HeldLease) -> None:
    """Extend the lease to `seconds` from now. Raises LeaseLost when another holder has taken it over.

    A lease that ran out but that nobody took is still ours, and is renewed.
    """
    now = timezone.now()
    expires_at = now + timedelta(seconds=lease.seconds)
    if not Lease.objects.filter(name=lease.name, holder=lease.holder).update(expires_at=expires_at):
        raise LeaseLost(f"lease {lease.name} was taken over")
    lease.expires_at = expires_at
    lease.renewed_at = now


def lease_renewer(*, lease: HeldLease, every_seconds: float) -> Callable[[], None]:
    """A callable to call often (e.g. after each unit of work): it renews the lease at most once every
    `every_seconds`, so frequent calls cost nothing. Raises LeaseLost like `lease_renew`."""

    def renew_if_due() -> None:
        if timezone.now() - lease.renewed_at >= timedelta(seconds=every_seconds):
            lease_renew(lease=lease)

    return renew_if_due


def lease_release(*, lease: HeldLease, completed: bool) -> bool:
    """Give the lease back (the next contender need not wait for it to run out). With `completed`,
    record that the job finished its work now, even if the lease was lost meanwhile: the work is done.
    Returns False when the lease was no longer ours."""
    now = timezone.now()
    released = Lease.objects.filter(name=lease.name, holder=lease.holder).update(holder="", expires_at=now)
    if completed:
        Lease.objects.filter(name=lease.name).update(last_completed_at=now)
    if not released:
        logger.warning("lease %s was no longer held by %s at release", lease.name, lease.holder)
    return bool(released)


def run_under_lease(*, name: str, seconds: int, job: Callable[[], object]) -> bool:
    """Run `job` while holding the lease `name` (a periodic sweep that must not overlap itself and
    must never be stopped by a dead process's lock). Returns False, doing nothing, when another holder
    has a live lease. The lease is released in every case; completion is recorded on success."""
    lease = lease_acquire(name=name, seconds=seconds)
    if lease is None:
        logger.info("lease %s is held elsewhere; skipping this run", name)
        return False
    completed = False
    try:
        job()
        completed = True
    finally:
        lease_release(lease=lease, completed=completed)
    return True
