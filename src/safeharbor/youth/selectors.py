"""Reads of youth records. Every view and API gets a youth only through `youth_get_for_user`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from safeharbor import permissions
from safeharbor.audit.models import AuditEvent
from safeharbor.audit.services import audit_record
from safeharbor.core.timeutils import agency_today
from safeharbor.youth.models import Alias, Assignment, Placement, Youth


def youth_list_visible_to(*, user: Any) -> QuerySet[Youth]:
    """The youth a user may open, with what a list row shows, in a fixed number of queries."""
    today = agency_today(user.agency) if getattr(user, "agency_id", None) else None
    current_assignments = Assignment.objects.select_related("worker").order_by("-start", "-id")
    current_placements = Placement.objects.select_related("facility").order_by("-start", "-id")
    if today is not None:
        current_assignments = current_assignments.filter(start__lte=today, end__isnull=True) | current_assignments.filter(
            start__lte=today, end__gte=today
        )
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


def require(predicate: Any, user: Any, *args: Any, action: str = "access") -> None:
    """Raise PermissionDenied (audited) unless the predicate holds."""
    if not predicate(user, *args):
        audit_record(actor=user, action=action, outcome=AuditEvent.Outcome.DENIED)
        raise PermissionDenied
