"""The youth profile's CSEC section: status history, drafts, re-screening due, family flag."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from safeharbor import permissions
from safeharbor.screening import selectors
from safeharbor.screening.duties import screening_duties_open
from safeharbor.screening.models import Screening
from safeharbor.screening.victim_reports import victim_report_status

SECTION_ROWS = 5


def screening_section(request: HttpRequest, youth: Any) -> dict[str, Any] | None:
    """Shown to whoever opened the profile (the youth door already decided); bounded queries."""
    user: Any = request.user
    return {
        "template": "screening/section.html",
        "title": "CSEC screening",
        "youth": youth,
        "changes": list(selectors.status_history(youth)[:SECTION_ROWS]),
        "drafts": list(
            Screening.objects.filter(youth=youth, status=Screening.State.DRAFT).order_by("-id")[:SECTION_ROWS]
        ),
        "family_flag": youth.pk in selectors.youth_family_exploitation_flag([youth.pk]),
        # The earliest open screening duty and why it is due: the duties are the truth (RULES.md §2, §9).
        "rescreen": next(iter(screening_duties_open(youth=youth)), None),
        "rescreen_months": youth.agency.rescreen_months,
        "can_screen": permissions.can_screen_youth(user, youth),
        "victim_report": victim_report_status(youth=youth),
    }
