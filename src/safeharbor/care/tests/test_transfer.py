"""Moving a youth's open service-plan items (and the duties mirroring them) to the new worker."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeharbor.audit.models import AuditEvent
from safeharbor.care import rules
from safeharbor.care.models import ServiceItem
from safeharbor.care.services import (
    DEADLINE_KINDS,
    immediate_interventions_ensure,
    service_item_create,
    service_item_update,
    service_items_transfer,
)
from safeharbor.core.testing import factories as f
from safeharbor.deadlines.models import Deadline, Notification
from safeharbor.youth.services import youth_reassign

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 2, 19, 0, tzinfo=UTC)
DUE_ON = dt.date(2026, 3, 20)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _item(personas, *, category="housing", owner=None, status=None, youth=None, due_on=DUE_ON, actor=None):
    item = service_item_create(
        actor=actor or personas.worker,
        youth=youth or personas.youth,
        category=category,
        due_on=due_on,
        owner=owner or personas.worker,
    )
    if status is not None:
        item = service_item_update(actor=personas.worker, item=item, status=status)
    return item


def _mirror(item):
    return Deadline.objects.get(kind__in=DEADLINE_KINDS, subject_type="care.serviceitem", subject_id=item.pk)


def _transfer(personas, **kwargs):
    kwargs.setdefault("from_users", [personas.worker])
    kwargs.setdefault("to_user", personas.worker2)
    return service_items_transfer(youth=personas.youth, actor=personas.supervisor, **kwargs)


def _owner(item):
    item.refresh_from_db()
    return item.owner_id


def test_moves_open_items_and_leaves_closed_and_other_peoples(personas):
    needed = _item(personas, category="housing")
    referred = _item(personas, category="legal_services", status="referred")
    in_progress = _item(personas, category="life_skills", status="in_progress")
    completed = _item(personas, category="child_care", status="completed")
    declined = _item(personas, category="mental_health", status="declined")
    unavailable = _item(personas, category="financial_management", status="not_available")
    supervisors = _item(personas, category="educational_assistance", owner=personas.supervisor)
    other_youth = _item(personas, youth=personas.youth2, owner=personas.worker, actor=personas.worker2)

    assert _transfer(personas) == 3

    assert {_owner(i) for i in (needed, referred, in_progress)} == {personas.worker2.pk}
    assert {_owner(i) for i in (completed, declined, unavailable, other_youth)} == {personas.worker.pk}
    assert _owner(supervisors) == personas.supervisor.pk
    # statuses are untouched
    needed.refresh_from_db()
    assert needed.status == "needed"


def test_mirrored_duties_follow_their_items(personas):
    open_item = _item(personas, category="housing")
    completed = _item(personas, category="child_care", status="completed")
    declined = _item(personas, category="mental_health", status="declined")

    _transfer(personas)

    assert _mirror(open_item).owner_id == personas.worker2.pk
    assert _mirror(open_item).done_at is None
    # closed items' duties (met or cancelled) stay as they were
    assert _mirror(completed).owner_id == personas.worker.pk and _mirror(completed).done_at is not None
    assert _mirror(declined).owner_id == personas.worker.pk and _mirror(declined).cancelled_at is not None
    # the new owner hears of the moved duty once
    notes = Notification.objects.filter(recipient=personas.worker2)
    assert [n.message for n in notes] == ["1 open duty was transferred to you with a new case."]


def test_immediate_interventions_move_with_their_duties(personas):
    items = immediate_interventions_ensure(youth=personas.youth, determined_at=NOW, actor=personas.worker)

    assert _transfer(personas) == 3

    for item in items:
        assert _owner(item) == personas.worker2.pk
        assert _mirror(item).owner_id == personas.worker2.pk


def test_item_without_a_due_date_moves_and_nobody_is_told(personas):
    item = _item(personas, due_on=None)
    assert _transfer(personas) == 1
    assert _owner(item) == personas.worker2.pk
    assert not Notification.objects.filter(recipient=personas.worker2).exists()


def test_each_moved_item_is_audited_and_keeps_its_history(personas):
    items = [_item(personas, category=c) for c in ("housing", "legal_services")]

    _transfer(personas)

    events = AuditEvent.objects.filter(action="care.service_transfer").order_by("seq")
    assert [e.object_id for e in events] == [str(i.pk) for i in items]
    for event in events:
        assert event.object_type == "care.serviceitem"
        assert event.actor_id == personas.supervisor.pk
        assert event.youth_id == personas.youth.pk
        assert event.detail == {"from_user_id": personas.worker.pk, "to_user_id": personas.worker2.pk}
    for item in items:
        latest = ServiceItem.history.filter(id=item.pk).order_by("-history_id").first()
        assert latest.owner_id == personas.worker2.pk
        assert latest.history_type == "~"
        assert latest.history_change_reason == "reassigned"
        assert latest.history_user_id == personas.supervisor.pk
    # the mirrored duties are audited by the deadline engine
    assert AuditEvent.objects.filter(action="deadline.transfer").count() == 2


def test_nothing_open_moves_nothing(personas):
    _item(personas, status="completed")
    assert _transfer(personas) == 0
    assert _transfer(personas, from_users=[]) == 0
    assert _transfer(personas, from_users=[personas.worker2]) == 0
    assert not AuditEvent.objects.filter(action="care.service_transfer").exists()


def _queries_for_transfer(personas, count):
    youth = f.YouthFactory(agency=personas.agency)
    f.AssignmentFactory(youth=youth, worker=personas.worker)
    categories = rules.LONG_TERM_CATEGORIES
    for i in range(count):
        _item(personas, youth=youth, category=categories[i % len(categories)])
    with (
        mock.patch("safeharbor.care.services.audit_record") as care_audit,
        mock.patch("safeharbor.deadlines.services.audit_record") as duty_audit,
        CaptureQueriesContext(connection) as captured,
    ):
        moved = service_items_transfer(
            youth=youth, from_users=[personas.worker], to_user=personas.worker2, actor=personas.supervisor
        )
    assert moved == count
    assert care_audit.call_count == duty_audit.call_count == count
    return len(captured.captured_queries)


def test_query_count_does_not_grow_with_the_number_of_items(personas):
    """Apart from one audit event per moved row, 1 item costs the same queries as 10."""
    one = _queries_for_transfer(personas, 1)
    ten = _queries_for_transfer(personas, 10)
    assert one == ten
    assert ten <= 20


# --- Through the reassignment ------------------------------------------------------------------


def test_reassignment_moves_items_and_duties_together_with_one_message(personas):
    immediate = immediate_interventions_ensure(youth=personas.youth, determined_at=NOW, actor=personas.worker)
    long_term = _item(personas, category="housing")
    undated = _item(personas, category="life_skills", due_on=None)
    done = _item(personas, category="child_care", status="completed")
    supervisors = _item(personas, category="legal_services", owner=personas.supervisor)

    youth_reassign(actor=personas.supervisor, youth=personas.youth, worker=personas.worker2)

    for item in [*immediate, long_term, undated]:
        assert _owner(item) == personas.worker2.pk
    assert _owner(done) == personas.worker.pk
    assert _owner(supervisors) == personas.supervisor.pk
    assert _mirror(supervisors).owner_id == personas.supervisor.pk
    # every open dated item's open duty has the item's owner
    dated = ServiceItem.objects.filter(youth=personas.youth, status__in=rules.OPEN_STATUSES, due_at__isnull=False)
    assert dated.count() == 5
    for item in dated:
        duty = Deadline.objects.filter(kind__in=DEADLINE_KINDS, subject_id=item.pk, status="open").get()
        assert duty.owner_id == item.owner_id
    # one message, counting the four dated items' duties
    notes = Notification.objects.filter(recipient=personas.worker2, kind="duties_transferred")
    assert [n.message for n in notes] == ["4 open duties were transferred to you with a new case."]
    assert AuditEvent.objects.filter(action="care.service_transfer").count() == 5
    assert AuditEvent.objects.filter(action="deadline.transfer").count() == 4
