"""Huey tasks of website access: the periodic lapse sweep (idempotent; the rows are the truth).

The run holds an expiring lease (core.leases), never a Huey lock: a worker killed mid-run cannot stop
later runs (issue 14 item 1).
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from safeharbor.core.leases import run_under_lease
from safeharbor.webaccess.services import approval_lapse_sweep

LEASE_NAME = "webaccess-lapse-sweep"
LEASE_SECONDS = 240


@db_periodic_task(crontab(minute="*/5"))
def webaccess_lapse_sweep_every_five_minutes() -> None:
    run_under_lease(name=LEASE_NAME, seconds=LEASE_SECONDS, job=approval_lapse_sweep)
