"""The shared "get or 404, audit both outcomes" helper of the access family (docs/architecture.md).

Every record a URL names has a door `<entity>_get_for_user(*, user, pk, write=False)` in its app's
selectors, built on a `*_q(user)` filter of `safeharbor.permissions` and on this helper. A record the
user may not open is a 404 whether or not it exists, with one message for both, so the answer never
says that a record is there; the denial is audited with the id that was asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models, transaction
from django.http import Http404

from safeharbor.audit.models import AuditEvent
from safeharbor.audit.services import audit_record

M = TypeVar("M", bound=models.Model)

NOT_HERE = "No record here, or you do not have access to it."


def pk_or_404(pk: Any) -> int:
    """The id of a URL as an int; anything else names no record (404, not audited: no id was asked)."""
    if isinstance(pk, bool):
        raise Http404(NOT_HERE)
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404(NOT_HERE) from None


def get_for_user_or_404(
    *,
    user: Any,
    queryset: models.QuerySet[M],
    pk: Any,
    action: str,
    object_type: str,
    youth_id_of: Callable[[M], int | None] | None = None,
    audit_ok: bool = True,
) -> M:
    """The row `pk` of `queryset` (already narrowed to what `user` may open), or Http404.

    Writes one audit row: `action` with outcome "ok" about the row (and its youth, via `youth_id_of`),
    or `action` with outcome "denied" naming `object_type` and the id asked for. With `audit_ok=False`
    only the denial is written here: a door that goes on through another door (a record of a youth
    through `youth_get_for_user`) lets that door audit the opening.
    """
    pk = pk_or_404(pk)
    obj = queryset.filter(pk=pk).first()
    with transaction.atomic():
        if obj is None:
            audit_record(
                actor=user, action=action, object_type=object_type, object_id=pk, outcome=AuditEvent.Outcome.DENIED
            )
        elif audit_ok:
            youth_id = youth_id_of(obj) if youth_id_of is not None else None
            audit_record(actor=user, action=action, obj=obj, object_type=object_type, youth_id=youth_id)
    if obj is None:
        raise Http404(NOT_HERE)
    return obj
