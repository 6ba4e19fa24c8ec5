"""Reads of the care app, each in a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from safeharbor import permissions
from safeharbor.care import rules
from safeharbor.care.models import PartnerOrganisation, ServiceItem, ServiceStatusChange
from safeharbor.care.refusals import DOOR_ACTION
from safeharbor.core.doors import get_for_user_or_404
from safeharbor.core.timeutils import agency_zone
from safeharbor.youth.selectors import require, youth_record_get_for_user


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


def partner_get_for_user(*, user: Any, pk: Any, write: bool = False) -> PartnerOrganisation:
    """The door to a directory entry (permissions.partner_q): the user's agency's, an inactive one only
    for those who maintain the directory, and with `write` only for them; 404 otherwise. Audited both
    ways (care.partner_view, or care.partner_edit with `write`)."""
    return get_for_user_or_404(
        user=user,
        queryset=PartnerOrganisation.objects.filter(permissions.partner_q(user, write=write)),
        pk=pk,
        action="care.partner_edit" if write else "care.partner_view",
        object_type="care.partnerorganisation",
    )


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


def service_item_get_for_user(*, user: Any, pk: Any, write: bool = False) -> ServiceItem:
    """The one door to a service item, for the pages and the API alike.

    Only for those with caseload pages (otherwise 403, audited); then the item must be of the user's
    agency and about a youth they may open, or with `write` change (permissions.service_item_q), else a
    404 audited as denied. The opening is audited by the youth's door (`youth_get_for_user`), under
    care.service_view, or care.plan_edit with `write`; `item.youth` is that door's youth.
    """
    action = DOOR_ACTION if write else "care.service_view"
    require(permissions.has_caseload_pages, user, action="care.service_update" if write else "care.service_view")
    return youth_record_get_for_user(
        user=user,
        queryset=ServiceItem.objects.filter(permissions.service_item_q(user, write=write)).select_related(
            "partner", "owner"
        ),
        pk=pk,
        write=write,
        action=action,
        object_type="care.serviceitem",
    )


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
