"""Panels on the home page. Each app registers a function that returns a panel or None."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

PanelFn = Callable[[HttpRequest], "dict[str, Any] | None"]
PANELS: list[tuple[int, str]] = []  # (order, "module:function")


def register(order: int, target: str) -> None:
    PANELS.append((order, target))


def panels_for(request: HttpRequest) -> list[dict[str, Any]]:
    from importlib import import_module

    result = []
    for _, target in sorted(PANELS):
        module_name, attr = target.split(":")
        panel = getattr(import_module(module_name), attr)(request)
        if panel is not None:
            result.append(panel)
    return result


register(10, "safeharbor.youth.panels:caseload_panel")
register(90, "safeharbor.audit.panels:auditor_panel")
register(30, "safeharbor.mdt.panels:coordinator_panel")
register(31, "safeharbor.mdt.panels:member_panel")
register(1, "safeharbor.missing.panels:urgent_panel")
register(5, "safeharbor.deadlines.panels:my_duties_panel")
register(4, "safeharbor.deadlines.panels:board_panel")
