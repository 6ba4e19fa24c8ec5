"""The deadline sweep under a lease that expires (not a lock a dead process can hold forever).

The worker's periodic sweep, the sweeps services ask for (`sweep_soon`), the sweep at worker start and
`safeharbor sweep` all go through `sweep_under_lease`, so two sweeps do not run at once. The sweep is
idempotent (UNIQUE notification rows), so the lease only saves work: when a holder is killed, its
lease runs out after `SWEEP_LEASE_SECONDS` and the next sweep takes over and finishes the job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from safeharbor.core.leases import LeaseLost, lease_acquire, lease_get, lease_release, lease_renewer
from safeharbor.deadlines.services import SweepResult, deadlines_sweep

logger = logging.getLogger(__name__)

SWEEP_LEASE = "deadlines-sweep"


@dataclass
class SweepRun:
    """What one attempt did: `result` is None when it did not sweep (the lease was held, or was lost)."""

    result: SweepResult | None
    held_by: str = ""
    held_until: datetime | None = None
    lost: bool = False

    @property
    def swept(self) -> bool:
        return self.result is not None


def sweep_under_lease(*, trigger: str, progress: Callable[[str], None] | None = None) -> SweepRun:
    """Run `deadlines_sweep` if nobody else holds the sweep lease; renew the lease as the sweep goes;
    release it at the end (also on error). A live lease held by another sweep: return at once.

    `trigger` says who asked ("periodic", "soon", "worker start", "command"), for the log.
    """
    seconds = settings.SWEEP_LEASE_SECONDS
    lease = lease_acquire(name=SWEEP_LEASE, seconds=seconds)
    if lease is None:
        current = lease_get(name=SWEEP_LEASE)
        held_by = current.holder if current else ""
        held_until = current.expires_at if current else None
        logger.info(
            "deadline sweep (%s) not started: another sweep holds the lease (%s, until %s)",
            trigger,
            held_by,
            held_until,
        )
        return SweepRun(result=None, held_by=held_by, held_until=held_until)

    renew = lease_renewer(lease=lease, every_seconds=max(1.0, seconds / 3))

    def on_progress(line: str) -> None:
        # Called by the sweep after each claimed duty: keep the lease alive while the sweep works.
        renew()
        logger.debug("deadline sweep %s", line)
        if progress is not None:
            progress(line)

    completed = False
    try:
        result = deadlines_sweep(progress=on_progress)
        completed = True
    except LeaseLost:
        logger.warning(
            "deadline sweep (%s) stopped: its lease ran out and another sweep took over (%s)", trigger, lease.holder
        )
        return SweepRun(result=None, lost=True)
    finally:
        lease_release(lease=lease, completed=completed)
    logger.info(
        "deadline sweep (%s) done: deadlines=%s claimed=%s emailed=%s failed=%s",
        trigger,
        result.deadlines,
        result.claimed,
        result.emailed,
        result.failed,
    )
    return SweepRun(result=result)
