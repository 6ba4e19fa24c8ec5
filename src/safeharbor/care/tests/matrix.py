"""Permission matrix rows for the care pages and API.

Personas' youth: `youth` is worker's (read: worker, supervisor, manager; write: worker, supervisor).
The coordinator reaches a youth only with a CSEC status (the `csec` rows). Partners, auditors and
admins have no service-plan pages (403); the directory is open to everyone signed in.
"""

from __future__ import annotations

from typing import Any

from safeharbor.care.models import ServiceItem
from safeharbor.core.testing import factories as f
from safeharbor.core.testing.matrix import API_ANON, Row, expect

NO_PLAN_PAGE = {"partner": 403, "auditor": 403, "admin": 403}
STAFF_404 = {"worker2": 404, "other_unit_worker": 404, "other_agency_worker": 404, "coordinator": 404}
MANAGERS_ONLY = {"coordinator": 200, "admin": 200}


def _csec_youth(p: Any) -> Any:
    youth = getattr(p, "_csec_youth", None)
    if youth is None:
        youth = f.YouthFactory(agency=p.agency, csec_status="suspected_victim")
        f.AssignmentFactory(youth=youth, worker=p.worker)
        p._csec_youth = youth
    return youth


def _item(p: Any) -> ServiceItem:
    item, _ = ServiceItem.objects.get_or_create(
        youth=p.youth,
        kind="long_term",
        category="housing",
        defaults={"agency": p.agency, "owner": p.worker},
    )
    return item


def _org(p: Any) -> int:
    return p.partner.partner_organisation_id


def _only(status: int, *personas: str, default: int = 403, **extra: int) -> dict[str, int]:
    return expect(default, **dict.fromkeys(personas, status), **extra)


ROWS = [
    # Directory pages
    Row("care:partner_list", expect(200)),
    Row("care:partner_detail", expect(200, other_agency_worker=404), kwargs=lambda p: {"pk": _org(p)}),
    Row("care:partner_create", _only(200, "coordinator", "admin")),
    Row(
        "care:partner_create",
        _only(302, "coordinator", "admin"),
        method="post",
        data=lambda p: {"name": "Fictional Clinic", "kind": "health", "is_active": "on"},
    ),
    Row(
        "care:partner_create",
        _only(400, "coordinator", "admin"),
        method="post",
        data=lambda p: {"name": "", "kind": "nonsense"},
        label="bad input",
    ),
    Row("care:partner_edit", _only(200, "coordinator", "admin"), kwargs=lambda p: {"pk": _org(p)}),
    Row(
        "care:partner_edit",
        _only(302, "coordinator", "admin"),
        kwargs=lambda p: {"pk": _org(p)},
        method="post",
        data=lambda p: {"name": "Fictional Youth Advocates", "kind": "community_advocacy"},
        label="deactivate",
    ),
    # Service plan
    Row(
        "care:plan",
        expect(200, **STAFF_404, **NO_PLAN_PAGE),
        kwargs=lambda p: {"youth_id": p.youth.pk},
    ),
    Row(
        "care:plan",
        expect(200, **{**STAFF_404, "coordinator": 200}, **NO_PLAN_PAGE),
        kwargs=lambda p: {"youth_id": _csec_youth(p).pk},
        label="csec youth",
    ),
    Row(
        "care:plan",
        expect(404, other_agency_worker=200, **NO_PLAN_PAGE),
        kwargs=lambda p: {"youth_id": p.other_agency_youth.pk},
        label="other agency youth",
    ),
    Row(
        "care:service_add",
        expect(302, **STAFF_404, manager=404, **NO_PLAN_PAGE),
        kwargs=lambda p: {"youth_id": p.youth.pk},
        method="post",
        data=lambda p: {"category": "housing"},
    ),
    Row(
        "care:service_add",
        expect(400, **STAFF_404, manager=404, **NO_PLAN_PAGE),
        kwargs=lambda p: {"youth_id": p.youth.pk},
        method="post",
        data=lambda p: {"category": "safe_placement"},
        label="bad input",
    ),
    Row(
        "care:service_detail",
        expect(200, **STAFF_404, **NO_PLAN_PAGE),
        kwargs=lambda p: {"pk": _item(p).pk},
    ),
    Row(
        "care:service_detail",
        expect(302, **STAFF_404, manager=404, **NO_PLAN_PAGE),
        kwargs=lambda p: {"pk": _item(p).pk},
        method="post",
        data=lambda p: {"status": "in_progress"},
        label="change status",
    ),
    Row(
        "care:service_detail",
        expect(404, **NO_PLAN_PAGE),
        kwargs=lambda p: {"pk": 987654},
        label="missing item",
    ),
    Row("care:open_needs", _only(200, "coordinator")),
    # API
    Row("api:care-partners", expect(200, anonymous=API_ANON)),
    Row(
        "api:care-partners",
        _only(201, "coordinator", "admin", anonymous=API_ANON),
        method="post",
        data=lambda p: {"name": "Fictional Legal Aid", "kind": "legal", "services": ["legal_services"]},
        content_type="application/json",
    ),
    Row(
        "api:care-partners",
        _only(400, "coordinator", "admin", anonymous=API_ANON),
        method="post",
        data=lambda p: {"name": "X", "services": ["safe_placement"]},
        content_type="application/json",
        label="bad input",
    ),
    Row(
        "api:care-partner",
        expect(200, other_agency_worker=404, anonymous=API_ANON),
        kwargs=lambda p: {"pk": _org(p)},
    ),
    Row(
        "api:care-partner",
        _only(200, "coordinator", "admin", anonymous=API_ANON),
        kwargs=lambda p: {"pk": _org(p)},
        method="patch",
        data=lambda p: {"languages": "English, Spanish"},
        content_type="application/json",
    ),
    Row(
        "api:care-youth-services",
        expect(200, **STAFF_404, **NO_PLAN_PAGE, anonymous=API_ANON),
        kwargs=lambda p: {"youth_id": p.youth.pk},
    ),
    Row(
        "api:care-youth-services",
        expect(201, **STAFF_404, manager=404, **NO_PLAN_PAGE, anonymous=API_ANON),
        kwargs=lambda p: {"youth_id": p.youth.pk},
        method="post",
        data=lambda p: {"category": "life_skills"},
        content_type="application/json",
    ),
    Row(
        "api:care-youth-services",
        expect(400, **STAFF_404, manager=404, **NO_PLAN_PAGE, anonymous=API_ANON),
        kwargs=lambda p: {"youth_id": p.youth.pk},
        method="post",
        data=lambda p: {"category": "life_skills", "partner_id": 999999},
        content_type="application/json",
        label="bad input",
    ),
    Row(
        "api:care-service",
        expect(200, **STAFF_404, **NO_PLAN_PAGE, anonymous=API_ANON),
        kwargs=lambda p: {"pk": _item(p).pk},
    ),
    Row(
        "api:care-service",
        expect(200, **STAFF_404, manager=404, **NO_PLAN_PAGE, anonymous=API_ANON),
        kwargs=lambda p: {"pk": _item(p).pk},
        method="patch",
        data=lambda p: {"status": "completed"},
        content_type="application/json",
    ),
]
