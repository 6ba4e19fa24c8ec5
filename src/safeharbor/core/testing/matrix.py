"""The permission matrix: every URL pattern and API route against every persona.

Each app lists its rows in `safeharbor/<app>/tests/matrix.py` as `ROWS: list[Row]`. The test in
`tests/test_permission_matrix.py` walks the URL resolver and fails when a named URL has no row, then
requests each row as each persona and checks the status code.

Personas (see the root conftest.py): anonymous, worker, worker2, supervisor, other_unit_worker,
other_agency_worker, coordinator, manager, partner, auditor, admin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS: tuple[str, ...] = (
    "anonymous",
    "worker",
    "worker2",
    "supervisor",
    "other_unit_worker",
    "other_agency_worker",
    "coordinator",
    "manager",
    "partner",
    "auditor",
    "admin",
)

SIGN_IN = 302  # a page asks an anonymous visitor to sign in
API_ANON = 403  # DRF answers an anonymous API call with 403 (session auth, no challenge)


def expect(default: int, **overrides: int) -> dict[str, int]:
    """A full persona -> status map: `default` for everyone signed in, overrides by persona name.

    The anonymous column defaults to a redirect to sign-in; pass anonymous=... for API routes.
    """
    unknown = set(overrides) - set(PERSONAS)
    if unknown:
        raise ValueError(f"unknown personas: {sorted(unknown)}")
    result = dict.fromkeys(PERSONAS, default)
    result["anonymous"] = SIGN_IN
    result.update(overrides)
    return result


@dataclass(frozen=True)
class Row:
    """One URL, one set of arguments, what each persona gets.

    `kwargs(personas)` builds the URL kwargs; `setup(personas)` may create records first and return
    a dict merged into the kwargs source (for URLs about a record that the personas do not have).
    `data(personas)` is the POST body.
    """

    name: str
    expected: dict[str, int]
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda p: {})
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] | None = None
    label: str = ""
    content_type: str | None = None

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.name}{' (' + self.label + ')' if self.label else ''}"
