"""Reads of youth records. Every view and API gets a youth only through `youth_get_for_user`."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from safeharbor import permissions
from safeharbor.agency.models import Agency
from safeharbor.audit.models import AuditEvent
from safeharbor.audit.services import audit_record
from safeharbor.core.doors import get_for_user_or_404
from safeharbor.core.timeutils import agency_today
from safeharbor.youth.models import Alias, Assignment, Placement, Youth


def youth_list_visible_to(*, user: Any) -> QuerySet[Youth]:
    """The youth a user may open, with what a list row shows, in a fixed number of queries."""
    today = agency_today(user.agency) if getattr(user, "agency_id", None) else None
    current_assignments = Assignment.objects.select_related("worker").order_by("-start", "-id")
    current_placements = Placement.objects.select_related("facility").order_by("-start", "-id")
    if today is not None:
        current_assignments = current_assignments.filter(
            start__lte=today, end__isnull=True
        ) | current_assignments.filter(start__lte=today, end__gte=today)
        current_placements = current_placements.filter(start__lte=today, end__isnull=True) | current_placements.filter(
            start__lte=today, end__gte=today
        )
    return (
        Youth.objects.filter(permissions.youth_read_q(user))
        .prefetch_related(
            Prefetch("assignments", queryset=current_assignments, to_attr="current_assignments"),
            Prefetch("placements", queryset=current_placements, to_attr="current_placements"),
        )
        .order_by("legal_last_name", "legal_first_name", "id")
    )


def youth_get_for_user(*, user: Any, pk: Any, write: bool = False, action: str | None = None) -> Youth:
    """The one door to a youth record.

    Returns the youth if `user` may read it (or change it, with `write=True`) and writes exactly one
    audit row for the access. A youth the user may not open is a 404, whether or not it exists, so
    the answer never reveals that a record exists; the denial is audited.
    """
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    scope = permissions.youth_write_q(user) if write else permissions.youth_read_q(user)
    youth = (
        Youth.objects.filter(scope, pk=pk)
        .select_related("agency", "created_by")
        .prefetch_related(
            Prefetch("aliases", queryset=Alias.objects.order_by("id")),
            Prefetch("placements", queryset=Placement.objects.select_related("facility").order_by("-start", "-id")),
            Prefetch("assignments", queryset=Assignment.objects.select_related("worker").order_by("-start", "-id")),
        )
        .first()
    )
    with transaction.atomic():
        if youth is None:
            audit_record(
                actor=user,
                action=action or ("youth.edit" if write else "youth.view"),
                object_type="youth.youth",
                object_id=pk,
                outcome=AuditEvent.Outcome.DENIED,
            )
        else:
            audit_record(actor=user, action=action or ("youth.edit" if write else "youth.view"), obj=youth)
    if youth is None:
        raise Http404("No youth record here, or you do not have access to it.")
    return youth


R = TypeVar("R", bound=models.Model)


def youth_record_get_for_user(
    *, user: Any, queryset: QuerySet[R], pk: Any, write: bool, action: str, object_type: str
) -> R:
    """A record about one youth (a screening, a service item), through the youth's door.

    `queryset` is already narrowed by a `*_q(user, write=...)` filter that pins the agency and the
    youth the user may open (or change): a record outside it is a 404 audited as denied, naming the
    record asked for. Otherwise `youth_get_for_user` audits the opening under `action` and the record
    gets that door's youth as `record.youth`.
    """
    record = get_for_user_or_404(
        user=user, queryset=queryset, pk=pk, action=action, object_type=object_type, audit_ok=False
    )
    youth_id: int = record.youth_id  # type: ignore[attr-defined]
    record.youth = youth_get_for_user(user=user, pk=youth_id, write=write, action=action)  # type: ignore[attr-defined]
    return record


def require(predicate: Any, user: Any, *args: Any, action: str = "access", partner_404: bool = False) -> None:
    """Raise PermissionDenied (audited) unless the predicate holds.

    With `partner_404`, an outside MDT partner gets a 404 instead: for them no youth URL exists outside
    the MDT packet (RULES.md §4), so the answer does not even say that the page is there.
    """
    if not predicate(user, *args):
        audit_record(actor=user, action=action, outcome=AuditEvent.Outcome.DENIED)
        if partner_404 and permissions.is_outside_partner(user):
            raise Http404
        raise PermissionDenied


def youth_list_filtered(*, user: Any, scope: str = "all", status: str = "") -> QuerySet[Youth]:
    """The youth list: `scope` is "mine" (my current caseload), "unit" (units I supervise) or "all"
    (everything I may open); `status` a CSEC status code or empty."""
    qs = youth_list_visible_to(user=user)
    today = agency_today(user.agency)
    current = Q(start__lte=today) & (Q(end__isnull=True) | Q(end__gte=today))
    if scope == "mine":
        qs = qs.filter(pk__in=Assignment.objects.filter(current, worker_id=user.pk).values("youth_id"))
    elif scope == "unit":
        qs = qs.filter(
            pk__in=Assignment.objects.filter(current, worker__unit__supervisor_id=user.pk).values("youth_id")
        )
    if status:
        qs = qs.filter(csec_status=status)
    return qs


def youth_list_audit(*, user: Any, count: int, page: int) -> None:
    """One audit row per list page shown (codes only: no query text)."""
    audit_record(actor=user, action="youth.list", detail={"count": count, "page": page})


def youth_by_client_id(*, user: Any, client_id: str) -> Youth | None:
    """The youth of the user's agency with this state client ID, visible or not. Only for the
    break-glass page, which must find a record outside the caseload; callers never show it."""
    client_id = (client_id or "").strip()
    if not client_id or not getattr(user, "agency_id", None):
        return None
    return Youth.objects.select_related("agency").filter(agency_id=user.agency_id, state_client_id=client_id).first()


def youth_is_visible(*, user: Any, youth_id: int) -> bool:
    return Youth.objects.filter(permissions.youth_read_q(user), pk=youth_id).exists()


def whom_to_ask(*, agency_id: int, youth_ids: list[int]) -> list[str]:
    """Names of the people to ask about youth the user may not see: the supervisor of the unit of
    each youth's current worker, else the agency's CSEC coordinator(s). Names of staff only."""
    from safeharbor.accounts.models import User
    from safeharbor.accounts.roles import Role

    if not youth_ids:
        return []
    agency = Agency.objects.get(pk=agency_id)
    today = agency_today(agency)
    current = Q(start__lte=today) & (Q(end__isnull=True) | Q(end__gte=today))
    rows = (
        Assignment.objects.filter(current, youth_id__in=youth_ids, worker__unit__supervisor__is_active=True)
        .select_related("worker__unit__supervisor")
        .order_by("youth_id", "-start", "-id")
    )
    names: list[str] = []
    covered: set[int] = set()
    for row in rows:
        unit = row.worker.unit
        supervisor = unit.supervisor if unit is not None else None
        if unit is None or supervisor is None or row.youth_id in covered:
            continue
        covered.add(row.youth_id)
        label = f"{supervisor.get_full_name() or supervisor.username} (supervisor, {unit.name})"
        if label not in names:
            names.append(label)
    if len(covered) < len(set(youth_ids)):
        coordinators = User.objects.filter(agency_id=agency_id, is_active=True, role_grants__role=Role.COORDINATOR)
        for person in coordinators.order_by("last_name", "first_name", "id")[:3]:
            label = f"{person.get_full_name() or person.username} (CSEC coordinator)"
            if label not in names:
                names.append(label)
    return names


def youth_profile(*, youth: Youth, today: Any) -> dict[str, Any]:
    """What the profile page shows about placements and assignments, from the prefetched rows."""
    placements = list(youth.placements.all())
    assignments = list(youth.assignments.all())

    def is_current(row: Any) -> bool:
        return bool(row.start <= today and (row.end is None or row.end >= today))

    return {
        "current_placements": [p for p in placements if is_current(p)],
        "past_placements": [p for p in placements if not is_current(p)],
        "current_assignments": [a for a in assignments if is_current(a)],
        "past_assignments": [a for a in assignments if not is_current(a)],
        "aliases": list(youth.aliases.all()),
        "age": youth.age(today),
    }


def youth_reload(*, pk: int) -> Youth:
    """The record just written by a service, for its answer (the caller already passed the door)."""
    return (
        Youth.objects.filter(pk=pk)
        .prefetch_related(
            Prefetch("aliases", queryset=Alias.objects.order_by("id")),
            Prefetch("placements", queryset=Placement.objects.select_related("facility").order_by("-start", "-id")),
            Prefetch("assignments", queryset=Assignment.objects.select_related("worker").order_by("-start", "-id")),
        )
        .get()
    )


def youth_current_worker(*, youth: Any) -> Any | None:
    """The youth's active assigned worker today on the agency's calendar (the latest assignment that
    has started and not ended), or None. One query. Owners of new duties and services come from here."""
    today = agency_today(youth.agency)
    assignment = (
        Assignment.objects.filter(youth_id=youth.pk, start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .select_related("worker")
        .order_by("-start", "-id")
        .first()
    )
    if assignment is None or not assignment.worker.is_active:
        return None
    return assignment.worker
