"""Website research on the youth profile (registered in youth/sections.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from safeharbor import permissions
from safeharbor.webaccess import selectors

SECTION_LIMIT = 10


def research_section(request: HttpRequest, youth: Any) -> dict[str, Any] | None:
    """The latest research sessions on this youth, and links to log one or ask for access. Two queries."""
    user: Any = request.user
    sessions = list(selectors.research_for_youth(youth=youth)[: SECTION_LIMIT + 1])
    can_log = permissions.can_log_web_research(user)
    if not sessions and not can_log:
        return None
    return {
        "template": "webaccess/sections/research.html",
        "title": "Website research",
        "youth": youth,
        "sessions": sessions[:SECTION_LIMIT],
        "more": len(sessions) > SECTION_LIMIT,
        "can_log": can_log,
    }
