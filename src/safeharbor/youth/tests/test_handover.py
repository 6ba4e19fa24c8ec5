"""A reassignment dated in the future hands the case's open work over on its start day, not before:
until then the departing worker holds the case and the new one cannot open the record."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeharbor.core.testing import factories as f
from safeharbor.core.timeutils import agency_today
from safeharbor.deadlines.models import Deadline, Notification
from safeharbor.deadlines.services import deadline_open
from safeharbor.youth.services import handovers_due_sweep, youth_reassign


def _duty(p, *, kind, owner, youth=None):
    youth = youth or p.youth
    return deadline_open(
        agency_id=p.agency.pk,
        kind=kind,
        subject=youth,
        title="Debrief after the return",
        due_at=datetime.now(ZoneInfo("UTC")) + timedelta(days=20),
        owner=owner,
        youth_id=youth.pk,
    )


def _owner(deadline: Deadline) -> int:
    deadline.refresh_from_db()
    return deadline.owner_id


def _on(p, day):
    zone = ZoneInfo(p.agency.time_zone)
    return time_machine.travel(datetime.combine(day, time(9, 0), tzinfo=zone), tick=False)


def test_future_reassignment_hands_over_on_its_start_day(personas):
    p = personas
    duty = _duty(p, kind="test.debrief", owner=p.worker)
    coordinators = _duty(p, kind="test.mdt_review", owner=p.coordinator)
    start = agency_today(p.agency) + timedelta(days=3)

    youth_reassign(actor=p.supervisor, youth=p.youth, worker=p.worker2, start=start)
    assert _owner(duty) == p.worker.pk  # the departing worker still holds the case
    assert handovers_due_sweep() == 0
    assert _owner(duty) == p.worker.pk

    with _on(p, start - timedelta(days=1)):
        assert handovers_due_sweep() == 0
    with _on(p, start):
        assert handovers_due_sweep() == 1
        assert handovers_due_sweep() == 0  # idempotent
    assert _owner(duty) == p.worker2.pk
    assert _owner(coordinators) == p.coordinator.pk
    notes = Notification.objects.filter(recipient=p.worker2, kind="duties_transferred")
    assert notes.count() == 1


def test_reassignment_that_starts_today_hands_over_at_once(personas):
    p = personas
    duty = _duty(p, kind="test.debrief", owner=p.worker)
    youth_reassign(actor=p.supervisor, youth=p.youth, worker=p.worker2)
    assert _owner(duty) == p.worker2.pk
    assert handovers_due_sweep() == 0


def test_sweep_leaves_current_workers_and_people_never_assigned(personas):
    p = personas
    mine = _duty(p, kind="test.mine", owner=p.worker)  # worker is still assigned
    supervisors = _duty(p, kind="test.review", owner=p.supervisor)  # never assigned to the youth
    assert handovers_due_sweep() == 0
    assert _owner(mine) == p.worker.pk
    assert _owner(supervisors) == p.supervisor.pk


def test_sweep_queries_do_not_grow_with_the_number_of_idle_youth(personas):
    p = personas
    for _ in range(10):
        youth = f.YouthFactory(agency=p.agency)
        f.AssignmentFactory(youth=youth, worker=p.worker, start=agency_today(p.agency) - timedelta(days=30))
        _duty(p, kind="test.idle", owner=p.worker, youth=youth)
    with CaptureQueriesContext(connection) as few:
        handovers_due_sweep()
    for _ in range(10):
        youth = f.YouthFactory(agency=p.agency)
        f.AssignmentFactory(youth=youth, worker=p.worker, start=agency_today(p.agency) - timedelta(days=30))
        _duty(p, kind="test.idle", owner=p.worker, youth=youth)
    with CaptureQueriesContext(connection) as many:
        assert handovers_due_sweep() == 0
    assert len(many.captured_queries) == len(few.captured_queries)
