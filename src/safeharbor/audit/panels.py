from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse

from safeharbor import permissions
from safeharbor.audit.selectors import audit_recent_activity
from safeharbor.core.timeutils import agency_zone


def auditor_panel(request: HttpRequest) -> dict[str, Any] | None:
    """For auditors: access denials and burst alerts in the last 24 hours, with links to the log."""
    user: Any = request.user
    if not permissions.can_read_audit(user):
        return None
    activity = audit_recent_activity(user=user, hours=24)
    search = reverse("audit:search")
    since = activity.since.astimezone(agency_zone(user.agency)).date().isoformat()
    return {
        "template": "audit/panels/recent.html",
        "title": "Audit: the last 24 hours",
        "denials": activity.denials,
        "burst_alerts": activity.burst_alerts,
        "denials_url": f"{search}?{urlencode({'outcome': 'denied', 'date_from': since})}",
        "bursts_url": f"{search}?{urlencode({'action': 'audit.burst_alert', 'date_from': since})}",
    }
