from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
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
from safeharbor.core.timeutils import agency_zone
from safeharbor.deadlines import rules
from safeharbor.deadlines.models import Deadline, Notification

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
            audit_record(
                actor=None,
                action="deadline.open",
                obj=deadline,
                youth_id=youth_id,
                agency_id=agency_id,
                detail={"kind": kind},
            )
    return deadline


def _open_duties_locked(*, kind: str, subject: Any) -> list[Deadline]:
    """The open duties of `kind` on `subject`, locked for the caller's transaction."""
    return list(
        Deadline.objects.select_for_update().filter(
            kind=kind,
            subject_type=subject._meta.label_lower,
            subject_id=subject.pk,
            met_at__isnull=True,
            cancelled_at__isnull=True,
        )
    )


def deadline_meet(*, kind: str, subject: Any, actor: User | None, met_at: datetime | None = None) -> int:
    """Mark every open duty of `kind` on `subject` as met. Returns how many were met."""
    when = met_at or timezone.now()
    with transaction.atomic():
        open_rows = _open_duties_locked(kind=kind, subject=subject)
        for deadline in open_rows:
            deadline.met_at = when
            deadline.met_by = actor
            deadline.save(update_fields=["met_at", "met_by"])
            audit_record(
                actor=actor,
                action="deadline.meet",
                obj=deadline,
                youth_id=deadline.youth_id,
                agency_id=deadline.agency_id,
                detail={"kind": kind},
            )
    return len(open_rows)


def deadline_cancel(*, kind: str, subject: Any, actor: User | None, reason_code: str) -> int:
    """Cancel every open duty of `kind` on `subject`: the duty no longer applies (it was not met).

    A cancelled duty leaves every list of open duties and the sweep sends no reminder for it.
    `reason_code` is a short code (for example "declined"), never free text. Returns how many were
    cancelled.
    """
    if not reason_code or len(reason_code) > 60 or not reason_code.replace("_", "").isalnum():
        raise ValueError("reason_code must be a short code of letters, digits and underscores")
    when = timezone.now()
    with transaction.atomic():
        open_rows = _open_duties_locked(kind=kind, subject=subject)
        for deadline in open_rows:
            deadline.cancelled_at = when
            deadline.save(update_fields=["cancelled_at"])
            audit_record(
                actor=actor,
                action="deadline.cancel",
                obj=deadline,
                youth_id=deadline.youth_id,
                agency_id=deadline.agency_id,
                detail={"kind": kind, "reason_code": reason_code},
            )
    return len(open_rows)


# --- Moving duties to a new worker -------------------------------------------------------------

TRANSFER_CANCEL_REASON = "reassigned"

# Kinds whose duty belongs to a record with its own owner that stays put on a reassignment: the MDT
# gives an action item to a named person, and only that person (or the coordinator) may complete it,
# so its reminders stay with them.
KINDS_KEPT_ON_TRANSFER: frozenset[str] = frozenset({"mdt_action_item"})


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
    subject_ids: Collection[int] | None = None,
) -> int:
    """Give a youth's open duties owned by `from_users` to `to_user` (a reassignment). Returns how
    many rows changed owner.

    Met and cancelled duties keep their owner, as do other people's duties and the kinds in
    `KINDS_KEPT_ON_TRANSFER`. `kind` and `subject_ids` narrow the move to some subjects (the care app
    moves the duties mirroring its service items this way).

    The owner is part of the duty's unique key, so a duty the new owner already holds is not copied:
    - the new owner's row is open: theirs stays, the departing row is cancelled (reason "reassigned");
    - the new owner's row is met or cancelled: the departing row stays where it is, since moving it
      would break the key and cancelling it would drop a live duty;
    - several departing workers hold the same duty: the earliest due moves, the others are cancelled.

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
            youth_id=youth.pk, owner_id__in=from_ids, met_at__isnull=True, cancelled_at__isnull=True
        )
        if kind is not None:
            rows = rows.filter(kind=kind)
        if subject_ids is not None:
            rows = rows.filter(subject_id__in=list(subject_ids))
        departing = list(rows.exclude(kind__in=KINDS_KEPT_ON_TRANSFER).order_by("due_at", "id"))
        if not departing:
            return 0
        held: dict[tuple[str, str, int], bool] = {
            (row.kind, row.subject_type, row.subject_id): row.met_at is None and row.cancelled_at is None
            for row in Deadline.objects.select_for_update().filter(
                owner_id=to_user.pk,
                kind__in={d.kind for d in departing},
                subject_id__in={d.subject_id for d in departing},
            )
        }
        moved: list[Deadline] = []
        cancelled: list[Deadline] = []
        for row in departing:  # earliest due first, so the earliest of duplicates is the one kept
            key = (row.kind, row.subject_type, row.subject_id)
            if key not in held:
                moved.append(row)
                held[key] = True
            elif held[key]:
                cancelled.append(row)
        if moved:
            Deadline.objects.filter(pk__in=[row.pk for row in moved]).update(owner_id=to_user.pk)
        if cancelled:
            Deadline.objects.filter(pk__in=[row.pk for row in cancelled]).update(cancelled_at=timezone.now())
        for row in moved:
            audit_record(
                actor=actor,
                action="deadline.transfer",
                obj=row,
                youth_id=row.youth_id,
                agency_id=row.agency_id,
                detail={"kind": row.kind, "from_user_id": row.owner_id, "to_user_id": to_user.pk},
            )
        for row in cancelled:
            audit_record(
                actor=actor,
                action="deadline.cancel",
                obj=row,
                youth_id=row.youth_id,
                agency_id=row.agency_id,
                detail={"kind": row.kind, "reason_code": TRANSFER_CANCEL_REASON},
            )
        if moved:
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


def _targets(deadline: Deadline, now: datetime) -> list[tuple[User, str]]:
    """(recipient, kind) pairs owed for a deadline at `now`."""
    stage = rules.current_stage(due_at=deadline.due_at, now=now, due_soon_hours=deadline.agency.due_soon_hours)
    if stage is None:
        return []
    targets: list[tuple[User, str]] = [(deadline.owner, stage)]
    if stage == rules.OVERDUE:
        unit = deadline.owner.unit
        supervisor = unit.supervisor if unit is not None else None
        if supervisor is not None and supervisor.is_active and supervisor.pk != deadline.owner_id:
            targets.append((supervisor, rules.ESCALATED))
    return targets


def _claim(deadline: Deadline, now: datetime, existing: set[tuple[int, int, str, str]]) -> list[Notification]:
    """Insert the rows owed for one deadline (one transaction). Returns the rows created."""
    created: list[Notification] = []
    with transaction.atomic():
        for recipient, kind in _targets(deadline, now):
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
            Deadline.objects.filter(agency=agency, met_at__isnull=True, cancelled_at__isnull=True, due_at__lte=horizon)
            .select_related("owner__unit__supervisor")
            .order_by("due_at", "id")
        )
        existing = set(
            Notification.objects.filter(deadline__in=[d.pk for d in deadlines]).values_list(
                "deadline_id", "recipient_id", "channel", "kind"
            )
        )
        for deadline in deadlines:
            deadline.agency = agency
            created = _claim(deadline, now, existing)
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
