"""Permission matrix rows for the youth pages and API.

A role without the page at all gets 403; a role with the page but not the record gets 404.
Personas' youth: `youth` (worker's), `youth2` (worker2's, same unit), `other_unit_youth`,
`other_agency_youth`. The coordinator sees none of them (no CSEC status, no referral); the manager
manages the unit of worker and worker2.
"""

from __future__ import annotations

from typing import Any

from safeharbor.core.testing import factories as f
from safeharbor.core.testing.matrix import API_ANON, Row, expect

# Outside partners get 404 on every youth URL (RULES.md §4): nothing outside the MDT packet exists for them.
NO_PAGE = {"partner": 404, "auditor": 403, "admin": 403}
EDIT_NO_PAGE = {"coordinator": 403, "manager": 403, **NO_PAGE}
CREATE_NO_PAGE = EDIT_NO_PAGE
WORKERS_ONLY = {"supervisor": 403, **EDIT_NO_PAGE}
SUPERVISOR_ONLY = dict.fromkeys(("worker", "worker2", "other_unit_worker", "other_agency_worker"), 403) | EDIT_NO_PAGE

# Who reaches each persona youth through the read door (others with the page: 404).
READERS = {
    "youth": {"worker", "supervisor", "manager"},
    "youth2": {"worker2", "supervisor", "manager"},
    "other_unit_youth": {"other_unit_worker"},
    "other_agency_youth": {"other_agency_worker"},
}
WRITERS = {
    "youth": {"worker", "supervisor"},
    "youth2": {"worker2", "supervisor"},
    "other_unit_youth": {"other_unit_worker"},
    "other_agency_youth": {"other_agency_worker"},
}
PAGE_ROLES = ("worker", "worker2", "supervisor", "other_unit_worker", "other_agency_worker", "coordinator", "manager")
EDIT_ROLES = ("worker", "worker2", "supervisor", "other_unit_worker", "other_agency_worker")


def _record(
    which: str, ok: int, roles: tuple[str, ...], allowed: set[str], no_page: dict[str, int], **extra: int
) -> dict[str, int]:
    statuses = {p: (ok if p in allowed else 404) for p in roles}
    return expect(404, **no_page, **statuses, **extra)


def _youth(which: str) -> Any:
    return lambda p: {"pk": getattr(p, which).pk}


def _alias(p: Any) -> dict[str, Any]:
    return {"pk": p.youth.pk, "alias_pk": f.AliasFactory(youth=p.youth, name="Sunny").pk}


def _placement(p: Any) -> dict[str, Any]:
    return {"pk": p.youth.pk, "placement_pk": f.PlacementFactory(youth=p.youth).pk}


ROWS: list[Row] = [
    Row("youth:list", expect(200, **NO_PAGE)),
    Row("youth:create", expect(200, **CREATE_NO_PAGE)),
    Row(
        "youth:create",
        expect(400, **CREATE_NO_PAGE),
        method="post",
        data=lambda p: {"legal_first_name": "", "legal_last_name": ""},
        label="bad input",
    ),
    Row(
        "youth:create",
        expect(302, supervisor=400, **CREATE_NO_PAGE),
        method="post",
        data=lambda p: {
            "legal_first_name": "Wren",
            "legal_last_name": "Calloway",
            "gender": "unknown",
            "icwa_status": "not_inquired",
        },
        label="valid; a supervisor must name the worker",
    ),
    Row(
        "youth:list",
        expect(200, **NO_PAGE),
        method="post",
        data=lambda p: {"q": "Wren Calloway", "scope": "all"},
        label="search",
    ),
    Row(
        "youth:duplicates",
        expect(200, **CREATE_NO_PAGE),
        method="post",
        data=lambda p: {"legal_first_name": "Wren", "legal_last_name": "Calloway"},
    ),
    Row("youth:break_glass", expect(200, **WORKERS_ONLY)),
    Row(
        "youth:break_glass",
        expect(400, **WORKERS_ONLY),
        method="post",
        data=lambda p: {"client_id": "NO-SUCH-ID", "reason": "Placement emergency after hours, need contacts."},
        label="unknown client id",
    ),
    Row(
        "api:youth-list",
        expect(200, anonymous=API_ANON, **NO_PAGE),
    ),
    Row(
        "api:youth-search",
        expect(200, anonymous=API_ANON, **NO_PAGE),
        method="post",
        data=lambda p: {"q": "Wren Calloway"},
        content_type="application/json",
    ),
    Row(
        "api:youth-list",
        expect(400, anonymous=API_ANON, **CREATE_NO_PAGE),
        method="post",
        data=lambda p: {"legal_first_name": ""},
        content_type="application/json",
        label="bad input",
    ),
]

for _which in READERS:
    ROWS += [
        Row(
            "youth:detail",
            _record(_which, 200, PAGE_ROLES, READERS[_which], NO_PAGE),
            kwargs=_youth(_which),
            label=_which,
        ),
        Row(
            "api:youth-detail",
            _record(_which, 200, PAGE_ROLES, READERS[_which], NO_PAGE, anonymous=API_ANON),
            kwargs=_youth(_which),
            label=_which,
        ),
        Row(
            "youth:edit",
            _record(_which, 200, EDIT_ROLES, WRITERS[_which], EDIT_NO_PAGE),
            kwargs=_youth(_which),
            label=_which,
        ),
        Row(
            "youth:edit",
            _record(_which, 400, EDIT_ROLES, WRITERS[_which], EDIT_NO_PAGE),
            kwargs=_youth(_which),
            method="post",
            data=lambda p: {"legal_first_name": ""},
            label=f"{_which}, bad input",
        ),
        Row(
            "api:youth-detail",
            _record(_which, 200, EDIT_ROLES, WRITERS[_which], EDIT_NO_PAGE, anonymous=API_ANON),
            kwargs=_youth(_which),
            method="patch",
            data=lambda p: {"version": 1, "preferred_name": "Sunny"},
            content_type="application/json",
            label=_which,
        ),
        Row(
            "youth:alias_add",
            _record(_which, 200, EDIT_ROLES, WRITERS[_which], EDIT_NO_PAGE),
            kwargs=_youth(_which),
            label=_which,
        ),
        Row(
            "youth:placement_add",
            _record(_which, 200, EDIT_ROLES, WRITERS[_which], EDIT_NO_PAGE),
            kwargs=_youth(_which),
            label=_which,
        ),
        Row(
            "youth:reassign",
            _record(_which, 200, ("supervisor",), WRITERS[_which], SUPERVISOR_ONLY),
            kwargs=_youth(_which),
            label=_which,
        ),
    ]

ROWS += [
    Row(
        "youth:alias_remove",
        _record("youth", 302, EDIT_ROLES, WRITERS["youth"], EDIT_NO_PAGE),
        kwargs=_alias,
        method="post",
    ),
    Row("youth:placement_end", _record("youth", 200, EDIT_ROLES, WRITERS["youth"], EDIT_NO_PAGE), kwargs=_placement),
    Row(
        "youth:placement_end",
        _record("youth", 302, EDIT_ROLES, WRITERS["youth"], EDIT_NO_PAGE),
        kwargs=_placement,
        method="post",
        data=lambda p: {"end": "2025-06-30"},
        label="end it",
    ),
]
