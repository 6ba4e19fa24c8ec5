"""Home-page panels: "My duties" (the user's open deadlines by due time, overdue first) and, for
supervisors and managers, the compact unit board."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from safeharbor import permissions
from safeharbor.deadlines.board import board_overdue_first, board_totals
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


def board_panel(request: HttpRequest) -> dict[str, Any] | None:
    """The supervisor's (and manager's) compact unit board: how many open, overdue and due today, the
    first overdue duties (titles and owners, no child's name) and the link to the board (2 queries)."""
    user: Any = request.user
    if not permissions.can_view_duty_board(user):
        return None
    now = timezone.now()
    return {
        "template": "deadlines/panels/board.html",
        "title": "Your units' duties",
        "totals": board_totals(user=user, now=now),
        "overdue": board_overdue_first(user=user, now=now, limit=5),
    }
