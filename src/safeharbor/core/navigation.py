"""The navigation bar by role. Each app adds its entries to NAV; the predicate decides who sees it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from safeharbor import permissions


def _unread_notifications(user: Any) -> int:
    from safeharbor.deadlines.selectors import unread_count

    return unread_count(user=user)


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    visible: Callable[[Any], bool]
    # A count shown after the label (for example unread notifications); zero shows nothing.
    badge: Callable[[Any], int] | None = None
    # What the count means, read by screen readers after the number ("3 unread").
    badge_label: str = "unread"


NAV: list[NavEntry] = [
    NavEntry("Home", "core:home", lambda user: True),
    NavEntry("Youth", "youth:list", permissions.has_caseload_pages),
    NavEntry("Audit log", "audit:search", permissions.can_read_audit),
    NavEntry("Partner directory", "care:partner_list", permissions.can_view_partner_directory),
    NavEntry("Open needs", "care:open_needs", permissions.can_view_open_needs),
    NavEntry("Website access", "webaccess:home", permissions.can_view_site_catalogue),
    NavEntry("MDT", "mdt:queue", permissions.is_mdt_coordinator),
    NavEntry("My meetings", "mdt:my-meetings", permissions.has_mdt_meetings),
    NavEntry("Guidance", "guidance:index", permissions.can_read_guidance),
    NavEntry("Notifications", "deadlines:inbox", permissions.can_use_inbox, badge=_unread_notifications),
]


def navigation_for(user: Any, path: str) -> list[dict[str, Any]]:
    items = []
    for entry in NAV:
        if not entry.visible(user):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        current = path == url if url == "/" else path.startswith(url)
        badge = entry.badge(user) if entry.badge is not None else None
        items.append(
            {
                "label": entry.label,
                "url": url,
                "current": current,
                "badge": badge or None,
                "badge_label": entry.badge_label,
            }
        )
    return items
