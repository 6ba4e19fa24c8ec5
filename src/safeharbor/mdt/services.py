"""MDT write workflows (RULES.md §4): one transaction each, audited inside it.

Each state change of a referral, a session, a slot or an action item lives in exactly one function
here; the pages and the API call the same code.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from safeharbor import permissions
from safeharbor.accounts.models import User
from safeharbor.agency.models import Agency, Holiday
from safeharbor.audit.services import audit_record
from safeharbor.core.errors import ApplicationError
from safeharbor.core.timeutils import agency_today, agency_zone
from safeharbor.deadlines.services import check_done_at, deadline_meet, deadline_open, notification_send
from safeharbor.mdt import rules
from safeharbor.mdt.models import (
    ActionItem,
    Attendance,
    ConfidentialityAcknowledgment,
    Invitation,
    MdtSession,
    Referral,
    Slot,
    YouthDiscussion,
)
from safeharbor.mdt.selectors import current_placement_type, urgency_by_youth
from safeharbor.screening.codes import INDICATORS
from safeharbor.youth.models import Youth

OPEN_SESSION = (MdtSession.Status.PLANNED, MdtSession.Status.AGENDA_PUBLISHED)


def _clean(obj: Any) -> None:
    """full_clean, with Django's errors turned into one ApplicationError naming the first field."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ApplicationError(" ".join(messages), field=None if field == "__all__" else field) from exc


def _text(value: str | None, field: str, *, required: bool, max_length: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError("This field is required.", field=field)
    if len(value) > max_length:
        raise ApplicationError(f"Keep this under {max_length} characters.", field=field)
    return value


def _indicators(codes: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(codes))
    unknown = [c for c in chosen if c not in INDICATORS]
    if unknown:
        raise ApplicationError("Choose indicators from the catalogue.", field="key_indicators")
    return [c for c in INDICATORS if c in chosen]


def _coordinators(agency_id: int) -> list[User]:
    return list(User.objects.filter(agency_id=agency_id, is_active=True, role_grants__role="coordinator").distinct())


def _referral_link(referral: Referral) -> str:
    return reverse("mdt:referral-detail", args=[referral.pk])


def _snapshot(referral: Referral, youth: Youth, key_indicators: list[str]) -> None:
    today = agency_today(youth.agency)
    referral.status_at_submission = youth.csec_status
    referral.key_indicators = key_indicators
    referral.placement_type = current_placement_type(youth=youth, today=today)
    reasons = urgency_by_youth(agency_id=youth.agency_id, youth=[youth])[youth.pk]
    referral.urgent = bool(reasons)
    referral.urgency_reasons = reasons
    referral.submitted_at = timezone.now()


# --- Referrals --------------------------------------------------------------------------------


def referral_submit(
    *, actor: User, youth: Youth, question: str, narrative: str = "", key_indicators: Iterable[str] = ()
) -> Referral:
    """A worker asks the coordinator for an MDT meeting about a youth on their caseload."""
    if not permissions.can_submit_referral(actor, youth):
        raise PermissionDenied
    referral = Referral(
        agency_id=youth.agency_id,
        youth=youth,
        referred_by=actor,
        question=_text(question, "question", required=True, max_length=2000),
        narrative=_text(narrative, "narrative", required=False, max_length=10000),
    )
    _snapshot(referral, youth, _indicators(key_indicators))
    _clean(referral)
    with transaction.atomic():
        referral.save()
        audit_record(actor=actor, action="mdt.referral_submit", obj=referral, youth_id=youth.pk)
        for coordinator in _coordinators(youth.agency_id):
            notification_send(
                recipient=coordinator,
                kind="mdt_referral",
                message="A new MDT referral is waiting in the queue.",
                link=_referral_link(referral),
                dedupe_key=f"mdt_referral_submit:{referral.pk}:{coordinator.pk}",
            )
    return referral


def referral_answer(
    *, actor: User, referral: Referral, question: str, narrative: str, key_indicators: Iterable[str] = ()
) -> Referral:
    """The worker answers a request for more information; the referral goes back to the queue."""
    if not permissions.can_answer_referral(actor, referral):
        raise PermissionDenied
    if referral.status != Referral.Status.MORE_INFO:
        raise ApplicationError("Only a referral waiting for more information can be changed.", field="status")
    youth = Youth.objects.select_related("agency").get(pk=referral.youth_id)
    with transaction.atomic():
        current = Referral.objects.select_for_update().get(pk=referral.pk)
        current.question = _text(question, "question", required=True, max_length=2000)
        current.narrative = _text(narrative, "narrative", required=False, max_length=10000)
        _snapshot(current, youth, _indicators(key_indicators))
        current.status = Referral.Status.SUBMITTED
        _clean(current)
        current.save()
        audit_record(actor=actor, action="mdt.referral_answer", obj=current, youth_id=current.youth_id)
        for coordinator in _coordinators(current.agency_id):
            notification_send(
                recipient=coordinator,
                kind="mdt_referral",
                message="A worker answered your request for more information on an MDT referral.",
                link=_referral_link(current),
            )
    return current


def _decide(actor: User, referral: Referral) -> Referral:
    if not permissions.can_coordinate_mdt(actor, referral):
        raise PermissionDenied
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.status not in (Referral.Status.SUBMITTED, Referral.Status.MORE_INFO):
        raise ApplicationError("This referral has already been decided.", field="status")
    current.decided_by = actor
    current.decided_at = timezone.now()
    return current


def referral_accept(*, actor: User, referral: Referral, notes: str = "") -> Referral:
    with transaction.atomic():
        current = _decide(actor, referral)
        current.status = Referral.Status.ACCEPTED
        current.accepted_on = agency_today(actor.agency)
        current.coordinator_notes = _text(notes, "coordinator_notes", required=False, max_length=4000)
        _clean(current)
        current.save()
        audit_record(actor=actor, action="mdt.referral_accept", obj=current, youth_id=current.youth_id)
        notification_send(
            recipient=current.referred_by,
            kind="mdt_referral_decision",
            message="Your MDT referral was accepted; a meeting slot will follow.",
            link=_referral_link(current),
        )
    return current


def referral_decline(*, actor: User, referral: Referral, reason: str) -> Referral:
    with transaction.atomic():
        current = _decide(actor, referral)
        current.status = Referral.Status.DECLINED
        current.decline_reason = _text(reason, "decline_reason", required=True, max_length=2000)
        _clean(current)
        current.save()
        audit_record(actor=actor, action="mdt.referral_decline", obj=current, youth_id=current.youth_id)
        notification_send(
            recipient=current.referred_by,
            kind="mdt_referral_decision",
            message="Your MDT referral was declined; the coordinator wrote why.",
            link=_referral_link(current),
        )
    return current


def referral_request_info(*, actor: User, referral: Referral, request: str) -> Referral:
    with transaction.atomic():
        current = _decide(actor, referral)
        current.status = Referral.Status.MORE_INFO
        current.more_info_request = _text(request, "more_info_request", required=True, max_length=2000)
        _clean(current)
        current.save()
        audit_record(actor=actor, action="mdt.referral_more_info", obj=current, youth_id=current.youth_id)
        notification_send(
            recipient=current.referred_by,
            kind="mdt_referral_decision",
            message="The coordinator needs more information about your MDT referral.",
            link=_referral_link(current),
        )
    return current


# --- Calendar ---------------------------------------------------------------------------------


def _holiday_calendar(agency: Agency) -> rules.HolidayCalendar:
    return rules.HolidayCalendar.from_policy(agency.policy())


def _create_slots(session: MdtSession) -> None:
    Slot.objects.bulk_create([Slot(session=session, position=i) for i in range(1, session.slots + 1)])


def calendar_generate(*, agency: Agency, months: int = 12, today: date | None = None, actor: User | None = None) -> int:
    """Create the rule's sessions from today for the next `months` months (idempotent).

    A session already generated for a rule date (even cancelled) is left as it is.
    """
    if months < 1 or months > 36:
        raise ApplicationError("Choose 1 to 36 months.", field="months")
    policy = agency.policy()
    start_from = today or agency_today(agency)
    dates = rules.sessions_from(start_from, months, policy=policy, calendar=rules.HolidayCalendar.from_policy(policy))
    existing = set(
        MdtSession.objects.filter(agency=agency, nominal_date__in=[d.nominal_date for d in dates]).values_list(
            "nominal_date", flat=True
        )
    )
    created = 0
    with transaction.atomic():
        for item in dates:
            if item.nominal_date in existing:
                continue
            session = MdtSession(
                agency=agency,
                date=item.date,
                start=policy.mdt_start,
                end=policy.mdt_end,
                room=item.room,
                slots=item.slots,
                nominal_date=item.nominal_date,
                moved_from=item.moved_from,
                move_reason=item.reason,
            )
            _clean(session)
            session.save()
            _create_slots(session)
            audit_record(actor=actor, action="mdt.session_generate", obj=session)
            created += 1
    return created


def session_add(*, actor: User, on: date, start: time, end: time, room: str, slots: int | None = None) -> MdtSession:
    """The coordinator adds an extra session (for example when the monthly one is full)."""
    if not permissions.is_mdt_coordinator(actor):
        raise PermissionDenied
    agency = actor.agency
    assert agency is not None
    if on < agency_today(agency):
        raise ApplicationError("Choose a date from today on.", field="date")
    if end <= start:
        raise ApplicationError("The session must end after it starts.", field="end")
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    count = slots if slots is not None else minutes // agency.mdt_slot_minutes
    if count < 1 or count > 12:
        raise ApplicationError("A session holds 1 to 12 youth.", field="slots")
    session = MdtSession(
        agency=agency,
        date=on,
        start=start,
        end=end,
        room=_text(room, "room", required=True, max_length=120),
        slots=count,
        extra=True,
    )
    _clean(session)
    with transaction.atomic():
        session.save()
        _create_slots(session)
        audit_record(actor=actor, action="mdt.session_add", obj=session)
    return session


def session_cancel(*, actor: User, session: MdtSession, reason: str) -> MdtSession:
    """Cancel a session: its referrals go back to the queue and everyone affected is told."""
    if not permissions.can_coordinate_mdt(actor, session):
        raise PermissionDenied
    reason = _text(reason, "cancel_reason", required=True, max_length=300)
    with transaction.atomic():
        current = MdtSession.objects.select_for_update().get(pk=session.pk)
        if current.status not in OPEN_SESSION:
            raise ApplicationError("Only a planned or published session can be cancelled.", field="status")
        current.status = MdtSession.Status.CANCELLED
        current.cancel_reason = reason
        current.ics_sequence += 1
        current.save()
        slots = list(
            Slot.objects.select_for_update(of=("self",))
            .filter(session=current, referral__isnull=False)
            .select_related("referral")
        )
        for slot in slots:
            referral = slot.referral
            assert referral is not None
            slot.referral = None
            slot.save(update_fields=["referral"])
            Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.ACCEPTED)
            notification_send(
                recipient=referral.referred_by,
                kind="mdt_schedule",
                message="The MDT session of your referral was cancelled; the coordinator will offer a new slot.",
                link=_referral_link(referral),
            )
        for invitation in Invitation.objects.filter(session=current).select_related("user"):
            notification_send(
                recipient=invitation.user,
                kind="mdt_session_cancelled",
                message=f"The MDT meeting of {current.date:%B} {current.date.day} was cancelled.",
                link=reverse("mdt:my-meetings"),
            )
        audit_record(actor=actor, action="mdt.session_cancel", obj=current, detail={"freed_slots": len(slots)})
    return current


# --- Scheduling -------------------------------------------------------------------------------


def slot_states(*, agency_id: int, since: date) -> list[rules.SlotState]:
    """The open sessions' slots from `since`, as the pure rule sees them (two queries)."""
    slots = list(
        Slot.objects.filter(session__agency_id=agency_id, session__status__in=OPEN_SESSION, session__date__gte=since)
        .select_related("session", "referral")
        .order_by("session__date", "session_id", "position")
    )
    return [
        rules.SlotState(
            slot_key=slot.pk,
            session_date=slot.session.date,
            position=slot.position,
            referral_key=slot.referral_id,
            urgent=bool(slot.referral and slot.referral.urgent),
        )
        for slot in slots
    ]


def _candidate(referral: Referral) -> rules.Candidate:
    assert referral.accepted_on is not None
    return rules.Candidate(
        key=referral.pk,
        urgent=referral.urgent,
        accepted_on=referral.accepted_on,
        order=(referral.decided_at, referral.pk),
    )


def referral_refresh_urgency(*, referral: Referral) -> Referral:
    """Recompute urgency from today's record (a youth may have gone missing since submission)."""
    youth = Youth.objects.select_related("agency").get(pk=referral.youth_id)
    reasons = urgency_by_youth(agency_id=youth.agency_id, youth=[youth])[youth.pk]
    if bool(reasons) != referral.urgent or reasons != referral.urgency_reasons:
        Referral.objects.filter(pk=referral.pk).update(urgent=bool(reasons), urgency_reasons=reasons)
        referral.urgent = bool(reasons)
        referral.urgency_reasons = reasons
    return referral


def scheduling_options(*, referral: Referral) -> dict[str, Any]:
    """The earliest free slot on offer, and the non-urgent slots an urgent referral could take."""
    agency = referral.agency
    policy = agency.policy()
    calendar = rules.HolidayCalendar.from_policy(policy)
    assert referral.accepted_on is not None
    states = slot_states(agency_id=agency.pk, since=referral.accepted_on)
    candidate = _candidate(referral)
    offer = rules.offer_slot(candidate, states, policy=policy, calendar=calendar)
    bumps = rules.bump_options(candidate, states, policy=policy, calendar=calendar)
    earliest = rules.earliest_session_date(referral.accepted_on, policy=policy, calendar=calendar)
    return {"offer": offer, "bumps": bumps, "earliest": earliest, "states": states}


def _notify_agenda_change(session: MdtSession) -> None:
    if session.status != MdtSession.Status.AGENDA_PUBLISHED:
        return
    for invitation in Invitation.objects.filter(session=session).select_related("user"):
        notification_send(
            recipient=invitation.user,
            kind="mdt_agenda_changed",
            message=f"The agenda of the MDT meeting of {session.date:%B} {session.date.day} changed.",
            link=reverse("mdt:my-meetings"),
        )


def referral_schedule(*, actor: User, referral: Referral, slot_id: int | None = None, bump_reason: str = "") -> Slot:
    """Put an accepted referral in a slot: the earliest free one by default, or the coordinator's choice.

    Taking an occupied slot is a bump: only of a non-urgent referral, only with a reason; the bumped
    referral is offered the next free slot (or goes back to the queue) and its worker is told.
    """
    if not permissions.can_coordinate_mdt(actor, referral):
        raise PermissionDenied
    with transaction.atomic():
        current = Referral.objects.select_for_update().select_related("agency").get(pk=referral.pk)
        if current.status != Referral.Status.ACCEPTED:
            raise ApplicationError("Only an accepted referral waiting for a slot can be scheduled.", field="status")
        referral_refresh_urgency(referral=current)
        assert current.accepted_on is not None
        policy = current.agency.policy()
        calendar = rules.HolidayCalendar.from_policy(policy)
        earliest = rules.earliest_session_date(current.accepted_on, policy=policy, calendar=calendar)
        if slot_id is None:
            offer = scheduling_options(referral=current)["offer"]
            if offer is None:
                raise ApplicationError(
                    "Every session after the lead time is full: add a session or bump a non-urgent slot.", field="slot"
                )
            slot_id = offer.slot_key
        slot = (
            Slot.objects.select_for_update(of=("self",))
            .select_related("session", "referral__referred_by")
            .filter(pk=slot_id, session__agency_id=current.agency_id)
            .first()
        )
        if slot is None or slot.session.status not in OPEN_SESSION:
            raise ApplicationError("Choose a slot of a planned session.", field="slot")
        if slot.session.date < earliest:
            raise ApplicationError(
                f"The earliest session for this referral is on or after {earliest:%B} {earliest.day}, {earliest.year}.",
                field="slot",
            )
        bumped = slot.referral
        reason = (bump_reason or "").strip()
        if bumped is not None:
            if bumped.urgent:
                raise ApplicationError("An urgent referral's slot cannot be given away.", field="slot")
            if not reason:
                raise ApplicationError("Say why this slot is taken from another referral.", field="bump_reason")
            slot.bumps = [
                *slot.bumps,
                {"referral_id": bumped.pk, "by_id": actor.pk, "at": timezone.now().isoformat(), "reason": reason[:500]},
            ]
        slot.referral = current
        slot.scheduled_at = timezone.now()
        slot.save()
        current.status = Referral.Status.SCHEDULED
        current.save(update_fields=["status", "updated_at", "urgent", "urgency_reasons"])
        audit_record(
            actor=actor,
            action="mdt.referral_schedule",
            obj=current,
            youth_id=current.youth_id,
            detail={
                "slot_id": slot.pk,
                "session_id": slot.session_id,
                "bumped_referral_id": bumped.pk if bumped else None,
            },
        )
        notification_send(
            recipient=current.referred_by,
            kind="mdt_schedule",
            message=f"Your MDT referral is on the meeting of {slot.session.date:%B} {slot.session.date.day}.",
            link=_referral_link(current),
        )
        if bumped is not None:
            _rehome_bumped(actor=actor, referral=bumped, after=slot.session.date)
        _notify_agenda_change(slot.session)
    return slot


def _rehome_bumped(*, actor: User, referral: Referral, after: date) -> None:
    """A bumped referral takes the next free slot after the session it left, or returns to the queue."""
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.ACCEPTED)
    states = [s for s in slot_states(agency_id=referral.agency_id, since=after) if s.session_date > after]
    free = next((s for s in states if s.referral_key is None), None)
    if free is not None:
        slot = Slot.objects.select_related("session").get(pk=free.slot_key)
        slot.referral = referral
        slot.scheduled_at = timezone.now()
        slot.save(update_fields=["referral", "scheduled_at"])
        Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.SCHEDULED)
        day = slot.session.date
        message = f"Your MDT referral moved to the meeting of {day:%B} {day.day} (an urgent case took its slot)."
        _notify_agenda_change(slot.session)
    else:
        message = "Your MDT referral lost its slot to an urgent case; the coordinator will offer a new one."
    audit_record(
        actor=actor,
        action="mdt.referral_bumped",
        obj=referral,
        youth_id=referral.youth_id,
        detail={"rescheduled": free is not None},
    )
    notification_send(
        recipient=referral.referred_by, kind="mdt_schedule", message=message, link=_referral_link(referral)
    )


# --- Agenda and invitations -------------------------------------------------------------------


def session_publish_agenda(*, actor: User, session: MdtSession, members: Iterable[User]) -> MdtSession:
    """Publish the agenda and invite the members: each gets an in-app notice and an .ics by e-mail."""
    from safeharbor.mdt.documents import session_ics

    if not permissions.can_coordinate_mdt(actor, session):
        raise PermissionDenied
    people = {m.pk: m for m in members}
    if not people:
        raise ApplicationError("Invite at least one member.", field="members")
    if any(m.agency_id != session.agency_id or not m.is_active for m in people.values()):
        raise ApplicationError("Invite only active members of this agency.", field="members")
    with transaction.atomic():
        current = MdtSession.objects.select_for_update().select_related("agency").get(pk=session.pk)
        if current.status not in OPEN_SESSION:
            raise ApplicationError("Only a planned session can be published.", field="status")
        if current.date < agency_today(current.agency):
            raise ApplicationError("This session is in the past.", field="status")
        if not Slot.objects.filter(session=current, referral__isnull=False).exists():
            raise ApplicationError("Schedule at least one youth before publishing the agenda.", field="status")
        now = timezone.now()
        first_publication = current.published_at is None
        current.status = MdtSession.Status.AGENDA_PUBLISHED
        current.published_at = current.published_at or now
        current.published_by = actor
        if not first_publication:
            current.ics_sequence += 1
        current.save()
        existing = set(Invitation.objects.filter(session=current).values_list("user_id", flat=True))
        new = [
            Invitation(session=current, user=m, uid=f"mdt-{current.pk}-{uuid.uuid4().hex}@safeharbor", sent_at=now)
            for pk, m in people.items()
            if pk not in existing
        ]
        Invitation.objects.bulk_create(new)
        audit_record(
            actor=actor,
            action="mdt.agenda_publish",
            obj=current,
            detail={"invited": sorted(people), "new_invitations": len(new)},
        )
        for invitation in Invitation.objects.filter(
            session=current, user_id__in=[i.user_id for i in new]
        ).select_related("user"):
            notification_send(
                recipient=invitation.user,
                kind="mdt_invitation",
                message=f"You are invited to the MDT meeting of {current.date:%B} {current.date.day}.",
                link=reverse("mdt:my-meetings"),
                dedupe_key=f"mdt_invitation:{invitation.pk}",
            )
            if invitation.user.email:
                payload = session_ics(session=current, invitation=invitation)
                transaction.on_commit(_mailer(invitation.user.email, current, payload))
    return current


def _mailer(address: str, session: MdtSession, payload: bytes) -> Any:
    def send() -> None:
        message = EmailMessage(
            subject=f"MDT meeting, {session.date:%A %B} {session.date.day}",
            body=(
                "You are invited to a multidisciplinary team meeting. The calendar entry is attached.\n"
                "Sign in to SafeHarbor to acknowledge confidentiality and read the packet.\n"
            ),
            to=[address],
        )
        message.attach("mdt-meeting.ics", payload, "text/calendar")
        message.send(fail_silently=True)

    return send


def acknowledgment_record(*, actor: User, session: MdtSession) -> ConfidentialityAcknowledgment:
    """A member acknowledges the packet's confidentiality (W&I 827, W&I 18961.7, PC 13753)."""
    if not permissions.can_view_session_packet(actor, session):
        raise PermissionDenied
    with transaction.atomic():
        ack, created = ConfidentialityAcknowledgment.objects.get_or_create(
            session=session, user=actor, defaults={"at": timezone.now()}
        )
        if created:
            audit_record(actor=actor, action="mdt.confidentiality_acknowledge", obj=ack, agency_id=session.agency_id)
    return ack


# --- The meeting ------------------------------------------------------------------------------


def attendance_record(*, actor: User, session: MdtSession, present_ids: Iterable[int]) -> int:
    """Record who attended: the invited members and the coordinator (present or absent)."""
    if not permissions.can_coordinate_mdt(actor, session):
        raise PermissionDenied
    present = set(present_ids)
    members = set(Invitation.objects.filter(session=session).values_list("user_id", flat=True)) | {actor.pk}
    if present - members:
        raise ApplicationError("Only invited members can be marked present.", field="present")
    with transaction.atomic():
        for user_id in sorted(members):
            Attendance.objects.update_or_create(
                session=session, user_id=user_id, defaults={"present": user_id in present}
            )
        audit_record(actor=actor, action="mdt.attendance_record", obj=session, detail={"present": len(present)})
    return len(present)


def discussion_save(
    *, actor: User, session: MdtSession, referral: Referral, notes: str, decisions: str
) -> YouthDiscussion:
    if not permissions.can_coordinate_mdt(actor, session):
        raise PermissionDenied
    if not Slot.objects.filter(session=session, referral=referral).exists():
        raise ApplicationError("This youth is not on the session's agenda.", field="referral")
    with transaction.atomic():
        discussion, _ = YouthDiscussion.objects.get_or_create(session=session, referral=referral)
        discussion.notes = _text(notes, "notes", required=False, max_length=10000)
        discussion.decisions = _text(decisions, "decisions", required=False, max_length=5000)
        _clean(discussion)
        discussion.save()
        audit_record(
            actor=actor,
            action="mdt.discussion_save",
            obj=discussion,
            youth_id=referral.youth_id,
            agency_id=session.agency_id,
        )
    return discussion


def session_mark_held(*, actor: User, session: MdtSession) -> MdtSession:
    """The meeting took place: its referrals are closed."""
    if not permissions.can_coordinate_mdt(actor, session):
        raise PermissionDenied
    with transaction.atomic():
        current = MdtSession.objects.select_for_update().get(pk=session.pk)
        if current.status == MdtSession.Status.CANCELLED:
            raise ApplicationError("A cancelled session cannot be held.", field="status")
        if current.date > agency_today(actor.agency):
            raise ApplicationError("The meeting has not happened yet.", field="status")
        current.status = MdtSession.Status.HELD
        current.save(update_fields=["status", "updated_at"])
        referral_ids = Slot.objects.filter(session=current, referral__isnull=False).values("referral_id")
        Referral.objects.filter(pk__in=referral_ids).update(status=Referral.Status.CLOSED)
        audit_record(actor=actor, action="mdt.session_held", obj=current)
    return current


def _due_instant(agency: Agency, day: date) -> datetime:
    """The end of the due date on the agency's wall clock, as an aware instant."""
    return datetime.combine(day, time(23, 59), tzinfo=agency_zone(agency))


def action_item_create(
    *, actor: User, session: MdtSession, owner: User, description: str, due_date: date, referral: Referral | None = None
) -> ActionItem:
    """A task agreed at the meeting; its owner (possibly a partner) gets a deadline and a notice."""
    if not permissions.can_coordinate_mdt(actor, session):
        raise PermissionDenied
    if owner.agency_id != session.agency_id or not owner.is_active:
        raise ApplicationError("Choose an active member of this agency.", field="owner")
    if referral is not None and not Slot.objects.filter(session=session, referral=referral).exists():
        raise ApplicationError("This youth is not on the session's agenda.", field="referral")
    if due_date < agency_today(session.agency):
        raise ApplicationError("The due date cannot be in the past.", field="due_date")
    item = ActionItem(
        session=session,
        referral=referral,
        owner=owner,
        description=_text(description, "description", required=True, max_length=300),
        due_date=due_date,
        created_by=actor,
    )
    _clean(item)
    with transaction.atomic():
        item.save()
        deadline_open(
            agency_id=session.agency_id,
            kind=ActionItem.DEADLINE_KIND,
            subject=item,
            title="MDT action item",
            due_at=_due_instant(session.agency, due_date),
            owner=owner,
            youth_id=referral.youth_id if referral else None,
            arose_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="mdt.action_item_create",
            obj=item,
            agency_id=session.agency_id,
            youth_id=referral.youth_id if referral else None,
        )
        notification_send(
            recipient=owner,
            kind="mdt_action_item",
            message=f"You own an MDT action item due {due_date:%B} {due_date.day}.",
            link=reverse("mdt:my-meetings"),
            dedupe_key=f"mdt_action_item:{item.pk}",
        )
    return item


def action_item_complete(*, actor: User, item: ActionItem, done_at: datetime | None = None) -> ActionItem:
    """Mark an action item done; `done_at` is when it was done (default now; never in the future,
    never before the item was agreed), and meets its duty with that instant."""
    if not permissions.can_complete_action_item(actor, item):
        raise PermissionDenied
    with transaction.atomic():
        current = ActionItem.objects.select_for_update().select_related("session").get(pk=item.pk)
        if current.status == ActionItem.Status.DONE:
            return current
        when = done_at or timezone.now()
        check_done_at(kind=ActionItem.DEADLINE_KIND, subject=current, done_at=when)
        current.status = ActionItem.Status.DONE
        current.done_at = when
        current.done_by = actor
        current.save()
        deadline_meet(kind=ActionItem.DEADLINE_KIND, subject=current, actor=actor, done_at=when)
        audit_record(actor=actor, action="mdt.action_item_done", obj=current, agency_id=current.session.agency_id)
    return current


# --- Holidays (agency calendar changes; the admin's page lives with the MDT calendar) ---------


def holiday_save(*, actor: User, on: date, name: str, closed: bool) -> Holiday:
    """Add a closure, or mark a default holiday as a working day, for the actor's agency."""
    if not permissions.can_edit_holidays(actor):
        raise PermissionDenied
    name = _text(name, "name", required=True, max_length=120)
    with transaction.atomic():
        holiday, created = Holiday.objects.update_or_create(
            agency_id=actor.agency_id, date=on, defaults={"name": name, "closed": closed}
        )
        audit_record(
            actor=actor,
            action="agency.holiday_save",
            obj=holiday,
            agency_id=actor.agency_id,
            detail={"created": created, "closed": closed},
        )
    return holiday


def holiday_delete(*, actor: User, holiday_id: int) -> None:
    if not permissions.can_edit_holidays(actor):
        raise PermissionDenied
    with transaction.atomic():
        holiday = Holiday.objects.filter(Q(pk=holiday_id) & Q(agency_id=actor.agency_id)).first()
        if holiday is None:
            raise ApplicationError("No such holiday change.", field="holiday")
        audit_record(actor=actor, action="agency.holiday_delete", obj=holiday, agency_id=actor.agency_id)
        holiday.delete()
