"""Where a duty's reminders lead. Apps whose duties have their own page are listed here by subject type.

Every link passes through that page's permission door; a message never carries record details.
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

# subject_type (model label, lower case) -> URL name taking the subject's pk
SUBJECT_PAGES: dict[str, str] = {
    "missing.missingepisode": "missing:episode",
}


def link_for(deadline: Any) -> str:
    url_name = SUBJECT_PAGES.get(deadline.subject_type)
    candidates: list[tuple[str, list[Any]]] = []
    if url_name:
        candidates.append((url_name, [deadline.subject_id]))
    if deadline.youth_id:
        candidates.append(("youth:detail", [deadline.youth_id]))
    candidates.append(("deadlines:duties", []))
    for name, args in candidates:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return ""
