"""Reads of the care app, each in a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from safeharbor import permissions
from safeharbor.care import rules
from safeharbor.care.models import PartnerOrganisation, ServiceItem, ServiceStatusChange
from safeharbor.core.timeutils import agency_zone


def partner_search(
    *, user: Any, q: str = "", kind: str = "", service: str = "", city: str = ""
) -> QuerySet[PartnerOrganisation]:
    """The directory entries a user may see, filtered by name, kind, service offered and city."""
    qs = PartnerOrganisation.objects.filter(permissions.partner_directory_q(user))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if city:
        qs = qs.filter(Q(city__icontains=city) | Q(area_served__icontains=city))
    if service:
        # JSON containment is not on SQLite: the list is stored as text, so match the quoted code.
        qs = qs.filter(services__icontains=f'"{service}"')
    return qs.order_by("name", "id")


def partner_get(*, user: Any, pk: int) -> PartnerOrganisation | None:
    return PartnerOrganisation.objects.filter(permissions.partner_directory_q(user), pk=pk).first()


def service_plan(*, youth: Any) -> list[ServiceItem]:
    """A youth's plan: immediate interventions first, then long-term services, by due instant."""
    items: list[ServiceItem] = list(
        ServiceItem.objects.filter(youth_id=youth.pk)
        .select_related("partner", "owner")
        .annotate(
            kind_order=Case(When(kind=rules.IMMEDIATE, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("kind_order", "due_at", "id")
    )
    now = timezone.now()
    for item in items:
        item.overdue = rules.is_overdue(status=item.status, due_at=item.due_at, now=now)  # type: ignore[attr-defined]
    return items


@dataclass(frozen=True)
class PlanTimeline:
    determined_on: Any
    days_to_safe_placement: int | None
    days_to_health_exam: int | None
    days_to_mental_health_start: int | None


def plan_timeline(*, youth: Any, items: list[ServiceItem]) -> PlanTimeline:
    """Days from the determination (Youth.csec_status_at, agency calendar) to safe placement, to the
    health exam, and to the start of mental health services. No queries."""
    determined_on = youth.csec_status_at.astimezone(agency_zone(youth.agency)).date() if youth.csec_status_at else None
    by_category = {item.category: item for item in items if item.kind == rules.IMMEDIATE}

    def completed(category: str) -> Any:
        item = by_category.get(category)
        return item.completed_on if item else None

    def started(category: str) -> Any:
        item = by_category.get(category)
        return item.started_on if item else None

    return PlanTimeline(
        determined_on=determined_on,
        days_to_safe_placement=rules.days_between(start=determined_on, end=completed("safe_placement")),
        days_to_health_exam=rules.days_between(start=determined_on, end=completed("physical_health_exam")),
        days_to_mental_health_start=rules.days_between(start=determined_on, end=started("mental_health_trauma")),
    )


def service_item_get(*, pk: Any) -> ServiceItem | None:
    """The item alone, for the youth door that follows (no access decision here)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return ServiceItem.objects.filter(pk=pk).select_related("partner", "owner").first()


def status_history(*, item: ServiceItem) -> list[ServiceStatusChange]:
    return list(ServiceStatusChange.objects.filter(item=item).select_related("changed_by").order_by("changed_at", "id"))


def open_needs(*, user: Any, category: str = "", partner_id: int | None = None) -> QuerySet[ServiceItem]:
    """Open service items of every youth with a CSEC status that the user may see, overdue first."""
    from safeharbor.youth.models import Youth

    visible = Youth.objects.filter(permissions.youth_read_q(user)).exclude(csec_status="no_known_risk").values("pk")
    now = timezone.now()
    qs = (
        ServiceItem.objects.filter(agency_id=user.agency_id, status__in=rules.OPEN_STATUSES, youth_id__in=visible)
        .select_related("youth", "partner", "owner")
        .annotate(
            overdue_order=Case(
                When(due_at__lte=now, then=Value(0)),
                When(due_at__isnull=True, then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
    )
    if category:
        qs = qs.filter(category=category)
    if partner_id:
        qs = qs.filter(partner_id=partner_id)
    return qs.order_by("overdue_order", "due_at", "id")
