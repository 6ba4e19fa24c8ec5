"""Write workflows for youth records: one transaction each, audited inside it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from safeharbor import permissions
from safeharbor.accounts.models import User
from safeharbor.accounts.roles import Role
from safeharbor.audit.services import audit_record
from safeharbor.care.services import service_items_transfer
from safeharbor.core.errors import ApplicationError, StaleEditError
from safeharbor.core.timeutils import agency_today
from safeharbor.deadlines.services import deadlines_transfer, notification_send
from safeharbor.youth.models import (
    CONGREGATE_TYPES,
    Alias,
    Assignment,
    BreakGlassGrant,
    Facility,
    IcwaStatus,
    Placement,
    PlacementType,
    Youth,
)

YOUTH_EDITABLE_FIELDS = (
    "legal_first_name",
    "legal_middle_name",
    "legal_last_name",
    "preferred_name",
    "date_of_birth",
    "dob_verified",
    "dob_verification",
    "gender",
    "state_client_id",
    "icwa_status",
)

BREAK_GLASS_HOURS = 24


def _check_client_id_free(*, agency_id: int, client_id: str, exclude_pk: int | None = None) -> None:
    if not client_id:
        return
    qs = Youth.objects.filter(agency_id=agency_id, state_client_id=client_id)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ApplicationError(
            "Another record in this agency already has this state client ID.", field="state_client_id"
        )


def youth_create(*, actor: User, worker: User | None = None, start: date | None = None, **fields: Any) -> Youth:
    """Create a youth with its first caseworker assignment, in one transaction.

    A worker creating a record is assigned to it; a supervisor names a worker of their unit.
    """
    if not permissions.can_create_youth(actor):
        raise PermissionDenied
    unknown = set(fields) - set(YOUTH_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    if worker is None:
        if not actor.has_role(Role.WORKER):
            raise ApplicationError("Choose the worker to assign.", field="worker")
        worker = actor
    elif worker.pk != actor.pk:
        supervises = (
            actor.has_role(Role.SUPERVISOR)
            and worker.unit_id is not None
            and worker.unit is not None
            and worker.unit.supervisor_id == actor.pk
        )
        if not supervises:
            raise ApplicationError("You can assign only yourself or a worker of a unit you supervise.", field="worker")
    if not worker.has_role(Role.WORKER) or worker.agency_id != actor.agency_id:
        raise ApplicationError("The assigned person must be a worker of this agency.", field="worker")
    assert actor.agency_id is not None
    youth = Youth(agency_id=actor.agency_id, created_by=actor, **fields)
    if youth.icwa_status != IcwaStatus.NOT_INQUIRED:
        youth.icwa_status_at = timezone.now()
    _check_client_id_free(agency_id=actor.agency_id, client_id=youth.state_client_id)
    youth.full_clean()
    with transaction.atomic():
        _check_client_id_free(agency_id=actor.agency_id, client_id=youth.state_client_id)
        youth.save()
        assignment = Assignment(youth=youth, worker=worker, start=start or agency_today(actor.agency))
        assignment.full_clean()
        assignment.save()
        audit_record(actor=actor, action="youth.create", obj=youth)
        audit_record(
            actor=actor, action="assignment.create", obj=assignment, youth_id=youth.pk, agency_id=youth.agency_id
        )
        _after_youth_change(youth)
    return youth


def youth_update(*, actor: User, youth: Youth, version: int, **fields: Any) -> Youth:
    """Change a youth's record; refused when `version` is not the stored one (no last-write-wins)."""
    if not permissions.can_edit_youth(actor, youth):
        raise PermissionDenied
    unknown = set(fields) - set(YOUTH_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        current = Youth.objects.select_for_update().get(pk=youth.pk)
        if current.version != version:
            raise StaleEditError()
        changed = sorted(name for name, value in fields.items() if getattr(current, name) != value)
        previous_icwa = current.icwa_status
        for name, value in fields.items():
            setattr(current, name, value)
        current.full_clean()
        _check_client_id_free(agency_id=current.agency_id, client_id=current.state_client_id, exclude_pk=current.pk)
        detail: dict[str, Any] = {"fields": changed}
        icwa_changed = "icwa_status" in changed
        if icwa_changed:
            current.icwa_status_at = timezone.now()
            # Codes, not personal data: the audit row says which way the status moved.
            detail["icwa_status"] = current.icwa_status
            detail["icwa_status_previous"] = previous_icwa
        current.version = version + 1
        current.save()
        audit_record(actor=actor, action="youth.update", obj=current, detail=detail)
        _after_youth_change(current)
        if icwa_changed:
            _after_icwa_status_change(youth=current, actor=actor, previous=previous_icwa)
    return current


def _after_icwa_status_change(*, youth: Youth, actor: User, previous: str) -> None:
    """Let the open missing-from-care episodes follow the new ICWA status (the tribe's notice),
    inside the caller's transaction. Imported here: missing depends on youth, not the reverse."""
    from safeharbor.missing.services import episodes_icwa_status_changed

    episodes_icwa_status_changed(youth=youth, actor=actor, previous=previous)


def _after_youth_change(youth: Youth) -> None:
    """Keep derived data (the name search index) in step. Replaced by the search module's hook."""
    from safeharbor.youth import search

    search.youth_reindex(youth=youth)


def break_glass_open(*, actor: User, youth: Youth, reason: str) -> BreakGlassGrant:
    """Give a worker 24 hours of read access to a youth outside their caseload, with a written reason.

    Audited; the supervisor of the youth's current worker is told in the app.
    """
    if not permissions.can_break_glass(actor):
        raise PermissionDenied
    if youth.agency_id != actor.agency_id:
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < 20:
        raise ApplicationError("Write why you need this record (at least 20 characters).", field="reason")
    now = timezone.now()
    grant = BreakGlassGrant(user=actor, youth=youth, reason=reason, expires_at=now + timedelta(hours=BREAK_GLASS_HOURS))
    try:
        grant.full_clean()
    except ValidationError as exc:
        raise ApplicationError("; ".join(exc.messages), field="reason") from exc
    with transaction.atomic():
        grant.save()
        audit_record(actor=actor, action="youth.break_glass", obj=grant, youth_id=youth.pk, agency_id=youth.agency_id)
        today = agency_today(youth.agency)
        current = Q(supervised_units__members__assignments__end__isnull=True) | Q(
            supervised_units__members__assignments__end__gte=today
        )
        supervisors = User.objects.filter(
            current,
            is_active=True,
            supervised_units__members__assignments__youth=youth,
            supervised_units__members__assignments__start__lte=today,
        ).distinct()
        for supervisor in supervisors:
            notification_send(
                recipient=supervisor,
                kind="break_glass",
                message=f"{actor.get_full_name() or actor.username} used break-glass access on a youth of your unit.",
                link=f"/youth/{youth.pk}/",
                dedupe_key=f"break_glass:{grant.pk}:{supervisor.pk}",
            )
    return grant


def _validated(instance: Any) -> None:
    """full_clean(), with a model's ValidationError turned into a field-named ApplicationError."""
    try:
        instance.full_clean()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            field, errors = next(iter(exc.error_dict.items()))
            message = "; ".join(m for e in errors for m in e.messages)
            raise ApplicationError(message, field=None if field == "__all__" else field) from exc
        raise ApplicationError("; ".join(exc.messages)) from exc


def _require_edit(actor: User, youth: Youth) -> None:
    if not permissions.can_edit_youth(actor, youth):
        raise PermissionDenied


def alias_add(*, actor: User, youth: Youth, name: str, kind: str) -> Alias:
    """Record another name the youth is known by (an AKA, a street name, another spelling)."""
    _require_edit(actor, youth)
    name = " ".join((name or "").split())
    if not name:
        raise ApplicationError("Enter the name.", field="name")
    alias = Alias(youth=youth, name=name, kind=kind)
    _validated(alias)
    with transaction.atomic():
        if Alias.objects.filter(youth=youth, name__iexact=name).exists():
            raise ApplicationError("This youth already has this alias.", field="name")
        alias.save()
        audit_record(actor=actor, action="alias.create", obj=alias, youth_id=youth.pk, agency_id=youth.agency_id)
        _after_youth_change(youth)
    return alias


def alias_remove(*, actor: User, youth: Youth, alias_id: int) -> None:
    """Remove an alias recorded in error. Its history stays (django-simple-history)."""
    _require_edit(actor, youth)
    with transaction.atomic():
        alias = Alias.objects.filter(youth=youth, pk=alias_id).first()
        if alias is None:
            raise ApplicationError("This alias no longer exists.", field="alias")
        pk = alias.pk
        alias.delete()
        audit_record(
            actor=actor,
            action="alias.delete",
            object_type="youth.alias",
            object_id=pk,
            youth_id=youth.pk,
            agency_id=youth.agency_id,
        )
        _after_youth_change(youth)


def facility_get_or_create(*, actor: User, name: str, kind: str) -> Facility:
    """A facility of the actor's agency by name (case-insensitive), created when new. Inside a transaction."""
    name = " ".join((name or "").split())
    if not name:
        raise ApplicationError("Enter the facility's name.", field="facility_name")
    assert actor.agency_id is not None
    existing = Facility.objects.filter(agency_id=actor.agency_id, name__iexact=name).first()
    if existing is not None:
        return existing
    facility = Facility(agency_id=actor.agency_id, name=name, kind=kind)
    _validated(facility)
    facility.save()
    audit_record(actor=actor, action="facility.create", obj=facility)
    return facility


def placement_add(
    *,
    actor: User,
    youth: Youth,
    placement_type: str,
    start: date,
    facility: Facility | None = None,
    facility_name: str = "",
    end_current: bool = True,
) -> Placement:
    """Record a placement. For a group home or shelter the facility is chosen, or created by name.

    With `end_current`, the open placement (if any) ends the day before the new one starts.
    """
    _require_edit(actor, youth)
    if placement_type in CONGREGATE_TYPES and facility is None and not (facility_name or "").strip():
        raise ApplicationError("Choose the facility, or enter its name.", field="facility_name")
    if facility is not None and facility.agency_id != youth.agency_id:
        raise ApplicationError("Choose a facility of this agency.", field="facility")
    if placement_type not in PlacementType.values:
        raise ApplicationError("Choose a placement type.", field="placement_type")
    with transaction.atomic():
        if facility is None and (facility_name or "").strip():
            facility = facility_get_or_create(actor=actor, name=facility_name, kind=placement_type)
        open_rows = list(Placement.objects.select_for_update().filter(youth=youth, end__isnull=True))
        for row in open_rows:
            if row.start >= start:
                raise ApplicationError("The new placement must start after the current one started.", field="start")
        placement = Placement(youth=youth, placement_type=placement_type, facility=facility, start=start)
        _validated(placement)
        if end_current:
            for row in open_rows:
                row.end = start - timedelta(days=1)
                _validated(row)
                row.save(update_fields=["end"])
                audit_record(actor=actor, action="placement.end", obj=row, youth_id=youth.pk, agency_id=youth.agency_id)
        placement.save()
        audit_record(
            actor=actor, action="placement.create", obj=placement, youth_id=youth.pk, agency_id=youth.agency_id
        )
    return placement


def placement_end(*, actor: User, youth: Youth, placement_id: int, end: date) -> Placement:
    """End an open placement on a date (not before it started)."""
    _require_edit(actor, youth)
    with transaction.atomic():
        placement = Placement.objects.select_for_update().filter(youth=youth, pk=placement_id).first()
        if placement is None:
            raise ApplicationError("This placement does not exist.", field="placement")
        if placement.end is not None:
            raise ApplicationError("This placement has already ended.", field="end")
        if end < placement.start:
            raise ApplicationError("The end date is before the placement started.", field="end")
        placement.end = end
        _validated(placement)
        placement.save(update_fields=["end"])
        audit_record(actor=actor, action="placement.end", obj=placement, youth_id=youth.pk, agency_id=youth.agency_id)
    return placement


def youth_reassign(*, actor: User, youth: Youth, worker: User, start: date | None = None) -> Assignment:
    """A supervisor moves a youth to a worker of their unit: the current assignments end the day
    before, the new one starts (today by default).

    The open duties and open service-plan items of the workers whose assignments end here move to the
    new worker. Duties owned by anyone else (the supervisor, the MDT coordinator) and MDT action items
    stay with their owners."""
    if not permissions.can_reassign_youth(actor):
        raise PermissionDenied
    _require_edit(actor, youth)
    if not permissions.can_receive_assignment_from(actor, worker):
        raise ApplicationError("Choose a worker of a unit you supervise.", field="worker")
    start = start or agency_today(youth.agency)
    with transaction.atomic():
        current = list(
            Assignment.objects.select_for_update().filter(youth=youth).filter(Q(end__isnull=True) | Q(end__gte=start))
        )
        if any(a.worker_id == worker.pk and a.start <= start for a in current):
            raise ApplicationError("This worker is already assigned to this youth.", field="worker")
        for row in current:
            row.end = max(row.start, start - timedelta(days=1))
            _validated(row)
            row.save(update_fields=["end"])
            audit_record(actor=actor, action="assignment.end", obj=row, youth_id=youth.pk, agency_id=youth.agency_id)
        assignment = Assignment(youth=youth, worker=worker, start=start)
        _validated(assignment)
        assignment.save()
        audit_record(
            actor=actor, action="assignment.create", obj=assignment, youth_id=youth.pk, agency_id=youth.agency_id
        )
        # The hand-over happens when the new worker takes the case: now, or for a reassignment dated
        # later, on its start day (`handovers_due_sweep`), since until then the new worker cannot open
        # the record and the departing worker still holds the case.
        if start <= agency_today(youth.agency):
            departing = list(User.objects.filter(pk__in={row.worker_id for row in current} - {worker.pk}))
            _hand_over(youth=youth, departing=departing, to_user=worker, actor=actor)
    return assignment


def _hand_over(*, youth: Youth, departing: list[User], to_user: User, actor: User | None) -> None:
    # Duties first: this call moves the duties that mirror service items too, so the new worker's
    # one message counts them; the items then follow with nothing left for their own duty move.
    deadlines_transfer(youth=youth, from_users=departing, to_user=to_user, actor=actor)
    service_items_transfer(youth=youth, from_users=departing, to_user=to_user, actor=actor)


HANDOVER_BATCH = 500  # youth per sweep run; the next run takes the rest


def handovers_due_sweep() -> int:
    """Hand over open duties and service items whose owner's assignment to the youth has ended while
    another worker's has begun (a reassignment dated in the future, reached today). Returns how many
    youth were handed over. Idempotent: each run looks only at what is still owned by a departed worker.

    Runs a fixed number of queries per agency plus, per youth handed over, those of the transfer.
    """
    from safeharbor.agency.models import Agency
    from safeharbor.care import rules as care_rules
    from safeharbor.care.models import ServiceItem
    from safeharbor.deadlines.models import Deadline

    handed = 0
    for agency in Agency.objects.all():
        today = agency_today(agency)
        current = Q(start__lte=today) & (Q(end__isnull=True) | Q(end__gte=today))
        ended_for_owner = Assignment.objects.filter(
            youth_id=OuterRef("youth_id"), worker_id=OuterRef("owner_id"), end__lt=today
        )
        still_owner_s = Assignment.objects.filter(
            current, youth_id=OuterRef("youth_id"), worker_id=OuterRef("owner_id")
        )
        stale_duties = (
            Deadline.objects.filter(agency=agency, youth__isnull=False, status="open")
            .filter(Exists(ended_for_owner))
            .exclude(Exists(still_owner_s))
            .values_list("youth_id", "owner_id")
        )
        stale_items = (
            ServiceItem.objects.filter(agency=agency, status__in=care_rules.OPEN_STATUSES)
            .filter(Exists(ended_for_owner))
            .exclude(Exists(still_owner_s))
            .values_list("youth_id", "owner_id")
        )
        owners_by_youth: dict[int, set[int]] = {}
        for youth_id, owner_id in [*stale_duties[:HANDOVER_BATCH], *stale_items[:HANDOVER_BATCH]]:
            owners_by_youth.setdefault(youth_id, set()).add(owner_id)
        if not owners_by_youth:
            continue
        # The worker who holds each youth today (the latest start when several do).
        holders: dict[int, int] = {}
        for youth_id, worker_id in (
            Assignment.objects.filter(current, youth_id__in=list(owners_by_youth)[:HANDOVER_BATCH])
            .order_by("youth_id", "start", "id")
            .values_list("youth_id", "worker_id")
        ):
            holders[youth_id] = worker_id
        users = User.objects.in_bulk({*holders.values(), *(o for ids in owners_by_youth.values() for o in ids)})
        youth_rows = Youth.objects.in_bulk(list(holders))
        for youth_id, holder_id in holders.items():
            departing = [users[o] for o in owners_by_youth[youth_id] if o != holder_id and o in users]
            if not departing:
                continue
            with transaction.atomic():
                _hand_over(youth=youth_rows[youth_id], departing=departing, to_user=users[holder_id], actor=None)
            handed += 1
    return handed
