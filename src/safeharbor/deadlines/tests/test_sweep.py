from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from safeharbor.deadlines import rules
from safeharbor.deadlines.models import Deadline, Notification
from safeharbor.deadlines.services import deadline_meet, deadline_open, deadlines_sweep, notifications_deliver_pending

NOW = datetime(2026, 3, 9, 18, 0, tzinfo=UTC)


def _duty(personas, *, due_at, kind="test.duty", owner=None):
    return deadline_open(
        agency_id=personas.agency.pk,
        kind=kind,
        subject=personas.youth,
        title="Report to law enforcement",
        due_at=due_at,
        owner=owner or personas.worker,
        youth_id=personas.youth.pk,
    )


@pytest.mark.django_db
def test_nothing_before_due_soon(personas):
    _duty(personas, due_at=NOW + timedelta(hours=5))
    with time_machine.travel(NOW, tick=False):
        deadlines_sweep()
    assert Notification.objects.count() == 0
    assert len(mail.outbox) == 0


@pytest.mark.django_db
def test_due_soon_in_app_and_email_once(personas):
    duty = _duty(personas, due_at=NOW + timedelta(hours=3))
    with time_machine.travel(NOW, tick=False):
        deadlines_sweep()
        deadlines_sweep()
    rows = Notification.objects.filter(deadline=duty)
    assert sorted(rows.values_list("channel", "kind")) == [("app", "due_soon"), ("email", "due_soon")]
    assert all(row.sent_at is not None for row in rows)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [personas.worker.email]


@pytest.mark.django_db
def test_email_never_names_the_child(personas):
    _duty(personas, due_at=NOW - timedelta(minutes=5))
    with time_machine.travel(NOW, tick=False):
        deadlines_sweep()
    youth = personas.youth
    assert len(mail.outbox) == 1
    text = mail.outbox[0].subject + mail.outbox[0].body
    assert youth.legal_first_name not in text
    assert youth.legal_last_name not in text
    for row in Notification.objects.all():
        assert youth.legal_last_name not in row.message


@pytest.mark.django_db
def test_sweep_is_idempotent_through_every_stage(personas):
    duty = _duty(personas, due_at=NOW)
    for at in [
        NOW - timedelta(hours=3),
        NOW - timedelta(hours=2),
        NOW,
        NOW + timedelta(minutes=30),
        NOW + timedelta(hours=2),
    ]:
        with time_machine.travel(at, tick=False):
            deadlines_sweep()
            deadlines_sweep()
    kinds = sorted(Notification.objects.filter(deadline=duty, recipient=personas.worker).values_list("kind", "channel"))
    assert kinds == sorted([(k, c) for k in (rules.DUE_SOON, rules.DUE, rules.OVERDUE) for c in ("app", "email")])
    # due soon, due, overdue to the owner; one escalation to the supervisor
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_overdue_escalates_to_the_supervisor_once(personas):
    duty = _duty(personas, due_at=NOW - timedelta(hours=2))
    for minutes in (0, 1, 2, 60, 600):
        with time_machine.travel(NOW + timedelta(minutes=minutes), tick=False):
            deadlines_sweep()
    escalations = Notification.objects.filter(deadline=duty, kind=rules.ESCALATED)
    assert sorted(escalations.values_list("recipient_id", "channel")) == [
        (personas.supervisor.pk, "app"),
        (personas.supervisor.pk, "email"),
    ]
    to_supervisor = [m for m in mail.outbox if m.to == [personas.supervisor.email]]
    assert len(to_supervisor) == 1
    assert "Escalated" in to_supervisor[0].body
    # the other unit's supervisor hears nothing
    assert not Notification.objects.filter(recipient=personas.other_unit_supervisor).exists()


@pytest.mark.django_db
def test_met_duty_gets_no_reminders(personas):
    duty = _duty(personas, due_at=NOW - timedelta(hours=2))
    deadline_meet(kind=duty.kind, subject=personas.youth, actor=personas.worker)
    with time_machine.travel(NOW, tick=False):
        deadlines_sweep()
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_a_claimed_but_unsent_email_is_sent_by_the_next_sweep(personas):
    """What a crash between the claim and the send leaves behind: a row with sent_at null."""
    duty = _duty(personas, due_at=NOW - timedelta(hours=2))
    pending = Notification.objects.create(
        agency=personas.agency, recipient=personas.worker, deadline=duty, channel="email", kind="overdue", message="x"
    )
    with time_machine.travel(NOW, tick=False):
        deadlines_sweep()
        deadlines_sweep()
    pending.refresh_from_db()
    assert pending.sent_at is not None
    assert Notification.objects.filter(deadline=duty, recipient=personas.worker, channel="email").count() == 1
    assert [m.extra_headers["Message-ID"] for m in mail.outbox].count(
        f"<notification-{pending.pk}@safeharbor.invalid>"
    ) == 1


@pytest.mark.django_db
def test_refused_email_stays_pending_then_goes(personas, settings):
    _duty(personas, due_at=NOW - timedelta(hours=2))
    settings.EMAIL_BACKEND = "safeharbor.deadlines.tests.refusing_backend.EmailBackend"
    with time_machine.travel(NOW, tick=False):
        result = deadlines_sweep()
    assert result.failed == 2
    assert Notification.objects.filter(channel="email", sent_at__isnull=True).count() == 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sent, failed = notifications_deliver_pending()
    assert (sent, failed) == (2, 0)
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_sweep_query_count_does_not_grow_with_quiet_duties(personas, django_assert_max_num_queries):
    for i in range(3):
        _duty(personas, due_at=NOW + timedelta(days=3), kind=f"test.quiet{i}")
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(6):
        deadlines_sweep()
    for i in range(3, 30):
        _duty(personas, due_at=NOW + timedelta(days=3), kind=f"test.quiet{i}")
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(6):
        deadlines_sweep()
    assert Deadline.objects.count() == 30


@pytest.mark.django_db
def test_cancelled_duty_is_not_met_and_gets_no_reminders(personas):
    from safeharbor.audit.models import AuditEvent
    from safeharbor.deadlines.services import deadline_cancel

    duty = _duty(personas, due_at=NOW - timedelta(hours=2))
    with time_machine.travel(NOW - timedelta(hours=3), tick=False):
        cancelled = deadline_cancel(
            kind=duty.kind, subject=personas.youth, actor=personas.worker, reason_code="not_needed"
        )
        again = deadline_cancel(kind=duty.kind, subject=personas.youth, actor=personas.worker, reason_code="not_needed")
    assert (cancelled, again) == (1, 0)
    duty.refresh_from_db()
    assert duty.cancelled_at == NOW - timedelta(hours=3)
    assert duty.done_at is None and duty.done_by is None
    event = AuditEvent.objects.get(action="deadline.cancel", object_id=str(duty.pk))
    assert event.actor_id == personas.worker.pk
    assert event.detail == {"kind": duty.kind, "reason_code": "not_needed", "status": "cancelled"}
    assert (duty.status, duty.cancel_reason) == ("cancelled", "not_needed")
    with time_machine.travel(NOW, tick=False):
        result = deadlines_sweep()
    assert result.deadlines == 0
    assert Notification.objects.count() == 0
    assert len(mail.outbox) == 0
    # a cancelled duty cannot be met afterwards
    assert deadline_meet(kind=duty.kind, subject=personas.youth, actor=personas.worker) == 0


@pytest.mark.django_db
def test_cancel_leaves_a_met_duty_and_other_kinds_alone(personas):
    from safeharbor.deadlines.services import deadline_cancel

    met = _duty(personas, due_at=NOW, kind="test.met")
    other = _duty(personas, due_at=NOW, kind="test.other")
    deadline_meet(kind="test.met", subject=personas.youth, actor=personas.worker)
    assert deadline_cancel(kind="test.met", subject=personas.youth, actor=None, reason_code="x") == 0
    met.refresh_from_db()
    other.refresh_from_db()
    assert met.done_at is not None and met.cancelled_at is None
    assert other.cancelled_at is None


@pytest.mark.django_db
def test_cancel_refuses_free_text_reason(personas):
    from safeharbor.deadlines.services import deadline_cancel

    duty = _duty(personas, due_at=NOW)
    with pytest.raises(ValueError):
        deadline_cancel(kind=duty.kind, subject=personas.youth, actor=None, reason_code="the youth said no")
    duty.refresh_from_db()
    assert duty.cancelled_at is None


@pytest.mark.django_db
def test_an_email_claimed_before_cancellation_is_not_sent_afterwards(personas):
    from safeharbor.deadlines.services import deadline_cancel

    duty = _duty(personas, due_at=NOW - timedelta(hours=2))
    pending = Notification.objects.create(
        agency=personas.agency, recipient=personas.worker, deadline=duty, channel="email", kind="overdue", message="x"
    )
    deadline_cancel(kind=duty.kind, subject=personas.youth, actor=personas.worker, reason_code="declined")
    with time_machine.travel(NOW, tick=False):
        deadlines_sweep()
    assert notifications_deliver_pending() == (0, 0)
    pending.refresh_from_db()
    assert pending.sent_at is None
    assert len(mail.outbox) == 0
