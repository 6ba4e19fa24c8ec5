"""The audit row of a refused service-plan write (pages and API alike).

The record door (`youth_get_for_user`) audits the opening of the youth under `care.plan_edit`; a write
that then succeeds is audited by its service (`care.service_create`, `care.service_update`, outcome
"ok"). A write that is refused is audited here under the same action with the outcome that happened:
"failed" for invalid input (field names only, never the values), "denied" when the service refuses the
user. So no "ok" row ever stands for a write that did not happen.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from rest_framework import serializers

from safeharbor.audit.models import AuditEvent
from safeharbor.audit.services import audit_record
from safeharbor.core.errors import ApplicationError

DOOR_ACTION = "care.plan_edit"


def refusal_record(
    *, actor: Any, action: str, youth: Any, outcome: str, fields: Iterable[str] = (), item: Any = None
) -> None:
    """One audit row for a write of `action` about `youth` (and `item`) that did not happen."""
    target: dict[str, Any] = (
        {"obj": item} if item is not None else {"object_type": "youth.youth", "object_id": youth.pk}
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=action,
            youth_id=youth.pk,
            agency_id=youth.agency_id,
            outcome=outcome,
            detail={"fields": sorted({str(name) for name in fields})},
            **target,
        )


@contextmanager
def refusals_recorded(*, actor: Any, action: str, youth: Any, item: Any = None) -> Iterator[None]:
    """Audit a refusal raised inside the block (then let it propagate to the view's handling)."""
    try:
        yield
    except PermissionDenied:
        refusal_record(actor=actor, action=action, youth=youth, item=item, outcome=AuditEvent.Outcome.DENIED)
        raise
    except ApplicationError as exc:
        fields = [exc.field or "non_field_errors"]
        refusal_record(
            actor=actor, action=action, youth=youth, item=item, outcome=AuditEvent.Outcome.FAILED, fields=fields
        )
        raise
    except serializers.ValidationError as exc:
        fields = list(exc.detail) if isinstance(exc.detail, dict) else ["non_field_errors"]
        refusal_record(
            actor=actor, action=action, youth=youth, item=item, outcome=AuditEvent.Outcome.FAILED, fields=fields
        )
        raise
