"""Huey tasks of the deadline engine. The database rows are the truth; these only trigger sweeps.

The periodic sweep runs every minute; services ask for an extra sweep after their transaction commits
(`services.sweep_soon`); each worker process sweeps once at start. Every sweep runs under a lease that
expires (`deadlines.sweeper`), never under a Huey lock: a worker killed mid-sweep would keep a Huey
lock forever and no reminder would be sent again. A watchdog, outside the lease, alerts the admins
when no sweep has completed for `SWEEP_STALE_MINUTES` (`deadlines.health`).
"""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, on_startup

from safeharbor.deadlines.health import sweep_stale_alert
from safeharbor.deadlines.sweeper import sweep_under_lease

logger = logging.getLogger(__name__)

# The Huey lock earlier releases took (`lock_task("deadlines-sweep")`); a worker killed while holding it
# left it in the queue's store for good. Deleted at worker start; nothing takes it any more.
LEGACY_HUEY_LOCK = "deadlines-sweep"

_started = threading.Lock()
_start_done = False
# When this process started: a new installation's first sweep gets the stale limit before any alert.
_process_started = timezone.now()


@db_periodic_task(crontab(minute="*"))
def deadlines_sweep_every_minute() -> None:
    sweep_under_lease(trigger="periodic")


@db_task()
def deadlines_sweep_now() -> None:
    sweep_under_lease(trigger="soon")


@db_periodic_task(crontab(minute="*"))
def deadlines_sweep_watchdog() -> None:
    """Every minute, outside the sweep lease: alert when the sweep has gone stale."""
    sweep_stale_alert(running_since=_process_started)


def legacy_lock_flush() -> bool:
    """Delete the legacy `deadlines-sweep` Huey lock, and only that key (`HUEY.flush_locks` would also
    clear the other tasks' locks, which may be held by a live worker on another machine)."""
    flushed = bool(HUEY.delete(f"{HUEY.name}.lock.{LEGACY_HUEY_LOCK}"))
    if flushed:
        logger.warning("removed a stale Huey lock %r left by a killed worker", LEGACY_HUEY_LOCK)
    return flushed


@on_startup("deadlines-sweep-at-start")
def deadlines_sweep_at_worker_start() -> None:
    """When the consumer starts (once per process): drop the legacy lock and sweep at once, so reminders
    missed while the worker was down go out now. If a killed predecessor's lease is still live, schedule
    a sweep for the moment it runs out instead of waiting for the next minute."""
    global _start_done
    with _started:
        if _start_done:
            return
        _start_done = True
    # As Huey's `db_task` does: fresh connections around the work (not in immediate mode, i.e. tests).
    if not HUEY.immediate:
        close_old_connections()
    try:
        legacy_lock_flush()
        run = sweep_under_lease(trigger="worker start")
        if not run.swept and run.held_until is not None:
            delay = max(1.0, (run.held_until - timezone.now()).total_seconds() + 1.0)
            deadlines_sweep_now.schedule(delay=delay)
            logger.info("deadline sweep scheduled in %.0f s, when the held lease runs out", delay)
    finally:
        if not HUEY.immediate:
            close_old_connections()
