"""Huey tasks of the youth app: hand-overs of reassignments dated in the future (idempotent)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from safeharbor.youth.services import handovers_due_sweep


@db_periodic_task(crontab(minute="3"))
@lock_task("youth-handovers-due")
def youth_handovers_due_hourly() -> None:
    handovers_due_sweep()
