"""Home-page panel: youth in the 72-hour high-risk window (RULES.md §3; handbook 13-19)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from safeharbor import permissions
from safeharbor.missing.selectors import episodes_in_window_for_user


def time_left(*, ends: Any, now: Any) -> str:
    seconds = max(0, int((ends - now).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    return f"{hours} h {rest // 60:02d} min left"


def urgent_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Urgent: the user's youth missing from care inside the 72-hour window, with the time left."""
    user: Any = request.user
    if not permissions.sees_missing_urgent_panel(user):
        return None
    now = timezone.now()
    episodes = episodes_in_window_for_user(user=user, now=now)
    if not episodes:
        return None
    rows = [{"episode": e, "youth": e.youth, "time_left": time_left(ends=e.window_ends_at, now=now)} for e in episodes]
    return {
        "template": "missing/panels/urgent.html",
        "title": "Urgent: missing youth in the 72-hour window",
        "rows": rows,
    }
