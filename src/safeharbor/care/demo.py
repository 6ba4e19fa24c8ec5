"""Fictional demo data for the care app: the directory seed, a few local partners, a few service plans."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from safeharbor.care import rules
from safeharbor.care.models import PartnerOrganisation, ServiceItem
from safeharbor.care.services import (
    _current_worker,
    immediate_interventions_ensure,
    partner_directory_seed,
    service_item_create,
    service_item_update,
)

LOCAL_PARTNERS = (
    ("Harborview Housing Collaborative (fictional)", "housing", ["housing", "life_skills"], "Demo City"),
    ("Cedar Grove Counselling Center (fictional)", "mental_health", ["mental_health"], "Demo City"),
    (
        "Bright Path Learning Hub (fictional)",
        "education",
        ["educational_assistance", "employment_assistance"],
        "Demo Valley",
    ),
    ("Demo County Youth Law Project (fictional)", "legal", ["legal_services"], "Demo City"),
)


def populate(ctx: Any) -> None:
    partner_directory_seed(agency=ctx.agency)
    for name, kind, offered, city in LOCAL_PARTNERS:
        PartnerOrganisation.objects.get_or_create(
            agency=ctx.agency,
            name=name,
            defaults={"kind": kind, "services": offered, "city": city, "languages": "English, Spanish"},
        )
    if not ctx.created or ServiceItem.objects.filter(agency=ctx.agency).exists():
        return
    partners = {o.kind: o for o in PartnerOrganisation.objects.filter(agency=ctx.agency, name__endswith="(fictional)")}
    ids = [y.pk for y in ctx.youth]
    from safeharbor.youth.models import Youth

    victims = list(
        Youth.objects.filter(pk__in=ids, csec_status__in=rules.VICTIM_STATUSES)
        .select_related("agency")
        .order_by("id")[:5]
    )
    now = timezone.now()
    for index, youth in enumerate(victims):
        worker = _current_worker(youth)
        if worker is None:
            continue
        determined_at = youth.csec_status_at or now - timedelta(days=3 + 4 * index)
        items = immediate_interventions_ensure(youth=youth, determined_at=determined_at, actor=worker)
        if index % 3 == 0:
            service_item_update(actor=worker, item=items[0], status="completed")
            service_item_update(
                actor=worker, item=items[2], status="in_progress", partner=partners.get("mental_health")
            )
        elif index % 3 == 1:
            service_item_update(actor=worker, item=items[1], status="referred")
        if index % 2 == 0:
            service_item_create(actor=worker, youth=youth, category="housing", partner=partners.get("housing"))
            item = service_item_create(
                actor=worker, youth=youth, category="legal_services", due_on=(now + timedelta(days=14)).date()
            )
            service_item_update(actor=worker, item=item, status="declined")
        else:
            service_item_create(
                actor=worker, youth=youth, category="educational_assistance", partner=partners.get("education")
            )
