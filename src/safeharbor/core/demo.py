"""Conventions for `safeharbor demo`: the base data, then each app's own demo module.

An app adds demo data with `safeharbor/<app>/demo.py` defining `populate(ctx: DemoContext) -> None`.
It must be idempotent (the command may run on every `make run`) and fictional.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class DemoContext:
    agency: Any
    users: dict[str, Any] = field(default_factory=dict)  # by username
    youth: list[Any] = field(default_factory=list)  # the 40 demo youth, in creation order
    created: bool = True  # False when the base data already existed (apps should then skip)


DEMO_APPS = ["accounts", "screening", "missing", "mdt", "care", "webaccess", "guidance", "deadlines", "reports"]
