"""Fictional demo data for website access: the catalogue seed, requests in every state, research sessions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from safeharbor.webaccess.models import AccessRequest, Site
from safeharbor.webaccess.services import (
    access_request_create,
    access_request_decide,
    approval_lapse_sweep,
    research_session_record,
    site_catalogue_seed,
)


def populate(ctx: Any) -> None:
    site_catalogue_seed(agency=ctx.agency)
    if not ctx.created or AccessRequest.objects.filter(agency=ctx.agency).exists():
        return
    worker, manager = ctx.users.get("worker"), ctx.users.get("manager")
    if worker is None or manager is None:
        return
    from safeharbor.youth.models import Assignment

    caseload = list(
        Assignment.objects.filter(worker=worker, youth__agency=ctx.agency, end__isnull=True)
        .select_related("youth", "youth__agency")
        .order_by("youth_id")[:4]
    )
    if len(caseload) < 4:
        return
    sites = {s.domain: s for s in Site.objects.filter(agency=ctx.agency)}
    y1, y2, y3, y4 = (a.youth for a in caseload)
    now = timezone.now()
    # Pending
    access_request_create(
        actor=worker, youth=y1, site=sites["craigslist.org"], reason="Youth mentioned a listing there."
    )
    # Approved and active, with a research session under it
    approved = access_request_create(
        actor=worker, youth=y2, site=sites["backpage.com"], reason="A peer said the youth's photo was in an ad."
    )
    access_request_decide(actor=manager, access_request=approved, approve=True, comment="Approved for this case only.")
    research_session_record(
        actor=worker,
        youth=y2,
        site=sites["backpage.com"],
        performed_at=timezone.now(),
        looked_for="Advertisements using the youth's photo or street name",
        findings="No current listing found; will check again next week.",
    )
    # Denied
    denied = access_request_create(
        actor=worker, youth=y3, site=sites["myspace.com"], reason="Old profile may show contacts."
    )
    access_request_decide(
        actor=manager, access_request=denied, approve=False, comment="Use the open social site first."
    )
    # Lapsed: an approval given 40 days ago (recorded as history), then the sweep records the lapse.
    AccessRequest.objects.create(
        agency=ctx.agency,
        youth=y4,
        site=sites["instagram.com"],
        requested_by=worker,
        requested_at=now - timedelta(days=41),
        reason="Youth's account followed by an unknown adult.",
        status="approved",
        decided_by=manager,
        decided_at=now - timedelta(days=40),
        expires_at=now - timedelta(days=40) + timedelta(days=ctx.agency.webaccess_approval_days),
    )
    approval_lapse_sweep()
    # Open site research needs no approval.
    research_session_record(
        actor=worker,
        youth=y1,
        site=sites["facebook.com"],
        performed_at=now - timedelta(hours=2),
        looked_for="Public posts mentioning new friends or travel",
        findings="Posts about a new older friend; raised at the next visit.",
    )
