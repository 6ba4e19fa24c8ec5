"""Reads of website access, each in a bounded number of queries."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from safeharbor import permissions
from safeharbor.core.doors import get_for_user_or_404
from safeharbor.core.timeutils import agency_zone
from safeharbor.webaccess import rules
from safeharbor.webaccess.models import AccessRequest, ResearchSession, Site


def sites_for(*, user: Any, include_inactive: bool = False) -> QuerySet[Site]:
    qs = Site.objects.filter(agency_id=user.agency_id)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("name", "domain")


def my_requests(*, user: Any) -> QuerySet[AccessRequest]:
    return (
        AccessRequest.objects.filter(agency_id=user.agency_id, requested_by=user)
        .select_related("site", "decided_by")
        .order_by("-requested_at", "-id")
    )


def my_active_approvals(*, user: Any) -> QuerySet[AccessRequest]:
    return my_requests(user=user).filter(status=rules.APPROVED, expires_at__gt=timezone.now()).order_by("expires_at")


def pending_for_decision(*, user: Any) -> QuerySet[AccessRequest]:
    return (
        AccessRequest.objects.filter(agency_id=user.agency_id, status=rules.PENDING)
        .exclude(requested_by=user)
        .select_related("site", "requested_by")
        .order_by("requested_at", "id")
    )


def request_get_for_user(*, user: Any, pk: Any, write: bool = False, action: str | None = None) -> AccessRequest:
    """The door to a website-access request (permissions.web_request_q): the requester, the agency's
    managers and coordinators; with `write` (deciding) its managers. 404 otherwise. Audited both
    ways, under `action` (default webaccess.request_view, or webaccess.request_edit with `write`)."""
    return get_for_user_or_404(
        user=user,
        queryset=AccessRequest.objects.filter(permissions.web_request_q(user, write=write)).select_related(
            "site", "requested_by", "decided_by", "agency"
        ),
        pk=pk,
        action=action or ("webaccess.request_edit" if write else "webaccess.request_view"),
        object_type="webaccess.accessrequest",
        youth_id_of=lambda access_request: access_request.youth_id,
    )


def site_get_for_user(*, user: Any, pk: Any, write: bool = False) -> Site:
    """The door to a catalogue site (permissions.site_q): the agency's active sites for staff, every
    one for its admins, who alone change them (`write`). 404 otherwise. Audited both ways
    (webaccess.site_view, or webaccess.site_edit with `write`)."""
    return get_for_user_or_404(
        user=user,
        queryset=Site.objects.filter(permissions.site_q(user, write=write)),
        pk=pk,
        action="webaccess.site_edit" if write else "webaccess.site_view",
        object_type="webaccess.site",
    )


def research_for_youth(*, youth: Any) -> QuerySet[ResearchSession]:
    return (
        ResearchSession.objects.filter(youth_id=youth.pk)
        .select_related("site", "worker")
        .order_by("-performed_at", "-id")
    )


def _day_bounds(day: date, zone: Any) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def usage_requests(
    *,
    user: Any,
    worker_id: int | None = None,
    site_id: int | None = None,
    youth_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AccessRequest]:
    """Every request of the agency with its decision and lapse, filtered. Dates filter the request day."""
    qs = AccessRequest.objects.filter(agency_id=user.agency_id).select_related("site", "requested_by", "decided_by")
    zone = agency_zone(user.agency)
    if worker_id:
        qs = qs.filter(requested_by_id=worker_id)
    if site_id:
        qs = qs.filter(site_id=site_id)
    if youth_id:
        qs = qs.filter(youth_id=youth_id)
    if date_from:
        qs = qs.filter(requested_at__gte=_day_bounds(date_from, zone)[0])
    if date_to:
        qs = qs.filter(requested_at__lt=_day_bounds(date_to, zone)[1])
    return qs.order_by("-requested_at", "-id")


def usage_sessions(
    *,
    user: Any,
    worker_id: int | None = None,
    site_id: int | None = None,
    youth_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[ResearchSession]:
    qs = ResearchSession.objects.filter(agency_id=user.agency_id).select_related("site", "worker")
    zone = agency_zone(user.agency)
    if worker_id:
        qs = qs.filter(worker_id=worker_id)
    if site_id:
        qs = qs.filter(site_id=site_id)
    if youth_id:
        qs = qs.filter(youth_id=youth_id)
    if date_from:
        qs = qs.filter(performed_at__gte=_day_bounds(date_from, zone)[0])
    if date_to:
        qs = qs.filter(performed_at__lt=_day_bounds(date_to, zone)[1])
    return qs.order_by("-performed_at", "-id")
