from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from safeharbor.accounts.models import User
from safeharbor.agency.models import Agency
from safeharbor.audit.services import audit_record
from safeharbor.core.errors import ApplicationError
from safeharbor.core.timeutils import agency_zone
from safeharbor.deadlines import kinds, rules
from safeharbor.deadlines.models import Deadline, DutyStatus, Notification

logger = logging.getLogger(__name__)


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
    arose_at: datetime | None = None,
) -> Deadline:
    """Open a duty, once per kind and subject: the row is the source of truth (RULES.md §9).

    When a live (open) or closed (met, not applicable) duty of `kind` already exists on `subject`,
    that row is returned and nothing changes; only after a cancellation may the duty open again.
    `kind` is a code of `deadlines.kinds`; `subject` any saved model instance; `title` plain words
    without a child's name; `arose_at` the event that starts the clock (default: now).
    Call inside the caller's transaction.
    """
    if not kinds.is_registered(kind):
        raise ValueError(f"unknown duty kind {kind!r}: add it to deadlines.kinds first")
    if timezone.is_naive(due_at) or (arose_at is not None and timezone.is_naive(arose_at)):
        raise ValueError("due_at and arose_at must be timezone-aware")
    subject_type = subject._meta.label_lower
    rows = Deadline.objects.filter(kind=kind, subject_type=subject_type, subject_id=subject.pk)
    with transaction.atomic():
        existing = rows.exclude(status=DutyStatus.CANCELLED).order_by("-id").first()
        if existing is not None:
            return existing
        deadline = Deadline(
            agency_id=agency_id,
            kind=kind,
            subject_type=subject_type,
            subject_id=subject.pk,
            owner=owner,
            title=title,
            due_at=due_at,
            arose_at=arose_at or timezone.now(),
            youth_id=youth_id,
        )
        try:
            with transaction.atomic():
                deadline.save()
        except IntegrityError:
            # Opened at the same moment by another request: the one live row is the duty.
            return rows.get(status=DutyStatus.OPEN)
        audit_record(
            actor=None,
            action="deadline.open",
            obj=deadline,
            youth_id=youth_id,
            agency_id=agency_id,
            detail={"kind": kind, "due_at": _iso(deadline.due_at), "arose_at": _iso(deadline.arose_at)},
        )
    return deadline


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value is not None else None


def _open_duties_locked(*, kind: str, subject: Any) -> list[Deadline]:
    """The open duties of `kind` on `subject` (at most one), locked for the caller's transaction."""
    return list(
        Deadline.objects.select_for_update().filter(
            kind=kind, subject_type=subject._meta.label_lower, subject_id=subject.pk, status=DutyStatus.OPEN
        )
    )


def open_duty(*, kind: str, subject: Any) -> Deadline | None:
    """The open duty of `kind` on `subject`, if any (one query)."""
    return Deadline.objects.filter(
        kind=kind, subject_type=subject._meta.label_lower, subject_id=subject.pk, status=DutyStatus.OPEN
    ).first()


def check_done_at(*, kind: str, subject: Any, done_at: datetime, field: str = "done_at") -> None:
    """Refuse (ApplicationError on `field`) a completion time in the future or before the open duty of
    `kind` on `subject` arose. Call before writing anything, so a refusal leaves nothing half-written."""
    duty = open_duty(kind=kind, subject=subject)
    arose_at = duty.arose_at if duty is not None else done_at
    problem = rules.completion_problem(done_at=done_at, arose_at=arose_at, now=timezone.now())
    if problem:
        raise ApplicationError(problem, field=field)


def deadline_meet(
    *, kind: str, subject: Any, actor: User | None, done_at: datetime | None = None, field: str = "done_at"
) -> int:
    """Mark the open duty of `kind` on `subject` as met. Returns how many were met (0 or 1).

    `done_at` is when the person did it (default: now): never in the future, never before the duty
    arose (ApplicationError on `field`). `recorded_at` is now. On time means `done_at <= due_at`.
    """
    now = timezone.now()
    when = done_at or now
    with transaction.atomic():
        open_rows = _open_duties_locked(kind=kind, subject=subject)
        for deadline in open_rows:
            problem = rules.completion_problem(done_at=when, arose_at=deadline.arose_at, now=now)
            if problem:
                raise ApplicationError(problem, field=field)
            deadline.status = DutyStatus.MET
            deadline.done_at = when
            deadline.recorded_at = now
            deadline.done_by = actor
            deadline.save(update_fields=["status", "done_at", "recorded_at", "done_by"])
            audit_record(
                actor=actor,
                action="deadline.meet",
                obj=deadline,
                youth_id=deadline.youth_id,
                agency_id=deadline.agency_id,
                detail={
                    "kind": kind,
                    "done_at": _iso(when),
                    "recorded_at": _iso(now),
                    "on_time": when <= deadline.due_at,
                },
            )
    return len(open_rows)


def _check_reason(reason_code: str) -> None:
    if not reason_code or len(reason_code) > 60 or not reason_code.replace("_", "").isalnum():
        raise ValueError("reason_code must be a short code of letters, digits and underscores")


def deadline_cancel(
    *, kind: str, subject: Any, actor: User | None, reason_code: str, not_applicable: bool = False
) -> int:
    """Cancel the open duty of `kind` on `subject`: it no longer applies (it was not met).

    With `not_applicable`, the duty is closed as one that does not apply to this youth (a notice the
    person found inapplicable). A cancelled duty leaves every list of open duties and the sweep sends
    no reminder for it. `reason_code` is a short code (for example "declined"), never free text.
    Returns how many were closed.
    """
    _check_reason(reason_code)
    when = timezone.now()
    status = DutyStatus.NOT_APPLICABLE if not_applicable else DutyStatus.CANCELLED
    with transaction.atomic():
        open_rows = _open_duties_locked(kind=kind, subject=subject)
        for deadline in open_rows:
            deadline.status = status
            deadline.cancelled_at = when
            deadline.cancel_reason = reason_code
            deadline.save(update_fields=["status", "cancelled_at", "cancel_reason"])
            audit_record(
                actor=actor,
                action="deadline.cancel",
                obj=deadline,
                youth_id=deadline.youth_id,
                agency_id=deadline.agency_id,
                detail={"kind": kind, "reason_code": reason_code, "status": str(status)},
            )
    return len(open_rows)


# --- Moving duties to a new worker -------------------------------------------------------------

TRANSFER_CANCEL_REASON = "reassigned"

# Kinds whose duty belongs to a record with its own owner that stays put on a reassignment: the MDT
# gives an action item to a named person, and only that person (or the coordinator) may complete it,
# so its reminders stay with them.
KINDS_KEPT_ON_TRANSFER: frozenset[str] = frozenset({"mdt.action_item"})


def _transfer_message(count: int) -> str:
    if count == 1:
        return "1 open duty was transferred to you with a new case."
    return f"{count} open duties were transferred to you with a new case."


def _youth_link(youth_id: int) -> str:
    try:
        return reverse("youth:detail", args=[youth_id])
    except NoReverseMatch:
        return reverse("deadlines:duties")


def deadlines_transfer(
    *,
    youth: Any,
    from_users: Iterable[User],
    to_user: User,
    actor: User | None,
    kind: str | None = None,
    kinds_: Collection[str] | None = None,
    subject_ids: Collection[int] | None = None,
) -> int:
    """Give a youth's open duties owned by `from_users` to `to_user` (a reassignment). Returns how
    many rows changed owner.

    Met and cancelled duties keep their owner, as do other people's duties and the kinds in
    `KINDS_KEPT_ON_TRANSFER`. `kind`/`kinds_` and `subject_ids` narrow the move to some subjects (the
    care app moves the duties mirroring its service items this way). A duty exists once per kind and
    subject (the database says so), so a move never copies one.

    Reminders already sent stay with their recipient; the sweep then reminds the new owner, whose
    notifications are separate rows (the recipient is part of their key). The new owner gets one
    in-app message naming no child. Runs a fixed number of queries plus one audit event per row
    changed. Call inside the caller's transaction.
    """
    from_ids = {user.pk for user in from_users} - {to_user.pk}
    if not from_ids:
        return 0
    with transaction.atomic():
        rows = Deadline.objects.select_for_update().filter(
            youth_id=youth.pk, owner_id__in=from_ids, status=DutyStatus.OPEN
        )
        if kind is not None:
            rows = rows.filter(kind=kind)
        if kinds_ is not None:
            rows = rows.filter(kind__in=list(kinds_))
        if subject_ids is not None:
            rows = rows.filter(subject_id__in=list(subject_ids))
        moved = list(rows.exclude(kind__in=KINDS_KEPT_ON_TRANSFER).order_by("due_at", "id"))
        if not moved:
            return 0
        Deadline.objects.filter(pk__in=[row.pk for row in moved]).update(owner_id=to_user.pk)
        for row in moved:
            audit_record(
                actor=actor,
                action="deadline.transfer",
                obj=row,
                youth_id=row.youth_id,
                agency_id=row.agency_id,
                detail={"kind": row.kind, "from_user_id": row.owner_id, "to_user_id": to_user.pk},
            )
        notification_send(
            recipient=to_user,
            kind="duties_transferred",
            message=_transfer_message(len(moved)),
            link=_youth_link(youth.pk),
        )
        sweep_soon()
    return len(moved)


# --- The sweep ----------------------------------------------------------------------------------
#
# Delivery is at-least-once with no duplicate effect:
# 1. claim: inside a transaction, insert one Notification row per (deadline, recipient, channel, kind)
#    owed now; the UNIQUE constraint makes a second claim a no-op. An in-app row is delivered by
#    existing (sent_at set at once); an e-mail row is inserted with sent_at null.
# 2. deliver: send each e-mail row whose sent_at is null, then set sent_at. A crash between the two
#    leaves the row pending and the next sweep sends it again (the Message-ID header is the same, so a
#    mail system can drop the copy); a crash before the claim commits leaves nothing at all.
# A re-run never creates a second row, and every sweep starts by delivering rows left pending.

SWEEP_TEST_PAUSE_ENV = "SAFEHARBOR_SWEEP_TEST_PAUSE"


@dataclass
class SweepResult:
    claimed: int = 0
    emailed: int = 0
    failed: int = 0
    deadlines: int = 0


def _test_pause() -> None:
    """Test-only hook (honoured only when SAFEHARBOR_ENV=test): sleep between deadlines, so a crash
    test can kill the process in the middle of a sweep."""
    raw = os.environ.get(SWEEP_TEST_PAUSE_ENV, "")
    if raw and settings.SAFEHARBOR_ENV == "test":
        time.sleep(float(raw))


def _local(value: datetime, agency: Agency) -> str:
    return value.astimezone(agency_zone(agency)).strftime("%Y-%m-%d %H:%M %Z")


def reminder_message(*, deadline: Deadline, kind: str) -> str:
    """The text of a reminder. A deadline's title never holds a child's name, nor does this."""
    due = _local(deadline.due_at, deadline.agency)
    if kind == rules.DUE_SOON:
        return f"Due soon ({due}): {deadline.title}"
    if kind == rules.DUE:
        return f"Due now ({due}): {deadline.title}"
    if kind == rules.OVERDUE:
        return f"Overdue since {due}: {deadline.title}"
    owner = deadline.owner.get_full_name() or deadline.owner.username
    return f"Escalated to you, overdue since {due} (owner: {owner}): {deadline.title}"


@dataclass
class EscalationChain:
    """The people of one agency an overdue duty can escalate to, read once per sweep (2 queries)."""

    contact_id: int | None
    coordinator_ids: list[int]
    manager_ids: list[int]
    admin_ids: list[int]
    people: dict[int, User]

    @classmethod
    def for_agency(cls, agency: Agency) -> EscalationChain:
        from safeharbor.accounts.roles import Role

        grants = list(
            User.objects.filter(
                agency_id=agency.pk,
                is_active=True,
                role_grants__role__in=[Role.COORDINATOR, Role.MANAGER, Role.ADMIN],
            )
            .values_list("pk", "role_grants__role")
            .order_by("pk")
        )
        coordinators = [pk for pk, role in grants if role == Role.COORDINATOR]
        managers = [pk for pk, role in grants if role == Role.MANAGER]
        admins = [pk for pk, role in grants if role == Role.ADMIN]
        contact_id = agency.duty_escalation_contact_id
        ids = set(coordinators) | set(managers) | set(admins) | ({contact_id} if contact_id else set())
        people = {user.pk: user for user in User.objects.filter(pk__in=ids, is_active=True)}
        if contact_id not in people:
            contact_id = None
        return cls(
            contact_id=contact_id,
            coordinator_ids=coordinators,
            manager_ids=managers,
            admin_ids=admins,
            people=people,
        )

    def recipient(self, deadline: Deadline) -> User | None:
        """The one person told when `deadline` is overdue (deadlines.rules.escalation_target)."""
        owner = deadline.owner
        unit = owner.unit
        supervisor = unit.supervisor if unit is not None else None
        supervisor_id = supervisor.pk if supervisor is not None and supervisor.is_active else None
        target = rules.escalation_target(
            owner_id=owner.pk,
            supervisor_id=supervisor_id,
            contact_id=self.contact_id,
            coordinator_ids=self.coordinator_ids,
            manager_ids=self.manager_ids,
            admin_ids=self.admin_ids,
        )
        if target is None:
            return None
        if target == supervisor_id:
            return supervisor
        return self.people.get(target)


def escalation_recipient(deadline: Deadline) -> User | None:
    """Who is told when this duty is overdue (RULES.md §9). A few queries: for pages and tests; the
    sweep reads the chain once per agency."""
    return EscalationChain.for_agency(deadline.agency).recipient(deadline)


def _targets(deadline: Deadline, now: datetime, chain: EscalationChain | None = None) -> list[tuple[User, str]]:
    """(recipient, kind) pairs owed for a deadline at `now`."""
    stage = rules.current_stage(due_at=deadline.due_at, now=now, due_soon_hours=deadline.agency.due_soon_hours)
    if stage is None:
        return []
    targets: list[tuple[User, str]] = [(deadline.owner, stage)]
    if stage == rules.OVERDUE:
        chain = chain or EscalationChain.for_agency(deadline.agency)
        recipient = chain.recipient(deadline)
        if recipient is not None and recipient.is_active and recipient.pk != deadline.owner_id:
            targets.append((recipient, rules.ESCALATED))
        elif recipient is None:
            logger.error("deadline %s (agency %s) has no escalation recipient", deadline.pk, deadline.agency_id)
    return targets


def _claim(
    deadline: Deadline,
    now: datetime,
    existing: set[tuple[int, int, str, str]],
    chain: EscalationChain | None = None,
) -> list[Notification]:
    """Insert the rows owed for one deadline (one transaction). Returns the rows created."""
    created: list[Notification] = []
    with transaction.atomic():
        for recipient, kind in _targets(deadline, now, chain):
            if not recipient.is_active:
                continue
            channels = [Notification.Channel.APP]
            if recipient.email:
                channels.append(Notification.Channel.EMAIL)
            for channel in channels:
                if (deadline.pk, recipient.pk, str(channel), kind) in existing:
                    continue
                row = Notification(
                    agency_id=deadline.agency_id,
                    recipient=recipient,
                    deadline=deadline,
                    channel=channel,
                    kind=kind,
                    message=reminder_message(deadline=deadline, kind=kind)[:300],
                    link=deadline_link(deadline),
                    sent_at=now if channel == Notification.Channel.APP else None,
                )
                try:
                    with transaction.atomic():
                        row.save()
                except IntegrityError:
                    continue  # claimed by a concurrent sweep
                created.append(row)
    return created


def _send_email(notification: Notification) -> bool:
    """Send one e-mail row, then mark it sent. False (row left pending) when the mail server refuses."""
    base = getattr(settings, "SAFEHARBOR_BASE_URL", "")
    body = (
        f"{notification.message}\n\n"
        f"Open SafeHarbor to see the details{': ' + base + notification.link if base and notification.link else '.'}\n"
        "This message carries no case details; they stay behind the sign-in.\n"
    )
    message = EmailMessage(
        subject="SafeHarbor reminder",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
        headers={"Message-ID": f"<notification-{notification.pk}@safeharbor.invalid>"},
    )
    try:
        message.send()
    except Exception:
        logger.exception("e-mail of notification %s failed; it stays pending", notification.pk)
        return False
    Notification.objects.filter(pk=notification.pk, sent_at__isnull=True).update(sent_at=timezone.now())
    return True


def notifications_deliver_pending(*, deadline_ids: list[int] | None = None) -> tuple[int, int]:
    """Send every e-mail row not yet sent (left by a crash or a refused send). Returns (sent, failed).

    A row whose duty was cancelled meanwhile stays unsent: a cancelled duty sends nothing more.
    """
    pending = (
        Notification.objects.filter(channel=Notification.Channel.EMAIL, sent_at__isnull=True)
        .filter(Q(deadline__isnull=True) | Q(deadline__cancelled_at__isnull=True))
        .select_related("recipient")
    )
    if deadline_ids is not None:
        pending = pending.filter(deadline_id__in=deadline_ids)
    sent = failed = 0
    for notification in pending.order_by("id"):
        if _send_email(notification):
            sent += 1
        else:
            failed += 1
    return sent, failed


def deadlines_sweep(*, now: datetime | None = None, progress: Callable[[str], None] | None = None) -> SweepResult:
    """Send the reminders owed now, for every open duty of every agency. Idempotent; safe to re-run.

    Called every minute by the Huey worker (`deadlines.tasks`) and by `safeharbor sweep`.
    """
    now = now or timezone.now()
    result = SweepResult()
    sent, failed = notifications_deliver_pending()
    result.emailed += sent
    result.failed += failed
    for agency in Agency.objects.order_by("id"):
        horizon = now + timedelta(hours=agency.due_soon_hours)
        deadlines = list(
            Deadline.objects.filter(agency=agency, status=DutyStatus.OPEN, due_at__lte=horizon)
            .select_related("owner__unit__supervisor")
            .order_by("due_at", "id")
        )
        chain = EscalationChain.for_agency(agency) if deadlines else None
        existing = set(
            Notification.objects.filter(deadline__in=[d.pk for d in deadlines]).values_list(
                "deadline_id", "recipient_id", "channel", "kind"
            )
        )
        for deadline in deadlines:
            deadline.agency = agency
            created = _claim(deadline, now, existing, chain)
            result.deadlines += 1
            if not created:
                continue
            result.claimed += len(created)
            if progress:
                progress(f"claimed deadline={deadline.pk} rows={len(created)}")
            sent, failed = notifications_deliver_pending(deadline_ids=[deadline.pk])
            result.emailed += sent
            result.failed += failed
            if progress:
                progress(f"delivered deadline={deadline.pk} emails={sent}")
            _test_pause()
    return result


def deadline_link(deadline: Deadline) -> str:
    """Where a reminder leads: the duty's record page (behind the permission door), else the inbox."""
    from safeharbor.deadlines.links import link_for

    return link_for(deadline)


# --- The inbox ----------------------------------------------------------------------------------


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's own in-app notifications read (404 for anyone else's)."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id, recipient=user).first()
        if notification is None:
            raise Http404
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
            audit_record(actor=user, action="notification.read", obj=notification, agency_id=notification.agency_id)
    return notification


def notification_mark_all_read(*, user: User) -> int:
    with transaction.atomic():
        count = Notification.objects.filter(
            recipient=user, channel=Notification.Channel.APP, read_at__isnull=True
        ).update(read_at=timezone.now())
        if count:
            audit_record(actor=user, action="notification.read_all", detail={"count": count})
    return count


def sweep_soon() -> None:
    """Ask the worker for a sweep once the caller's transaction commits (new duties, changed owners)."""

    def _enqueue() -> None:
        from safeharbor.deadlines.tasks import deadlines_sweep_now

        deadlines_sweep_now()

    transaction.on_commit(_enqueue)


# --- The supervisor's unit board: row actions ---------------------------------------------------

REMINDER_KIND = "duty_reminder"
REASSIGNED_KIND = "duty_reassigned"
# A reminder from the board reaches the owner at most once an hour per duty (a double click sends one).
REMINDER_EVERY = timedelta(hours=1)
NOT_OPEN_MESSAGE = "This duty is no longer open: it was met or closed meanwhile."
REASSIGN_TARGET_MESSAGE = "Choose an active worker of the duty's unit, other than its current owner."


def deadline_reassign(*, actor: User, deadline: Deadline, to_user: User) -> Deadline:
    """Give one open duty of the actor's unit board to another worker of the same unit.

    A duty exists once per kind and subject (the database says so), so the row stays and only its
    owner changes. Refused (`ApplicationError` on `to_user`) unless `permissions.can_reassign_duty`
    holds; a duty outside the actor's board is a `PermissionDenied`. Audited `deadline.reassign` with
    both user ids; the new owner gets an in-app message naming no child; the sweep then reminds them.
    Reminders already sent stay with their recipient.
    """
    from django.core.exceptions import PermissionDenied

    from safeharbor import permissions
    from safeharbor.deadlines.links import link_for

    with transaction.atomic():
        locked = (
            Deadline.objects.select_for_update(of=("self",))
            .filter(pk=deadline.pk)
            .select_related("agency", "owner")
            .first()
        )
        if locked is None:
            raise Http404
        if not locked.is_open:
            raise ApplicationError(NOT_OPEN_MESSAGE, code="not_open")
        if not permissions.can_act_on_board_duty(actor, locked):
            raise PermissionDenied
        if not permissions.can_reassign_duty(actor, locked, to_user):
            raise ApplicationError(REASSIGN_TARGET_MESSAGE, field="to_user")
        from_user_id = locked.owner_id
        locked.owner = to_user
        locked.full_clean()
        locked.save(update_fields=["owner"])
        audit_record(
            actor=actor,
            action="deadline.reassign",
            obj=locked,
            youth_id=locked.youth_id,
            agency_id=locked.agency_id,
            detail={"kind": locked.kind, "from_user_id": from_user_id, "to_user_id": to_user.pk},
        )
        notification_send(
            recipient=to_user,
            kind=REASSIGNED_KIND,
            message=f"A duty was reassigned to you, due {_local(locked.due_at, locked.agency)}: {locked.title}"[:300],
            link=link_for(locked),
        )
        sweep_soon()
    return locked


def deadline_remind(*, actor: User, deadline: Deadline) -> Notification | None:
    """Send the owner of an open duty of the actor's unit board an in-app reminder (kind
    `duty_reminder`), at most once an hour per duty: a second request within the hour sends nothing
    and returns None. Audited `deadline.remind` either way (`sent` says which)."""
    from django.core.exceptions import PermissionDenied

    from safeharbor import permissions
    from safeharbor.deadlines.links import link_for

    now = timezone.now()
    with transaction.atomic():
        locked = (
            Deadline.objects.select_for_update(of=("self",))
            .filter(pk=deadline.pk)
            .select_related("agency", "owner")
            .first()
        )
        if locked is None:
            raise Http404
        if not locked.is_open:
            raise ApplicationError(NOT_OPEN_MESSAGE, code="not_open")
        if not permissions.can_remind_duty(actor, locked):
            raise PermissionDenied
        prefix = f"{REMINDER_KIND}:{locked.pk}:"
        recent = Notification.objects.filter(
            kind=REMINDER_KIND, dedupe_key__startswith=prefix, created_at__gt=now - REMINDER_EVERY
        ).exists()
        notification = None
        if not recent:
            sender = actor.get_full_name() or actor.username
            notification = notification_send(
                recipient=locked.owner,
                kind=REMINDER_KIND,
                message=f"Reminder from {sender}, due {_local(locked.due_at, locked.agency)}: {locked.title}"[:300],
                link=link_for(locked),
                dedupe_key=prefix + now.astimezone(UTC).strftime("%Y%m%d%H"),
            )
        audit_record(
            actor=actor,
            action="deadline.remind",
            obj=locked,
            youth_id=locked.youth_id,
            agency_id=locked.agency_id,
            detail={"kind": locked.kind, "recipient_id": locked.owner_id, "sent": notification is not None},
        )
    return notification
