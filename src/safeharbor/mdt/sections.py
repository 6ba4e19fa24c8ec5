"""The youth profile's MDT section: the youth's referrals, and the button to ask for a meeting."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from safeharbor import permissions
from safeharbor.mdt import selectors


def referrals_section(request: HttpRequest, youth: Any) -> dict[str, Any] | None:
    user: Any = request.user
    referrals = list(selectors.referrals_for_youth(youth=youth)[:10])
    can_refer = permissions.can_submit_referral(user, youth)
    if not referrals and not can_refer:
        return None
    return {
        "template": "mdt/sections/referrals.html",
        "title": "MDT referrals",
        "youth": youth,
        "referrals": [{"obj": r, "can_open": permissions.can_view_referral(user, r)} for r in referrals],
        "can_refer": can_refer,
    }
