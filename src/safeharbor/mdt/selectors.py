"""Reads for the MDT pages, each in a bounded number of queries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safeharbor import permissions
from safeharbor.accounts.models import User
from safeharbor.accounts.roles import Role
from safeharbor.agency.models import Agency
from safeharbor.audit.models import AuditEvent
from safeharbor.audit.services import audit_record
from safeharbor.core.doors import get_for_user_or_404, pk_or_404
from safeharbor.core.timeutils import agency_today
from safeharbor.mdt import rules
from safeharbor.mdt.models import ActionItem, Invitation, MdtSession, Referral, Slot, YouthDiscussion
from safeharbor.youth.models import Placement, Youth

QUEUE_STATUSES = (Referral.Status.SUBMITTED, Referral.Status.MORE_INFO, Referral.Status.ACCEPTED)


# --- Facts from other apps' records -----------------------------------------------------------


def missing_youth_ids(*, agency_id: int, now: datetime) -> set[int]:
    """Youth currently missing from care or within 72 hours of leaving (the missing app's selector)."""
    from safeharbor.missing.selectors import youth_ids_missing_or_in_window

    return set(youth_ids_missing_or_in_window(agency_id=agency_id, now=now))


def urgency_by_youth(*, agency_id: int, youth: list[Youth], now: datetime | None = None) -> dict[int, list[str]]:
    """Urgency reasons (codes) per youth: confirmed victim, missing, or in the 72-hour window."""
    missing = missing_youth_ids(agency_id=agency_id, now=now or timezone.now())
    return {y.pk: rules.urgency_reasons(csec_status=y.csec_status, missing_or_in_window=y.pk in missing) for y in youth}


def recorded_indicators(*, youth_id: int) -> list[str]:
    """Indicators answered "yes" on the youth's latest finalised checklist screening (2 queries)."""
    try:
        screening_model = apps.get_model("screening", "Screening")
        answer_model = apps.get_model("screening", "ScreeningIndicator")
        latest = (
            screening_model.objects.filter(youth_id=youth_id, status="finalised", kind="checklist")
            .order_by("-assessed_on", "-id")
            .values_list("pk", flat=True)
            .first()
        )
        if latest is None:
            return []
        return list(answer_model.objects.filter(screening_id=latest, answer="yes").values_list("code", flat=True))
    except (LookupError, FieldError):
        return []


def services_in_place(*, youth_ids: list[int]) -> dict[int, list[str]]:
    """Open service items per youth, as category labels (care app), in one query."""
    result: dict[int, list[str]] = {pk: [] for pk in youth_ids}
    try:
        item_model = apps.get_model("care", "ServiceItem")
        from safeharbor.care import rules as care_rules

        rows = item_model.objects.filter(youth_id__in=youth_ids, status__in=care_rules.OPEN_STATUSES).values_list(
            "youth_id", "category"
        )
        for youth_id, category in rows:
            result[youth_id].append(care_rules.CATEGORY_LABELS.get(category, category))
    except (LookupError, FieldError, ImportError, AttributeError):
        return result
    return result


def current_placement_type(*, youth: Youth, today: date) -> str:
    placement = (
        Placement.objects.filter(youth_id=youth.pk, start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .order_by("-start", "-id")
        .first()
    )
    return placement.placement_type if placement else ""


# --- Referrals --------------------------------------------------------------------------------


def referral_queue(*, user: User) -> QuerySet[Referral]:
    """The coordinator's queue: open referrals of the agency, urgent first, oldest first."""
    return (
        Referral.objects.filter(agency_id=_agency_id(user), status__in=QUEUE_STATUSES)
        .select_related("youth", "referred_by")
        .order_by("-urgent", "submitted_at", "id")
    )


def referral_get_for_user(*, user: User, pk: Any, write: bool = False, action: str | None = None) -> Referral:
    """The door to a referral (permissions.referral_q): its worker or the coordinator; 404 otherwise.
    Audited both ways, under `action` (default mdt.referral_view, or mdt.referral_edit with `write`)."""
    return get_for_user_or_404(
        user=user,
        queryset=Referral.objects.filter(permissions.referral_q(user, write=write)).select_related(
            "youth", "referred_by", "decided_by", "agency"
        ),
        pk=pk,
        action=action or ("mdt.referral_edit" if write else "mdt.referral_view"),
        object_type="mdt.referral",
        youth_id_of=lambda referral: referral.youth_id,
    )


def _agency_id(user: User) -> int:
    if user.agency_id is None:
        raise Http404
    return user.agency_id


def referrals_for_youth(*, youth: Youth) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(youth_id=youth.pk)
        .select_related("referred_by", "slot__session")
        .order_by("-created_at")
    )


# --- Sessions ---------------------------------------------------------------------------------


def session_list(*, agency: Agency, since: date) -> QuerySet[MdtSession]:
    return (
        MdtSession.objects.filter(agency=agency, date__gte=since)
        .annotate(booked=Count("slot_set", filter=Q(slot_set__referral__isnull=False)))
        .order_by("date", "start", "id")
    )


def session_get_for_user(*, user: User, pk: Any, write: bool = False, action: str | None = None) -> MdtSession:
    """The door to an MDT session (permissions.mdt_session_q): the agency's coordinator, or (reading) an
    invited member whose window is open; with `write`, the coordinator only. 404 otherwise. Audited
    both ways, under `action` (default mdt.session_view, or mdt.session_edit with `write`)."""
    return get_for_user_or_404(
        user=user,
        queryset=MdtSession.objects.filter(permissions.mdt_session_q(user, write=write)).select_related("agency"),
        pk=pk,
        action=action or ("mdt.session_edit" if write else "mdt.session_view"),
        object_type="mdt.mdtsession",
    )


def session_slots(*, session: MdtSession) -> list[Slot]:
    return list(
        Slot.objects.filter(session=session)
        .select_related("referral__youth", "referral__referred_by")
        .order_by("position")
    )


def referral_on_agenda(*, session: MdtSession, referral: Referral) -> bool:
    """Whether the referral holds a slot of this session."""
    return Slot.objects.filter(session=session, referral=referral).exists()


def session_detail(*, session: MdtSession) -> dict[str, Any]:
    """Everything the coordinator's session page shows, in a fixed number of queries."""
    slots = session_slots(session=session)
    invitations = list(Invitation.objects.filter(session=session).select_related("user__partner_organisation"))
    discussions = {d.referral_id: d for d in YouthDiscussion.objects.filter(session=session)}
    items = list(ActionItem.objects.filter(session=session).select_related("owner", "referral__youth"))
    return {"slots": slots, "invitations": invitations, "discussions": discussions, "action_items": items}


def invitable_members(*, agency: Agency) -> QuerySet[User]:
    """Internal staff and partner users of the agency who may be invited to a meeting."""
    roles = [Role.WORKER, Role.SUPERVISOR, Role.COORDINATOR, Role.MANAGER, Role.PARTNER]
    return (
        User.objects.filter(agency=agency, is_active=True, role_grants__role__in=roles)
        .select_related("partner_organisation")
        .prefetch_related("role_grants")
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


# --- Partner packet ---------------------------------------------------------------------------


PACKET_FIELDS = (
    "preferred_name",
    "age",
    "csec_status",
    "key_indicators",
    "placement_type",
    "services_in_place",
    "question",
)


def packet_get(*, user: User, session: MdtSession, youth_pk: Any) -> dict[str, Any]:
    """The MDT packet of one youth on the session's agenda: only the packet fields. Audited.

    404 (audited as denied) when the youth is not on this session's agenda.
    """
    youth_id = pk_or_404(youth_pk)
    slot = Slot.objects.filter(session=session, referral__youth_id=youth_id).select_related("referral__youth").first()
    if slot is None or slot.referral is None:
        audit_record(
            actor=user,
            action="mdt.packet_view",
            object_type="youth.youth",
            object_id=youth_id,
            youth_id=None,
            outcome=AuditEvent.Outcome.DENIED,
            detail={"session_id": session.pk},
        )
        raise Http404
    referral = slot.referral
    youth = referral.youth
    today = agency_today(session.agency)
    with transaction.atomic():
        audit_record(
            actor=user,
            action="mdt.packet_view",
            obj=referral,
            youth_id=youth.pk,
            detail={"session_id": session.pk},
        )
    return packet_values(
        referral=referral, youth=youth, today=today, services=services_in_place(youth_ids=[youth.pk])[youth.pk]
    )


def packet_values(*, referral: Referral, youth: Youth, today: date, services: list[str]) -> dict[str, Any]:
    from safeharbor.screening.codes import STATUS_LABELS
    from safeharbor.youth.models import PlacementType

    placement = referral.placement_type or current_placement_type(youth=youth, today=today)
    return {
        "youth_id": youth.pk,
        "referral_id": referral.pk,
        "preferred_name": youth.preferred_name or youth.legal_first_name,
        "age": youth.age(today),
        "csec_status": youth.csec_status,
        "csec_status_label": STATUS_LABELS.get(youth.csec_status, youth.csec_status),
        "key_indicators": list(referral.key_indicators),
        "placement_type": placement,
        "placement_label": dict(PlacementType.choices).get(placement, ""),
        "services_in_place": services,
        "question": referral.question,
    }


def session_agenda_for_member(*, session: MdtSession) -> list[dict[str, Any]]:
    """The agenda as a member sees it: slot times and the youth's preferred first name only."""
    slot_minutes = session.agency.mdt_slot_minutes
    rows = []
    for slot in session_slots(session=session):
        if slot.referral is None:
            continue
        youth = slot.referral.youth
        rows.append(
            {
                "position": slot.position,
                "starts": slot.starts(slot_minutes),
                "youth_id": youth.pk,
                "preferred_name": youth.preferred_name or youth.legal_first_name,
            }
        )
    return rows


# --- Members ----------------------------------------------------------------------------------


def my_invitations(*, user: User) -> QuerySet[Invitation]:
    """Invitations of sessions whose window is still open, soonest first."""
    sessions = MdtSession.objects.filter(permissions.mdt_member_sessions_q(user)).values("pk")
    return (
        Invitation.objects.filter(user=user, session_id__in=sessions)
        .select_related("session")
        .order_by("session__date", "id")
    )


def my_action_items(*, user: User, open_only: bool = False) -> QuerySet[ActionItem]:
    qs = ActionItem.objects.filter(owner=user).select_related("session")
    if open_only:
        qs = qs.filter(status=ActionItem.Status.OPEN)
    return qs.order_by("status", "due_date", "id")


def action_item_get_for_user(*, user: User, pk: Any, write: bool = False, action: str | None = None) -> ActionItem:
    """The door to an action item (permissions.action_item_q): its owner, or the coordinator of the
    session's agency; 404 otherwise. Audited both ways, under `action` (default mdt.action_item_view,
    or mdt.action_item_edit with `write`)."""
    return get_for_user_or_404(
        user=user,
        queryset=ActionItem.objects.filter(permissions.action_item_q(user, write=write)).select_related(
            "session", "referral"
        ),
        pk=pk,
        action=action or ("mdt.action_item_edit" if write else "mdt.action_item_view"),
        object_type="mdt.actionitem",
        youth_id_of=lambda item: item.referral.youth_id if item.referral is not None else None,
    )
