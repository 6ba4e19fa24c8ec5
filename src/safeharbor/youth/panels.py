from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from safeharbor import permissions
from safeharbor.accounts.roles import Role
from safeharbor.core.timeutils import agency_today
from safeharbor.youth.models import Assignment
from safeharbor.youth.selectors import youth_list_visible_to


def caseload_panel(request: HttpRequest) -> dict[str, Any] | None:
    """My caseload: the youth currently assigned to the signed-in worker (first 10)."""
    user: Any = request.user
    if not permissions.has_caseload_pages(user) or not user.has_role(Role.WORKER):
        return None
    today = agency_today(user.agency)
    mine = Assignment.objects.filter(worker=user, start__lte=today).exclude(end__lt=today).values("youth_id")
    youth = list(youth_list_visible_to(user=user).filter(pk__in=mine)[:10])
    return {"template": "youth/panels/caseload.html", "youth": youth, "title": "My caseload"}
