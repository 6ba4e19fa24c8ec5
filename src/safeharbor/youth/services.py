"""Write workflows for youth records: one transaction each, audited inside it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeharbor import permissions
from safeharbor.accounts.models import User
from safeharbor.accounts.roles import Role
from safeharbor.audit.services import audit_record
from safeharbor.core.errors import ApplicationError, StaleEditError
from safeharbor.core.timeutils import agency_today
from safeharbor.deadlines.services import notification_send
from safeharbor.youth.models import Assignment, BreakGlassGrant, Youth

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
)

BREAK_GLASS_HOURS = 24


def _check_client_id_free(*, agency_id: int, client_id: str, exclude_pk: int | None = None) -> None:
    if not client_id:
        return
    qs = Youth.objects.filter(agency_id=agency_id, state_client_id=client_id)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ApplicationError("Another record in this agency already has this state client ID.", field="state_client_id")


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
        supervises = actor.has_role(Role.SUPERVISOR) and worker.unit_id is not None and worker.unit is not None and worker.unit.supervisor_id == actor.pk
        if not supervises:
            raise ApplicationError("You can assign only yourself or a worker of a unit you supervise.", field="worker")
    if not worker.has_role(Role.WORKER) or worker.agency_id != actor.agency_id:
        raise ApplicationError("The assigned person must be a worker of this agency.", field="worker")
    assert actor.agency_id is not None
    youth = Youth(agency_id=actor.agency_id, created_by=actor, **fields)
    youth.full_clean()
    with transaction.atomic():
        _check_client_id_free(agency_id=actor.agency_id, client_id=youth.state_client_id)
        youth.save()
        assignment = Assignment(youth=youth, worker=worker, start=start or agency_today(actor.agency))
        assignment.full_clean()
        assignment.save()
        audit_record(actor=actor, action="youth.create", obj=youth)
        audit_record(actor=actor, action="assignment.create", obj=assignment, youth_id=youth.pk, agency_id=youth.agency_id)
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
        for name, value in fields.items():
            setattr(current, name, value)
        current.full_clean()
        _check_client_id_free(agency_id=current.agency_id, client_id=current.state_client_id, exclude_pk=current.pk)
        current.version = version + 1
        current.save()
        audit_record(actor=actor, action="youth.update", obj=current, detail={"fields": changed})
        _after_youth_change(current)
    return current


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
        supervisors = User.objects.filter(
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
