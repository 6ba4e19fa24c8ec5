"""The service plan section of the youth profile (registered in youth/sections.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from safeharbor import permissions
from safeharbor.care import rules, selectors


def service_plan_section(request: HttpRequest, youth: Any) -> dict[str, Any] | None:
    """The plan and the days from determination to each immediate intervention. Two or three queries."""
    user: Any = request.user
    items = selectors.service_plan(youth=youth)
    can_plan = permissions.can_plan_services(user, youth)
    if not items and not can_plan:
        return None
    return {
        "template": "care/sections/plan.html",
        "title": "Service plan",
        "youth": youth,
        "immediate": [i for i in items if i.kind == rules.IMMEDIATE],
        "long_term": [i for i in items if i.kind == rules.LONG_TERM],
        "timeline": selectors.plan_timeline(youth=youth, items=items),
        "can_plan": can_plan,
    }
