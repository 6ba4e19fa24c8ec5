from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from safeharbor.accounts.models import User
from safeharbor.audit.services import audit_record
from safeharbor.deadlines.models import Deadline, Notification


def notification_send(
    *, recipient: User, kind: str, message: str, link: str = "", dedupe_key: str | None = None
) -> Notification | None:
    """Put an in-app notification in a person's inbox; at most once per `dedupe_key`.

    Messages carry no child's name: the link leads to the record, behind the permission door.
    """
    if recipient.agency_id is None:
        return None
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    notification = Notification(
        agency_id=recipient.agency_id, recipient=recipient, kind=kind, message=message, link=link, dedupe_key=dedupe_key
    )
    notification.full_clean()
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        return None
    return notification


def deadline_open(
    *,
    agency_id: int,
    kind: str,
    subject: Any,
    title: str,
    due_at: datetime,
    owner: User,
    youth_id: int | None = None,
) -> Deadline:
    """Open a duty (idempotent per kind, subject and owner): the row is the source of truth.

    `subject` is any saved model instance; `title` is plain words without a child's name.
    Call inside the caller's transaction.
    """
    if timezone.is_naive(due_at):
        raise ValueError("due_at must be timezone-aware")
    subject_type = subject._meta.label_lower
    with transaction.atomic():
        deadline, created = Deadline.objects.get_or_create(
            kind=kind,
            subject_type=subject_type,
            subject_id=subject.pk,
            owner=owner,
            defaults={"agency_id": agency_id, "title": title, "due_at": due_at, "youth_id": youth_id},
        )
        if created:
            audit_record(actor=None, action="deadline.open", obj=deadline, youth_id=youth_id, agency_id=agency_id, detail={"kind": kind})
    return deadline


def deadline_meet(*, kind: str, subject: Any, actor: User | None, met_at: datetime | None = None) -> int:
    """Mark every open duty of `kind` on `subject` as met. Returns how many were met."""
    subject_type = subject._meta.label_lower
    when = met_at or timezone.now()
    with transaction.atomic():
        open_rows = list(
            Deadline.objects.select_for_update().filter(
                kind=kind, subject_type=subject_type, subject_id=subject.pk, met_at__isnull=True, cancelled_at__isnull=True
            )
        )
        for deadline in open_rows:
            deadline.met_at = when
            deadline.met_by = actor
            deadline.save(update_fields=["met_at", "met_by"])
            audit_record(actor=actor, action="deadline.meet", obj=deadline, youth_id=deadline.youth_id, agency_id=deadline.agency_id, detail={"kind": kind})
    return len(open_rows)
