"""Builders of MDT records for tests and the permission matrix (ORM only, fictional data)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from safeharbor.core.timeutils import agency_today
from safeharbor.mdt.models import ActionItem, ConfidentialityAcknowledgment, Invitation, MdtSession, Referral, Slot


def make_referral(youth: Any, worker: Any, *, status: str = "submitted", **fields: Any) -> Referral:
    defaults: dict[str, Any] = {
        "question": "Should the team arrange a safety plan with the school?",
        "narrative": "Fictional narrative for tests.",
        "submitted_at": timezone.now(),
    }
    if status in ("accepted", "scheduled", "closed"):
        defaults.setdefault("accepted_on", agency_today(youth.agency) - timedelta(days=10))
        defaults["decided_at"] = timezone.now()
    if status == "more_info":
        defaults["more_info_request"] = "Add the placement history."
    if status == "declined":
        defaults["decline_reason"] = "Fictional reason."
    defaults.update(fields)
    return Referral.objects.create(
        agency_id=youth.agency_id, youth=youth, referred_by=worker, status=status, **defaults
    )


def make_session(agency: Any, *, on: date | None = None, slots: int = 2, **fields: Any) -> MdtSession:
    session = MdtSession.objects.create(
        agency=agency,
        date=on or agency_today(agency) + timedelta(days=10),
        room="Fictional Room 4",
        slots=slots,
        extra=True,
        **fields,
    )
    Slot.objects.bulk_create([Slot(session=session, position=i) for i in range(1, slots + 1)])
    return session


def book(session: MdtSession, referral: Referral, position: int = 1) -> Slot:
    slot = Slot.objects.get(session=session, position=position)
    slot.referral = referral
    slot.scheduled_at = timezone.now()
    slot.save()
    Referral.objects.filter(pk=referral.pk).update(status="scheduled")
    return slot


def invite(session: MdtSession, user: Any, *, acknowledge: bool = False) -> Invitation:
    invitation = Invitation.objects.create(
        session=session, user=user, uid=f"test-{uuid.uuid4().hex}", sent_at=timezone.now()
    )
    if acknowledge:
        ConfidentialityAcknowledgment.objects.create(session=session, user=user, at=timezone.now())
    return invitation


def published_session(
    p: Any,
    *,
    youth: Any = None,
    on: date | None = None,
    members: tuple[str, ...] = ("partner",),
    acknowledge: bool = True,
) -> tuple[MdtSession, Referral]:
    """A session with the worker's youth on its agenda, published, members invited (and acknowledged)."""
    youth = youth or p.youth
    session = make_session(p.agency, on=on)
    referral = make_referral(youth, p.worker, status="accepted")
    book(session, referral)
    MdtSession.objects.filter(pk=session.pk).update(
        status="agenda_published", published_at=timezone.now() - timedelta(days=1), published_by=p.coordinator
    )
    session.refresh_from_db()
    for name in members:
        invite(session, getattr(p, name), acknowledge=acknowledge)
    return session, referral


def make_action_item(session: MdtSession, owner: Any, creator: Any, **fields: Any) -> ActionItem:
    defaults: dict[str, Any] = {
        "description": "Share the school safety contact",
        "due_date": session.date + timedelta(days=7),
    }
    defaults.update(fields)
    return ActionItem.objects.create(session=session, owner=owner, created_by=creator, **defaults)
