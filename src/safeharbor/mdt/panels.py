"""Home panels: the coordinator's queue; a member's invitations and open action items."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest

from safeharbor import permissions
from safeharbor.mdt import selectors
from safeharbor.mdt.models import Referral


def coordinator_panel(request: HttpRequest) -> dict[str, Any] | None:
    user: Any = request.user
    if not permissions.is_mdt_coordinator(user):
        return None
    counts = Referral.objects.filter(agency_id=user.agency_id, status__in=selectors.QUEUE_STATUSES).aggregate(
        waiting=Count("id"), urgent=Count("id", filter=Q(urgent=True))
    )
    return {"template": "mdt/panels/coordinator.html", "title": "MDT referral queue", **counts}


def member_panel(request: HttpRequest) -> dict[str, Any] | None:
    user: Any = request.user
    if not permissions.has_mdt_meetings(user):
        return None
    return {
        "template": "mdt/panels/member.html",
        "title": "My MDT meetings",
        "invitations": selectors.my_invitations(user=user).count(),
        "open_items": selectors.my_action_items(user=user, open_only=True).count(),
    }
