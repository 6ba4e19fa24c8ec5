"""The youth profile's "Case notes" section: the latest notes and a link to all of them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from safeharbor.guidance import selectors

LATEST = 3


def latest_notes(request: HttpRequest, youth: Any) -> dict[str, Any] | None:
    """Shown to anyone who can open the profile (the youth door already ran). One query."""
    return {
        "title": "Case notes",
        "template": "guidance/sections/latest_notes.html",
        "notes": list(selectors.notes_for_youth(youth=youth)[:LATEST]),
        "url": reverse("guidance:notes", kwargs={"youth_pk": youth.pk}),
    }
