"""`safeharbor sweep`: run the deadline sweep once, now (the Huey worker runs it every minute).

The sweep runs under the same lease as the worker's (`deadlines.sweeper`): a manual sweep and the
worker never overlap, and a killed manual sweep blocks nobody for longer than `SWEEP_LEASE_SECONDS`.

`safeharbor sweep --status` prints when the last sweep completed and exits 1 when that is longer ago
than `SWEEP_STALE_MINUTES` (or never), for monitoring.
"""

from __future__ import annotations

import math
import sys
import time
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from safeharbor.core.leases import lease_get, lease_is_live
from safeharbor.deadlines.health import sweep_health
from safeharbor.deadlines.sweeper import SWEEP_LEASE, SweepRun, sweep_under_lease


def _utc(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if value else "never"


class Command(BaseCommand):
    help = "Send the reminders owed now for every open duty (idempotent; safe to re-run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--status",
            action="store_true",
            help="Print the last completed sweep and the lease; exit 1 when the sweep is stale. Sweeps nothing.",
        )
        parser.add_argument(
            "--wait",
            type=float,
            default=0.0,
            metavar="SECONDS",
            help="When another sweep holds the lease, wait up to SECONDS for it (default: do not wait).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["status"]:
            self._status()
            return
        verbose = options.get("verbosity", 1) >= 2

        def progress(line: str) -> None:
            if verbose:
                sys.stdout.write(line + "\n")
                sys.stdout.flush()

        wait = max(0.0, float(options["wait"]))
        # One try, then one more each second of the wait (counted, not timed: clocks may be pinned).
        tries = 1 + math.ceil(wait)
        for attempt in range(tries):
            run: SweepRun = sweep_under_lease(trigger="command", progress=progress)
            if run.result is not None:
                result = run.result
                self.stdout.write(
                    f"sweep done: deadlines={result.deadlines} claimed={result.claimed} "
                    f"emailed={result.emailed} failed={result.failed}"
                )
                return
            if run.lost:
                raise CommandError("the sweep lost its lease to another sweep and stopped; that sweep goes on")
            if attempt + 1 < tries:
                time.sleep(1.0)
        message = f"another sweep holds the lease ({run.held_by}, until {_utc(run.held_until)}); nothing done"
        if wait:
            raise CommandError(f"waited {wait:.0f} s: {message}")
        self.stdout.write(f"sweep skipped: {message}")

    def _status(self) -> None:
        now = timezone.now()
        health = sweep_health(now)
        lease = lease_get(name=SWEEP_LEASE)
        age = f" ({int(health.age.total_seconds())} s ago)" if health.age is not None else ""
        self.stdout.write(f"deadline sweep: {'ok' if health.ok else 'STALE'}")
        self.stdout.write(f"last completed: {_utc(health.last_completed_at)}{age}")
        self.stdout.write(f"last started: {_utc(lease.acquired_at if lease else None)}")
        if lease is not None and lease_is_live(lease, now=now):
            self.stdout.write(f"lease: held by {lease.holder} until {_utc(lease.expires_at)}")
        else:
            self.stdout.write("lease: free")
        self.stdout.write(f"stale after: {settings.SWEEP_STALE_MINUTES} minutes")
        if not health.ok:
            raise CommandError("no deadline sweep has completed within the limit", returncode=1)
