"""Writing audit events. Call inside the same transaction as the change being audited."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeharbor.audit.chain import event_digest
from safeharbor.audit.models import AuditEvent, AuditHead

# Detail values must be identifiers or codes; these keys are refused outright.
FORBIDDEN_DETAIL_KEYS = frozenset({"name", "first_name", "last_name", "date_of_birth", "dob", "query", "q", "narrative", "note", "text", "reason"})


def audit_record(
    *,
    actor: Any | None,
    action: str,
    obj: Any | None = None,
    object_type: str = "",
    object_id: str | int | None = None,
    youth_id: int | None = None,
    agency_id: int | None = None,
    outcome: str = AuditEvent.Outcome.OK,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Joins the caller's transaction (or opens one)."""
    detail = dict(detail or {})
    bad = FORBIDDEN_DETAIL_KEYS.intersection(detail)
    if bad:
        raise ValueError(f"audit detail may not carry personal data: {sorted(bad)}")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk
        if youth_id is None and obj._meta.label_lower == "youth.youth":
            youth_id = obj.pk
        if agency_id is None:
            agency_id = getattr(obj, "agency_id", None)
    actor_id = getattr(actor, "pk", None) if actor is not None and getattr(actor, "is_authenticated", False) else None
    if agency_id is None and actor is not None:
        agency_id = getattr(actor, "agency_id", None)
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        seq = head.seq + 1
        at = timezone.now().astimezone(UTC)
        fields: dict[str, Any] = {
            "seq": seq,
            "at": at,
            "agency_id": agency_id,
            "actor_id": actor_id,
            "action": action,
            "object_type": object_type,
            "object_id": "" if object_id is None else str(object_id),
            "youth_id": youth_id,
            "outcome": str(outcome),
            "detail": detail,
        }
        digest = event_digest(prev_hash=head.hash, **fields)
        event = AuditEvent.objects.create(prev_hash=head.hash, hash=digest, **fields)
        AuditHead.objects.filter(pk=1).update(seq=seq, hash=digest)
    return event
