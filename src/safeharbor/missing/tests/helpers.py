"""Test helpers: episodes made through the services (fictional data)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from safeharbor.missing import services


def make_episode(p: Any, *, youth: Any = None, actor: Any = None, returned: bool = False, hours_ago: int = 6) -> Any:
    youth = youth or p.youth
    actor = actor or p.worker
    now = timezone.now()
    episode = services.episode_report(
        actor=actor,
        youth=youth,
        episode_type="ran_away",
        last_seen_at=now - timedelta(hours=hours_ago + 2),
        discovered_at=now - timedelta(hours=hours_ago),
        last_seen_location="Near the bus station",
        circumstances="Did not come back from school.",
    )
    if returned:
        episode = services.episode_return(actor=actor, episode=episode, returned_at=now - timedelta(hours=1))
    return episode
