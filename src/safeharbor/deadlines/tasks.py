"""Huey tasks of the deadline engine. The database rows are the truth; these only trigger sweeps.

The periodic sweep runs every minute; services ask for an extra sweep after their transaction commits
(`services.sweep_soon`). A lock keeps two sweeps from running at once on the same queue.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from safeharbor.deadlines.services import deadlines_sweep


@db_periodic_task(crontab(minute="*"))
@lock_task("deadlines-sweep")
def deadlines_sweep_every_minute() -> None:
    deadlines_sweep()


@db_task()
@lock_task("deadlines-sweep")
def deadlines_sweep_now() -> None:
    deadlines_sweep()
