"""Huey tasks of the youth app: hand-overs of reassignments dated in the future (idempotent).

The hourly run holds an expiring lease (core.leases), never a Huey lock: a worker killed mid-run
cannot stop later runs (issue 14 item 1).
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from safeharbor.core.leases import run_under_lease
from safeharbor.youth.services import handovers_due_sweep

LEASE_NAME = "youth-handovers-due"
LEASE_SECONDS = 600


@db_periodic_task(crontab(minute="3"))
def youth_handovers_due_hourly() -> None:
    run_under_lease(name=LEASE_NAME, seconds=LEASE_SECONDS, job=handovers_due_sweep)
