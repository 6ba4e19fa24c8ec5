"""Permission matrix rows for the website access pages.

Staff see the module (partners do not); workers ask and log research for youth they can open;
managers decide (never their own request) and, with auditors, review usage; admins keep the catalogue.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from safeharbor.core.testing.matrix import Row, expect
from safeharbor.webaccess.models import AccessRequest, Site
from safeharbor.webaccess.services import site_catalogue_seed


def _site(p: Any, domain: str = "backpage.com", agency: str = "agency") -> Site:
    site_catalogue_seed(agency=getattr(p, agency))
    return Site.objects.get(agency=getattr(p, agency), domain=domain)


def _request(p: Any) -> AccessRequest:
    existing = AccessRequest.objects.filter(requested_by=p.worker, youth=p.youth).first()
    if existing:
        return existing
    return AccessRequest.objects.create(
        agency=p.agency,
        youth=p.youth,
        site=_site(p),
        requested_by=p.worker,
        requested_at=timezone.now(),
        reason="The youth mentioned ads on this site.",
    )


def _only(status: int, *personas: str, default: int = 403, **extra: int) -> dict[str, int]:
    return expect(default, **dict.fromkeys(personas, status), **extra)


NOT_READER = {"worker2": 404, "other_unit_worker": 404, "other_agency_worker": 404, "coordinator": 404}
NO_CASE_PAGES = {"partner": 403, "auditor": 403, "admin": 403}

ROWS = [
    Row("webaccess:home", expect(200, partner=403)),
    Row("webaccess:site_list", expect(200, partner=403)),
    Row("webaccess:site_create", _only(200, "admin")),
    Row(
        "webaccess:site_create",
        _only(302, "admin"),
        method="post",
        data=lambda p: {"domain": "example-classifieds.test", "name": "Example", "access_level": "approval_required"},
    ),
    Row(
        "webaccess:site_create",
        _only(400, "admin"),
        method="post",
        data=lambda p: {"domain": "not a domain", "name": "Example", "access_level": "approval_required"},
        label="bad input",
    ),
    Row("webaccess:site_edit", _only(200, "admin"), kwargs=lambda p: {"pk": _site(p).pk}),
    Row(
        "webaccess:site_edit",
        _only(404, "admin"),
        kwargs=lambda p: {"pk": _site(p, agency="other_agency").pk},
        label="other agency's site",
    ),
    Row(
        "webaccess:site_edit",
        _only(302, "admin"),
        kwargs=lambda p: {"pk": _site(p).pk},
        method="post",
        data=lambda p: {"domain": "backpage.com", "name": "Backpage", "access_level": "approval_required"},
    ),
    Row(
        "webaccess:site_edit",
        _only(400, "admin"),
        kwargs=lambda p: {"pk": _site(p).pk},
        method="post",
        data=lambda p: {"domain": "", "name": "", "access_level": "nonsense"},
        label="bad input",
    ),
    Row(
        "webaccess:site_edit",
        _only(404, "admin"),
        kwargs=lambda p: {"pk": _site(p, agency="other_agency").pk},
        method="post",
        data=lambda p: {"domain": "backpage.com", "name": "Backpage", "access_level": "open"},
        label="other agency's site post",
    ),
    Row(
        "webaccess:request_create",
        _only(200, "worker", worker2=404, other_unit_worker=404, other_agency_worker=404),
        kwargs=lambda p: {"youth_id": p.youth.pk},
    ),
    Row(
        "webaccess:request_create",
        _only(302, "worker", worker2=404, other_unit_worker=404, other_agency_worker=404),
        kwargs=lambda p: {"youth_id": p.youth.pk},
        method="post",
        data=lambda p: {"site": _site(p).pk, "reason": "The youth mentioned ads on this site."},
    ),
    Row(
        "webaccess:request_create",
        _only(400, "worker", worker2=404, other_unit_worker=404, other_agency_worker=404),
        kwargs=lambda p: {"youth_id": p.youth.pk},
        method="post",
        data=lambda p: {"site": _site(p).pk, "reason": "short"},
        label="bad input",
    ),
    Row(
        "webaccess:research",
        expect(200, **NOT_READER, **NO_CASE_PAGES),
        kwargs=lambda p: {"youth_id": p.youth.pk},
    ),
    Row(
        "webaccess:research",
        expect(403, worker=302, **NOT_READER, **NO_CASE_PAGES),
        kwargs=lambda p: {"youth_id": p.youth.pk},
        method="post",
        data=lambda p: {
            "site": _site(p, "facebook.com").pk,
            "performed_at": "2025-06-01T10:00",
            "looked_for": "Public posts",
        },
    ),
    Row(
        "webaccess:research",
        expect(403, worker=400, **NOT_READER, **NO_CASE_PAGES),
        kwargs=lambda p: {"youth_id": p.youth.pk},
        method="post",
        data=lambda p: {"site": _site(p).pk, "performed_at": "2025-06-01T10:00", "looked_for": "Ads"},
        label="no approval",
    ),
    Row(
        "webaccess:request_detail",
        expect(404, worker=200, manager=200, coordinator=200),
        kwargs=lambda p: {"pk": _request(p).pk},
    ),
    Row(
        "webaccess:request_decide",
        _only(302, "manager"),
        kwargs=lambda p: {"pk": _request(p).pk},
        method="post",
        data=lambda p: {"decision": "approve", "comment": ""},
    ),
    Row(
        "webaccess:request_decide",
        _only(400, "manager"),
        kwargs=lambda p: {"pk": _request(p).pk},
        method="post",
        data=lambda p: {"decision": "deny", "comment": ""},
        label="denial without comment",
    ),
    Row("webaccess:queue", _only(200, "manager")),
    Row("webaccess:review", _only(200, "manager", "auditor")),
    Row("webaccess:review_export", _only(200, "manager", "auditor")),
]
