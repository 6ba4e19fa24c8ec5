"""Sections of the youth profile contributed by other apps (screening history, missing episodes,
service plan, MDT referrals ...). The profile shows only sections that return something: no empty tabs.

A section function takes (request, youth) and returns None or a dict with at least "template" (an
include rendered with `section` in its context) and "title". It must run a bounded number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.http import HttpRequest

SectionFn = Callable[[HttpRequest, Any], "dict[str, Any] | None"]
SECTIONS: list[tuple[int, str]] = []  # (order, "module:function")


def register(order: int, target: str) -> None:
    if (order, target) not in SECTIONS:
        SECTIONS.append((order, target))


def sections_for(request: HttpRequest, youth: Any) -> list[dict[str, Any]]:
    """The sections to show, in registered order, except that urgent ones (a section returning
    "urgent": True, such as a youth missing in the 72-hour window) come first: the profile shows them
    as a banner under its heading."""
    result = []
    for _, target in sorted(SECTIONS):
        module_name, attr = target.split(":")
        section = getattr(import_module(module_name), attr)(request, youth)
        if section is not None:
            result.append(section)
    return sorted(result, key=lambda section: not section.get("urgent"))


# Each app adds its line here.
register(40, "safeharbor.mdt.sections:referrals_section")
register(90, "safeharbor.guidance.sections:latest_notes")
register(5, "safeharbor.missing.sections:missing_section")
register(30, "safeharbor.care.sections:service_plan_section")
register(60, "safeharbor.webaccess.sections:research_section")
register(10, "safeharbor.screening.sections:screening_section")
