"""Home-page panel "My duties": the user's open deadlines by due time (overdue first)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from safeharbor import permissions
from safeharbor.deadlines.selectors import duties_open_for_user


def my_duties_panel(request: HttpRequest) -> dict[str, Any] | None:
    user: Any = request.user
    if not permissions.can_use_inbox(user):
        return None
    now = timezone.now()
    page = duties_open_for_user(user=user, now=now, limit=10)
    if not page["rows"]:
        return None
    return {"template": "deadlines/panels/my_duties.html", "title": "My duties", "now": now, **page}
