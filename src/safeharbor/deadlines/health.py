"""Is the deadline sweep alive? The instant of the last completed sweep, and the watchdog's alert.

`sweep_health` is the one answer, for `safeharbor sweep --status`, the watchdog task and a readiness
probe. The watchdog (`deadlines.tasks.deadlines_sweep_watchdog`) runs outside the sweep lease; it tells
each agency's admins at most once an hour while no sweep has completed for `SWEEP_STALE_MINUTES`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.utils import timezone

from safeharbor.accounts.models import User
from safeharbor.accounts.roles import Role
from safeharbor.core.leases import lease_get
from safeharbor.core.timeutils import agency_zone
from safeharbor.deadlines.services import notification_send
from safeharbor.deadlines.sweeper import SWEEP_LEASE

logger = logging.getLogger(__name__)

SWEEP_STALE = "sweep_stale"


class SweepHealth(NamedTuple):
    ok: bool
    last_completed_at: datetime | None  # None: no sweep has ever completed
    age: timedelta | None  # since the last completed sweep


def stale_after() -> timedelta:
    return timedelta(minutes=settings.SWEEP_STALE_MINUTES)


def sweep_health(now: datetime | None = None) -> SweepHealth:
    """ok when a sweep has completed within `SWEEP_STALE_MINUTES` of `now`; never completed is not ok."""
    now = now or timezone.now()
    lease = lease_get(name=SWEEP_LEASE)
    last = lease.last_completed_at if lease else None
    if last is None:
        return SweepHealth(ok=False, last_completed_at=None, age=None)
    age = now - last
    return SweepHealth(ok=age <= stale_after(), last_completed_at=last, age=age)


def _stale_message(health: SweepHealth, agency: object | None) -> str:
    if health.last_completed_at is None or health.age is None:
        since = "No deadline sweep has completed yet"
    else:
        local = health.last_completed_at.astimezone(agency_zone(agency)).strftime("%Y-%m-%d %H:%M %Z")
        since = f"No deadline sweep has completed since {local} ({int(health.age.total_seconds() // 60)} minutes)"
    return (
        f"{since}: reminders and escalations are not being sent. Check the task worker "
        "(safeharbor sweep --status; see the operations guide)."
    )


def sweep_stale_alert(now: datetime | None = None, *, running_since: datetime | None = None) -> int:
    """When the sweep is stale: log at ERROR and notify every active admin of every agency, once per
    admin per outage per hour. Returns how many admins were told now (0 when the sweep is healthy).

    `running_since` (the worker's start) gives a brand-new installation, where no sweep has completed
    yet, the same `SWEEP_STALE_MINUTES` to complete its first one before anyone is alerted.
    """
    now = now or timezone.now()
    health = sweep_health(now)
    if health.ok:
        return 0
    if health.last_completed_at is None and running_since is not None and now - running_since <= stale_after():
        return 0
    logger.error(
        "deadline sweep stale: last completed %s (age %s s, limit %s min); reminders are not being sent",
        health.last_completed_at.isoformat() if health.last_completed_at else "never",
        int(health.age.total_seconds()) if health.age else "-",
        settings.SWEEP_STALE_MINUTES,
    )
    outage = str(int(health.last_completed_at.timestamp())) if health.last_completed_at else "never"
    hour = now.astimezone(UTC).strftime("%Y%m%d%H")
    admins = (
        User.objects.filter(is_active=True, agency__isnull=False, role_grants__role=Role.ADMIN)
        .select_related("agency")
        .distinct()
        .order_by("id")
    )
    told = 0
    for admin in admins:
        sent = notification_send(
            recipient=admin,
            kind=SWEEP_STALE,
            message=_stale_message(health, admin.agency)[:300],
            link="",
            dedupe_key=f"{SWEEP_STALE}:{outage}:{hour}:{admin.pk}",
        )
        told += sent is not None
    return told
