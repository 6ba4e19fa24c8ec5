"""Write workflows of the care app: service plans and the partner directory (RULES.md §5).

Each service runs in one transaction, validates with full_clean() and writes its audit row inside.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from safeharbor import permissions
from safeharbor.audit.services import audit_record
from safeharbor.care import rules
from safeharbor.care.directory import HANDBOOK_ORGANISATIONS
from safeharbor.care.models import PartnerOrganisation, ServiceItem, ServiceStatusChange
from safeharbor.core.errors import ApplicationError
from safeharbor.core.timeutils import agency_today, agency_zone
from safeharbor.deadlines import kinds as duty_kinds
from safeharbor.deadlines.services import (
    deadline_cancel,
    deadline_meet,
    deadline_open,
    deadlines_transfer,
    open_duty,
)

# Every duty kind that mirrors a service item (deadlines.kinds).
DEADLINE_KINDS: tuple[str, ...] = (*duty_kinds.CARE_IMMEDIATE_KINDS.values(), duty_kinds.CARE_LONG_TERM_KIND)


def duty_kind_for(item: ServiceItem) -> str:
    """The duty kind of a service item: one per immediate intervention, one for long-term services."""
    if item.kind == rules.IMMEDIATE:
        return duty_kinds.CARE_IMMEDIATE_KINDS[item.category]
    return duty_kinds.CARE_LONG_TERM_KIND


def _done_at(*, item: ServiceItem, effective_on: date | None, today: date, now: datetime) -> datetime:
    """When a completion dated `effective_on` was done: now for today; an earlier day counts from its
    start on the agency's calendar, never before the duty arose."""
    if effective_on is None or effective_on >= today:
        return now
    start = datetime.combine(effective_on, time(0, 0), tzinfo=agency_zone(item.agency)).astimezone(UTC)
    duty = open_duty(kind=duty_kind_for(item), subject=item)
    if duty is not None and start < duty.arose_at:
        return duty.arose_at
    return start


_UNSET: Any = object()


def _current_worker(youth: Any) -> Any | None:
    from safeharbor.youth.selectors import youth_current_worker

    return youth_current_worker(youth=youth)


def _deadline_title(item: ServiceItem) -> str:
    prefix = "Immediate intervention" if item.kind == rules.IMMEDIATE else "Service"
    return f"{prefix} due: {item.category_label}"


def _validate(instance: Any) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ApplicationError(" ".join(messages), field=None if field == "__all__" else field) from exc


# --- Service plan ------------------------------------------------------------------------------


def immediate_interventions_ensure(*, youth: Any, determined_at: datetime, actor: Any) -> list[ServiceItem]:
    """Make sure the youth's plan holds the three immediate interventions (handbook 13-19, "Services").

    Called when a screening determines a youth a suspected or confirmed victim. Creates each of safe
    placement, physical health exam and mental health care for layered trauma exactly once per youth:
    calling it again (a re-determination) returns the existing items and creates nothing.
    Owner: the youth's current assigned worker (else `actor`). Due: `agency.immediate_due_days`
    (default 7) calendar days after `determined_at` on the agency's calendar; each due item is a
    deadline of kind "service_item" in the deadline engine.
    """
    if timezone.is_naive(determined_at):
        raise ValueError("determined_at must be timezone-aware")
    agency = youth.agency
    owner = _current_worker(youth) or actor
    if owner is None:
        raise ApplicationError("The youth has no assigned worker to own the immediate interventions.", field="owner")
    due_at = rules.immediate_due_at(
        determined_at=determined_at, due_days=agency.immediate_due_days, zone=agency_zone(agency)
    )
    now = timezone.now()
    with transaction.atomic():
        existing = {
            item.category: item
            for item in ServiceItem.objects.select_for_update().filter(youth_id=youth.pk, kind=rules.IMMEDIATE)
        }
        for category in rules.IMMEDIATE_CATEGORIES:
            if category in existing:
                continue
            item = ServiceItem(
                agency_id=youth.agency_id,
                youth_id=youth.pk,
                kind=rules.IMMEDIATE,
                category=category,
                status="needed",
                owner=owner,
                due_at=due_at,
                determined_at=determined_at,
                created_by=actor,
            )
            item.full_clean(validate_constraints=False)
            try:
                with transaction.atomic():
                    item.save()
            except IntegrityError:
                # Another determination created it at the same moment: use that one.
                existing[category] = ServiceItem.objects.get(youth_id=youth.pk, kind=rules.IMMEDIATE, category=category)
                continue
            ServiceStatusChange.objects.create(
                item=item,
                changed_by=actor,
                changed_at=now,
                from_status="",
                to_status="needed",
                effective_on=agency_today(agency),
            )
            deadline_open(
                agency_id=youth.agency_id,
                kind=duty_kind_for(item),
                subject=item,
                title=_deadline_title(item),
                due_at=due_at,
                owner=owner,
                youth_id=youth.pk,
                arose_at=determined_at,
            )
            audit_record(
                actor=actor,
                action="care.service_create",
                obj=item,
                youth_id=youth.pk,
                agency_id=youth.agency_id,
                detail={"kind": rules.IMMEDIATE, "category": category},
            )
            existing[category] = item
    return [existing[category] for category in rules.IMMEDIATE_CATEGORIES]


def service_item_create(
    *,
    actor: Any,
    youth: Any,
    category: str,
    partner: PartnerOrganisation | None = None,
    due_on: date | None = None,
    notes: str = "",
    owner: Any | None = None,
) -> ServiceItem:
    """Add a long-term service to a youth's plan (handbook 13-19, "Services")."""
    if not permissions.can_plan_services(actor, youth):
        raise PermissionDenied
    if category not in rules.LONG_TERM_CATEGORIES:
        raise ApplicationError("Choose one of the long-term service categories.", field="category")
    _check_partner(partner, youth.agency_id)
    owner = owner or actor
    if owner.agency_id != youth.agency_id:
        raise ApplicationError("The owner must work in this agency.", field="owner")
    if due_on is not None and due_on < agency_today(youth.agency):
        raise ApplicationError("The due date cannot be in the past.", field="due_on")
    due_at = rules.due_at_for_date(due_on=due_on, zone=agency_zone(youth.agency)) if due_on else None
    item = ServiceItem(
        agency_id=youth.agency_id,
        youth_id=youth.pk,
        kind=rules.LONG_TERM,
        category=category,
        status="referred" if partner is not None else "needed",
        partner=partner,
        owner=owner,
        due_at=due_at,
        notes=notes.strip(),
        created_by=actor,
    )
    _validate(item)
    with transaction.atomic():
        item.save()
        ServiceStatusChange.objects.create(
            item=item,
            changed_by=actor,
            changed_at=timezone.now(),
            from_status="",
            to_status=item.status,
            effective_on=agency_today(youth.agency),
        )
        if due_at is not None:
            deadline_open(
                agency_id=youth.agency_id,
                kind=duty_kind_for(item),
                subject=item,
                title=_deadline_title(item),
                due_at=due_at,
                owner=owner,
                youth_id=youth.pk,
            )
        audit_record(
            actor=actor,
            action="care.service_create",
            obj=item,
            youth_id=youth.pk,
            agency_id=youth.agency_id,
            detail={"kind": rules.LONG_TERM, "category": category, "partner_id": partner.pk if partner else None},
        )
    return item


def _check_partner(partner: PartnerOrganisation | None, agency_id: int) -> None:
    if partner is None:
        return
    if partner.agency_id != agency_id:
        raise ApplicationError("Choose an organisation from this agency's directory.", field="partner")
    if not partner.is_active:
        raise ApplicationError("This organisation is no longer active in the directory.", field="partner")


def service_item_update(
    *,
    actor: Any,
    item: ServiceItem,
    status: str | None = None,
    effective_on: date | None = None,
    partner: Any = _UNSET,
    notes: str | None = None,
) -> ServiceItem:
    """Change a service item's status (recorded with who and when), its partner, or its notes.

    Completing the item meets its deadline; declined or not available cancels it (not met).
    """
    if not permissions.can_plan_services(actor, item.youth):
        raise PermissionDenied
    agency = item.youth.agency
    today = agency_today(agency)
    now = timezone.now()
    if status is not None and status not in rules.STATUSES:
        raise ApplicationError("Choose a status from the list.", field="status")
    if effective_on is not None and effective_on > today:
        raise ApplicationError("The date of the change cannot be in the future.", field="effective_on")
    if partner is not _UNSET:
        _check_partner(partner, item.agency_id)
    with transaction.atomic():
        current = ServiceItem.objects.select_for_update().select_related("youth__agency").get(pk=item.pk)
        changed: list[str] = []
        status_change: tuple[str, str] | None = None
        if status is not None and status != current.status:
            if not rules.transition_allowed(current.status, status):
                raise ApplicationError("This status change is not allowed.", field="status")
            when = effective_on or today
            status_change = (current.status, status)
            current.status = status
            if status in rules.STARTED_STATUSES and current.started_on is None:
                current.started_on = when
            if status == "completed":
                current.completed_on = when
            else:
                current.completed_on = None
            changed.append("status")
        if partner is not _UNSET and partner != current.partner:
            current.partner = partner
            changed.append("partner")
        if notes is not None and notes.strip() != current.notes:
            current.notes = notes.strip()
            changed.append("notes")
        if not changed:
            return current
        _validate(current)
        current.save()
        if status_change is not None:
            ServiceStatusChange.objects.create(
                item=current,
                changed_by=actor,
                changed_at=now,
                from_status=status_change[0],
                to_status=status_change[1],
                effective_on=effective_on or today,
            )
            if status_change[1] == "completed":
                deadline_meet(
                    kind=duty_kind_for(current),
                    subject=current,
                    actor=actor,
                    done_at=_done_at(item=current, effective_on=effective_on, today=today, now=now),
                    field="effective_on",
                )
            elif status_change[1] in rules.CLOSED_STATUSES:
                # Declined or not available: the duty no longer applies, it was not met.
                deadline_cancel(kind=duty_kind_for(current), subject=current, actor=actor, reason_code=status_change[1])
        detail: dict[str, Any] = {"fields": changed}
        if status_change is not None:
            detail["from"], detail["to"] = status_change
        if "partner" in changed:
            detail["partner_id"] = current.partner_id
        audit_record(
            actor=actor,
            action="care.service_update",
            obj=current,
            youth_id=current.youth_id,
            agency_id=current.agency_id,
            detail=detail,
        )
    return current


def service_items_transfer(*, youth: Any, from_users: Iterable[Any], to_user: Any, actor: Any) -> int:
    """Give the youth's open service-plan items owned by `from_users` to `to_user` (a reassignment).

    Open means needed, referred or in progress; completed, declined and not-available items keep
    their owner, as do items of anyone else. Each moved item is audited and keeps its change history.
    The open duties mirroring the moved items follow them (`deadlines_transfer`), so an item and its
    duty keep one owner. The caller checks permissions and holds the transaction. Returns how many
    items moved; a fixed number of queries plus one audit event per item.
    """
    departing = [user for user in from_users if user.pk != to_user.pk]
    if not departing:
        return 0
    with transaction.atomic():
        items = list(
            ServiceItem.objects.select_for_update()
            .filter(youth_id=youth.pk, owner_id__in=[user.pk for user in departing], status__in=rules.OPEN_STATUSES)
            .order_by("id")
        )
        if not items:
            return 0
        previous = {item.pk: item.owner_id for item in items}
        now = timezone.now()
        for item in items:
            item.owner = to_user
            item.updated_at = now
        bulk_update_with_history(
            items,
            ServiceItem,
            ["owner", "updated_at"],
            default_user=actor,
            default_change_reason="reassigned",
            default_date=now,
        )
        for item in items:
            audit_record(
                actor=actor,
                action="care.service_transfer",
                obj=item,
                youth_id=item.youth_id,
                agency_id=item.agency_id,
                detail={"from_user_id": previous[item.pk], "to_user_id": to_user.pk},
            )
        deadlines_transfer(
            youth=youth,
            from_users=departing,
            to_user=to_user,
            actor=actor,
            kinds_=DEADLINE_KINDS,
            subject_ids=list(previous),
        )
    return len(items)


# --- Partner directory -------------------------------------------------------------------------

PARTNER_FIELDS = (
    "name",
    "kind",
    "services",
    "description",
    "city",
    "area_served",
    "languages",
    "website",
    "general_contact",
    "is_active",
)


def partner_create(*, actor: Any, **fields: Any) -> PartnerOrganisation:
    if not permissions.can_manage_partner_directory(actor):
        raise PermissionDenied
    unknown = set(fields) - set(PARTNER_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    org = PartnerOrganisation(agency_id=actor.agency_id, **fields)
    _validate_partner(org)
    with transaction.atomic():
        org.save()
        audit_record(actor=actor, action="care.partner_create", obj=org)
    return org


def partner_update(*, actor: Any, organisation: PartnerOrganisation, **fields: Any) -> PartnerOrganisation:
    """Edit a directory entry; unticking `is_active` deactivates it (kept for the items that use it)."""
    if not permissions.can_manage_partner_directory(actor):
        raise PermissionDenied
    if organisation.agency_id != actor.agency_id:
        raise PermissionDenied
    unknown = set(fields) - set(PARTNER_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        current = PartnerOrganisation.objects.select_for_update().get(pk=organisation.pk)
        was_active = current.is_active
        changed = sorted(name for name, value in fields.items() if getattr(current, name) != value)
        for name, value in fields.items():
            setattr(current, name, value)
        _validate_partner(current)
        current.save()
        action = "care.partner_update"
        if was_active and not current.is_active:
            action = "care.partner_deactivate"
        elif not was_active and current.is_active:
            action = "care.partner_reactivate"
        audit_record(actor=actor, action=action, obj=current, detail={"fields": changed})
    return current


def _validate_partner(org: PartnerOrganisation) -> None:
    duplicate = PartnerOrganisation.objects.filter(agency_id=org.agency_id, name__iexact=org.name.strip())
    if org.pk:
        duplicate = duplicate.exclude(pk=org.pk)
    org.name = org.name.strip()
    if duplicate.exists():
        raise ApplicationError("The directory already has an organisation with this name.", field="name")
    _validate(org)


def partner_directory_seed(*, agency: Any) -> int:
    """Add the organisations handbook 13-19 lists to an agency's directory (call when an agency is
    created). Idempotent: an organisation already present by name is left as the agency keeps it.
    Returns how many were added."""
    added = 0
    with transaction.atomic():
        for entry in HANDBOOK_ORGANISATIONS:
            _, created = PartnerOrganisation.objects.get_or_create(
                agency_id=agency.pk, name=entry["name"], defaults={k: v for k, v in entry.items() if k != "name"}
            )
            added += int(created)
        if added:
            audit_record(
                actor=None,
                action="care.partner_seed",
                object_type="agency.agency",
                object_id=agency.pk,
                agency_id=agency.pk,
                detail={"added": added},
            )
    return added
