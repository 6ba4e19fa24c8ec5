"""Huey tasks of website access: the periodic lapse sweep (idempotent; the rows are the truth)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from safeharbor.webaccess.services import approval_lapse_sweep


@db_periodic_task(crontab(minute="*/5"))
@lock_task("webaccess-lapse-sweep")
def webaccess_lapse_sweep_every_five_minutes() -> None:
    approval_lapse_sweep()
