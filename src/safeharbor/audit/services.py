"""Writing audit events. Call inside the same transaction as the change being audited."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeharbor.audit.chain import event_digest
from safeharbor.audit.models import AuditEvent, AuditHead

# Detail values must be identifiers or codes; these keys are refused outright.
FORBIDDEN_DETAIL_KEYS = frozenset(
    {"name", "first_name", "last_name", "date_of_birth", "dob", "query", "q", "narrative", "note", "text", "reason"}
)

# Set by the access-denial middleware for the length of one request: how many non-"ok" events the
# request wrote, so that a 403 already audited by the code that refused it is not audited twice.
denials_in_request: ContextVar[list[int] | None] = ContextVar("audit_denials_in_request", default=None)

YOUTH_VIEW = "youth.view"
BURST_ALERT = "audit.burst_alert"
BURST_WINDOW = timedelta(hours=1)


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
    # No savepoint inside the caller's transaction: a failed audit write must undo the whole change
    # anyway, and a savepoint costs two more round trips on every audited request.
    with transaction.atomic(savepoint=False):
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
        if action == YOUTH_VIEW and event.outcome == AuditEvent.Outcome.OK and actor_id is not None:
            _burst_check(actor=actor, at=at)
    if event.outcome != AuditEvent.Outcome.OK:
        counter = denials_in_request.get()
        if counter is not None:
            counter.append(seq)
    return event


def burst_window_start(at: datetime) -> datetime:
    """The clock hour (UTC) an instant falls in: alerts are de-duplicated per user and per such hour."""
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _burst_check(*, actor: Any, at: datetime) -> None:
    """Alert the agency's auditors when one user has read more than `burst_threshold` distinct youth
    in the last hour (DESIGN.md, security baseline).

    Runs only for a successful youth view; one indexed query (audit_actor_at_idx) in the common case.
    """
    agency = getattr(actor, "agency", None)
    if agency is None:
        return
    threshold = agency.burst_threshold
    distinct = (
        AuditEvent.objects.filter(actor_id=actor.pk, at__gt=at - BURST_WINDOW, at__lte=at)
        .filter(action=YOUTH_VIEW, outcome=AuditEvent.Outcome.OK)
        .order_by()
        .values("youth_id")
        .distinct()
        .count()
    )
    if distinct <= threshold:
        return
    window = burst_window_start(at)
    already = AuditEvent.objects.filter(
        action=BURST_ALERT, at__gte=window, object_type="accounts.user", object_id=str(actor.pk)
    ).exists()
    if already:
        return
    audit_record(
        actor=None,
        action=BURST_ALERT,
        object_type="accounts.user",
        object_id=actor.pk,
        agency_id=agency.pk,
        detail={"distinct_youth": distinct, "threshold": threshold, "window_start": window.isoformat()},
    )
    _notify_auditors(agency_id=agency.pk, actor=actor, window=window, distinct=distinct)


def _notify_auditors(*, agency_id: int, actor: Any, window: datetime, distinct: int) -> None:
    from safeharbor.accounts.models import User
    from safeharbor.accounts.roles import Role
    from safeharbor.deadlines.services import notification_send

    auditors = User.objects.filter(agency_id=agency_id, is_active=True, role_grants__role=Role.AUDITOR).distinct()
    stamp = window.strftime("%Y%m%d%H")
    message = (
        f"User {actor.username} opened {distinct} different youth records within one hour. "
        "Review their recent activity in the audit log."
    )
    for auditor in auditors:
        notification_send(
            recipient=auditor,
            kind=BURST_ALERT,
            message=message,
            link=f"{reverse('audit:search')}?{urlencode({'actor': actor.username})}",
            dedupe_key=f"audit.burst:{actor.pk}:{stamp}:{auditor.pk}",
        )


def audit_log_read(*, user: Any, action: str, filter_codes: list[str], outcome: str = AuditEvent.Outcome.OK) -> None:
    """Record a read of the audit log itself ("audit.search" or "audit.export"): which filters were
    used, by name, never their values."""
    with transaction.atomic():
        audit_record(
            actor=user,
            action=action,
            object_type="audit.auditevent",
            outcome=outcome,
            detail={"filters": sorted(filter_codes)},
        )


def verify_failure_notify(*, summary: str) -> int:
    """Tell every active auditor (all agencies) that the nightly check found a broken chain; once a day
    each. The summary names a seq and what is wrong, never record data. Returns how many were told."""
    from safeharbor.accounts.models import User
    from safeharbor.accounts.roles import Role
    from safeharbor.deadlines.services import notification_send

    day = timezone.now().astimezone(UTC).strftime("%Y%m%d")
    told = 0
    auditors = User.objects.filter(is_active=True, role_grants__role=Role.AUDITOR).distinct()
    for auditor in auditors:
        sent = notification_send(
            recipient=auditor,
            kind="audit.verify_failed",
            message=f"The nightly audit log check failed: {summary}"[:300],
            link=reverse("audit:search"),
            dedupe_key=f"audit.verify_failed:{day}:{auditor.pk}",
        )
        told += sent is not None
    return told
