"""Moving a youth's open duties to the new worker when the case is reassigned."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeharbor.audit.models import AuditEvent
from safeharbor.audit.services import audit_record
from safeharbor.core.testing import factories as f
from safeharbor.deadlines import rules
from safeharbor.deadlines.models import Deadline, Notification
from safeharbor.deadlines.services import (
    deadline_cancel,
    deadline_meet,
    deadline_open,
    deadlines_sweep,
    deadlines_transfer,
)
from safeharbor.youth.services import youth_reassign

NOW = datetime(2026, 3, 9, 18, 0, tzinfo=UTC)


def _duty(personas, *, kind="test.duty", owner=None, youth=None, due_at=None, subject=None):
    youth = youth or personas.youth
    return deadline_open(
        agency_id=personas.agency.pk,
        kind=kind,
        subject=subject or youth,
        title="Report to law enforcement",
        due_at=due_at or NOW + timedelta(days=2),
        owner=owner or personas.worker,
        youth_id=youth.pk,
    )


def _transfer(personas, **kwargs):
    kwargs.setdefault("from_users", [personas.worker])
    kwargs.setdefault("to_user", personas.worker2)
    return deadlines_transfer(youth=personas.youth, actor=personas.supervisor, **kwargs)


def _owner(deadline):
    deadline.refresh_from_db()
    return deadline.owner_id


def test_moves_open_duties_and_leaves_closed_and_other_peoples_alone(personas):
    open_a = _duty(personas, kind="test.a")
    open_b = _duty(personas, kind="test.b")
    met = _duty(personas, kind="test.met")
    deadline_meet(kind="test.met", subject=personas.youth, actor=personas.worker)
    cancelled = _duty(personas, kind="test.cancelled")
    deadline_cancel(kind="test.cancelled", subject=personas.youth, actor=personas.worker, reason_code="not_needed")
    coordinators = _duty(personas, kind="test.mdt", owner=personas.coordinator)
    supervisors = _duty(personas, kind="test.review", owner=personas.supervisor)
    other_youth = _duty(personas, kind="test.a", youth=personas.youth2)

    assert _transfer(personas) == 2

    assert _owner(open_a) == _owner(open_b) == personas.worker2.pk
    assert _owner(met) == _owner(cancelled) == _owner(other_youth) == personas.worker.pk
    assert _owner(coordinators) == personas.coordinator.pk
    assert _owner(supervisors) == personas.supervisor.pk
    for row in (open_a, open_b):
        assert row.done_at is None and row.cancelled_at is None


def test_a_duty_exists_once_whoever_would_own_it(personas):
    """One live duty per kind and subject (RULES.md §9): opening it again for another owner finds the
    first, so a reassignment has no second row to reconcile."""
    first = _duty(personas, owner=personas.worker2)
    again = _duty(personas)
    assert again.pk == first.pk and again.owner_id == personas.worker2.pk
    assert Deadline.objects.filter(kind="test.duty").count() == 1


def test_the_database_refuses_a_second_open_duty_of_a_kind_on_a_subject(personas):
    from django.db import IntegrityError, transaction

    first = _duty(personas)
    copy = Deadline(
        agency=first.agency,
        youth=first.youth,
        kind=first.kind,
        subject_type=first.subject_type,
        subject_id=first.subject_id,
        title=first.title,
        arose_at=first.arose_at,
        due_at=first.due_at,
        owner=personas.worker2,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_a_met_duty_is_not_reopened_and_a_cancelled_one_may_be(personas):
    met = _duty(personas, kind="test.met")
    deadline_meet(kind="test.met", subject=personas.youth, actor=personas.worker)
    assert _duty(personas, kind="test.met").pk == met.pk
    cancelled = _duty(personas, kind="test.gone")
    deadline_cancel(kind="test.gone", subject=personas.youth, actor=personas.worker, reason_code="not_needed")
    reopened = _duty(personas, kind="test.gone")
    assert reopened.pk != cancelled.pk and reopened.status == "open"


def test_each_moved_duty_is_audited_without_names(personas):
    rows = [_duty(personas, kind=f"test.{i}") for i in range(3)]

    with time_machine.travel(NOW, tick=False):
        _transfer(personas)

    events = AuditEvent.objects.filter(action="deadline.transfer").order_by("seq")
    assert [e.object_id for e in events] == [str(r.pk) for r in rows]
    for event, row in zip(events, rows, strict=True):
        assert event.object_type == "deadlines.deadline"
        assert event.actor_id == personas.supervisor.pk
        assert event.youth_id == personas.youth.pk
        assert event.agency_id == personas.agency.pk
        assert event.detail == {"kind": row.kind, "from_user_id": personas.worker.pk, "to_user_id": personas.worker2.pk}


def test_new_owner_is_told_once_without_the_childs_name(personas):
    for i in range(4):
        _duty(personas, kind=f"test.{i}")

    _transfer(personas)
    assert _transfer(personas) == 0  # a second call finds nothing to move and says nothing

    note = Notification.objects.get(recipient=personas.worker2)
    assert note.kind == "duties_transferred"
    assert note.channel == Notification.Channel.APP
    assert note.deadline_id is None
    assert note.message == "4 open duties were transferred to you with a new case."
    assert note.link == reverse("youth:detail", args=[personas.youth.pk])
    youth = personas.youth
    for name in (youth.legal_first_name, youth.legal_last_name):
        assert name not in note.message
    assert not Notification.objects.filter(recipient=personas.worker).exists()


def test_one_duty_reads_in_the_singular(personas):
    _duty(personas)
    _transfer(personas)
    assert Notification.objects.get(recipient=personas.worker2).message == (
        "1 open duty was transferred to you with a new case."
    )


def test_nothing_open_means_nothing_moves_and_nobody_is_told(personas):
    _duty(personas, owner=personas.coordinator)
    assert _transfer(personas) == 0
    assert _transfer(personas, from_users=[]) == 0
    assert _transfer(personas, from_users=[personas.worker2]) == 0  # the new owner is never a departing one
    assert not Notification.objects.exists()
    assert not AuditEvent.objects.filter(action="deadline.transfer").exists()


def test_mdt_action_items_stay_with_their_named_owner(personas):
    item_duty = _duty(personas, kind="mdt.action_item")
    plain = _duty(personas)

    assert _transfer(personas) == 1

    assert _owner(item_duty) == personas.worker.pk
    assert _owner(plain) == personas.worker2.pk


def test_kind_and_subjects_narrow_the_move(personas):
    a = _duty(personas, kind="test.a", subject=personas.youth)
    b = _duty(personas, kind="test.a", subject=personas.youth2)
    c = _duty(personas, kind="test.c")

    assert _transfer(personas, kind="test.a", subject_ids=[personas.youth2.pk]) == 1

    assert (_owner(a), _owner(b), _owner(c)) == (personas.worker.pk, personas.worker2.pk, personas.worker.pk)


def _queries_for_transfer(personas, count, *, audit=audit_record):
    youth = f.YouthFactory(agency=personas.agency)
    for i in range(count):
        _duty(personas, kind=f"test.{i}", youth=youth)
    # a duty the new owner already holds stays theirs and costs nothing
    deadline_open(
        agency_id=personas.agency.pk,
        kind="test.held",
        subject=youth,
        title="Held",
        due_at=NOW,
        owner=personas.worker2,
        youth_id=youth.pk,
    )
    with (
        mock.patch("safeharbor.deadlines.services.audit_record", side_effect=audit) as audited,
        CaptureQueriesContext(connection) as captured,
    ):
        moved = deadlines_transfer(
            youth=youth, from_users=[personas.worker], to_user=personas.worker2, actor=personas.supervisor
        )
    assert moved == count
    assert audited.call_count == count
    return len(captured.captured_queries)


def test_query_count_does_not_grow_with_the_number_of_duties(personas):
    """Besides one audit event per changed row (the audit chain appends one event at a time), the
    transfer runs the same queries for 1 duty as for 10."""
    one = _queries_for_transfer(personas, 1, audit=lambda **kwargs: None)
    ten = _queries_for_transfer(personas, 10, audit=lambda **kwargs: None)
    assert one == ten
    assert ten <= 12

    # With the real audit chain, each further row adds only its audit event's own queries.
    with CaptureQueriesContext(connection) as one_event:
        audit_record(actor=personas.supervisor, action="test.measure", agency_id=personas.agency.pk)
    per_event = len(one_event.captured_queries)
    audited_one = _queries_for_transfer(personas, 1)
    audited_ten = _queries_for_transfer(personas, 10)
    assert audited_ten - audited_one == 9 * per_event


def test_sweep_after_transfer_reminds_the_new_owner_and_not_the_old_one(personas, mailoutbox):
    duty = _duty(personas, due_at=NOW + timedelta(hours=1))
    with time_machine.travel(NOW, tick=False):
        deadlines_sweep()
    sent_before = set(Notification.objects.filter(recipient=personas.worker).values_list("pk", flat=True))
    assert set(
        Notification.objects.filter(deadline=duty, recipient=personas.worker).values_list("kind", "channel")
    ) == {(rules.DUE_SOON, "app"), (rules.DUE_SOON, "email")}

    with time_machine.travel(NOW, tick=False):
        _transfer(personas)
        deadlines_sweep()

    # the reminders the old owner already had stay; nothing new reaches them
    assert set(Notification.objects.filter(recipient=personas.worker).values_list("pk", flat=True)) == sent_before
    # the same stage is owed again, now to the new owner: the recipient is part of the key
    assert set(
        Notification.objects.filter(deadline=duty, recipient=personas.worker2).values_list("kind", "channel")
    ) == {(rules.DUE_SOON, "app"), (rules.DUE_SOON, "email")}

    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        deadlines_sweep()
    assert set(Notification.objects.filter(recipient=personas.worker).values_list("pk", flat=True)) == sent_before
    assert (rules.OVERDUE, "app") in set(
        Notification.objects.filter(deadline=duty, recipient=personas.worker2).values_list("kind", "channel")
    )
    emailed = [m.to for m in mailoutbox]
    assert emailed.count([personas.worker.email]) == 1
    assert emailed.count([personas.worker2.email]) >= 2


# --- Through the reassignment ------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_reassignment_moves_the_departing_workers_duties_only(personas):
    workers = [_duty(personas, kind=f"test.{i}") for i in range(3)]
    coordinators = _duty(personas, kind="test.mdt_review", owner=personas.coordinator)
    supervisors = _duty(personas, kind="test.review", owner=personas.supervisor)

    youth_reassign(actor=personas.supervisor, youth=personas.youth, worker=personas.worker2)

    assert {_owner(d) for d in workers} == {personas.worker2.pk}
    assert _owner(coordinators) == personas.coordinator.pk
    assert _owner(supervisors) == personas.supervisor.pk
    assert AuditEvent.objects.filter(action="deadline.transfer", youth_id=personas.youth.pk).count() == 3
    notes = Notification.objects.filter(recipient=personas.worker2, kind="duties_transferred")
    assert [n.message for n in notes] == ["3 open duties were transferred to you with a new case."]
    assert not Notification.objects.filter(recipient__in=[personas.coordinator, personas.supervisor]).exists()


@time_machine.travel(NOW, tick=False)
def test_reassignment_with_two_current_workers_moves_both(personas):
    f.AssignmentFactory(youth=personas.youth, worker=personas.other_unit_worker)
    first = _duty(personas, kind="test.first")
    second = _duty(personas, kind="test.second", owner=personas.other_unit_worker)

    youth_reassign(actor=personas.supervisor, youth=personas.youth, worker=personas.worker2)

    assert _owner(first) == _owner(second) == personas.worker2.pk


@time_machine.travel(NOW, tick=False)
def test_reassignment_with_no_open_duties_sends_no_message(personas):
    youth_reassign(actor=personas.supervisor, youth=personas.youth, worker=personas.worker2)
    assert not Notification.objects.filter(kind="duties_transferred").exists()
