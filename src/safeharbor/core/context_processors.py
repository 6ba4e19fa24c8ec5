from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from safeharbor.core.navigation import navigation_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "agency_name": ""}
    return {
        # Lazy: an htmx partial that shows no navigation runs none of its queries (the badge counts).
        "nav_items": SimpleLazyObject(lambda: navigation_for(user, request.path)),
        "agency_name": user.agency.name if user.agency_id else "",
    }
