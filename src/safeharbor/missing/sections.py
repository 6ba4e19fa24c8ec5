"""The youth profile's "Missing from care" section, with the urgent banner during the 72-hour window."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from safeharbor import permissions
from safeharbor.missing.panels import time_left
from safeharbor.missing.selectors import episodes_for_youth


def missing_section(request: HttpRequest, youth: Any) -> dict[str, Any] | None:
    episodes = episodes_for_youth(youth=youth)
    can_report = bool(permissions.can_record_missing(request.user, youth))
    if not episodes and not can_report:
        return None
    now = timezone.now()
    active = next((e for e in episodes if e.is_missing), None)
    in_window = active is not None and active.window_ends_at > now
    return {
        "template": "missing/sections/episodes.html",
        "title": "Missing from care",
        "urgent": in_window,
        "active": active,
        "time_left": time_left(ends=active.window_ends_at, now=now) if in_window and active else "",
        "episodes": episodes,
        "can_report": can_report and active is None,
        "youth": youth,
    }
