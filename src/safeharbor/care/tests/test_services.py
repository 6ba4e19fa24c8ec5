from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from safeharbor.audit.models import AuditEvent
from safeharbor.care import rules
from safeharbor.care.models import PartnerOrganisation, ServiceItem, ServiceStatusChange
from safeharbor.care.services import (
    DEADLINE_KINDS,
    immediate_interventions_ensure,
    partner_create,
    partner_directory_seed,
    partner_update,
    service_item_create,
    service_item_update,
)
from safeharbor.core.errors import ApplicationError
from safeharbor.core.testing import factories as f
from safeharbor.deadlines.models import Deadline

UTC = ZoneInfo("UTC")
DETERMINED = dt.datetime(2026, 3, 2, 18, 30, tzinfo=UTC)  # 10:30 in Los Angeles (PST)


@pytest.fixture
def pinned():
    with time_machine.travel(dt.datetime(2026, 3, 2, 19, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


def test_determination_creates_three_immediate_items_exactly_once(personas, pinned):
    first = immediate_interventions_ensure(youth=personas.youth, determined_at=DETERMINED, actor=personas.worker)
    again = immediate_interventions_ensure(youth=personas.youth, determined_at=DETERMINED, actor=personas.supervisor)
    assert [i.category for i in first] == list(rules.IMMEDIATE_CATEGORIES)
    assert [i.pk for i in again] == [i.pk for i in first]
    assert ServiceItem.objects.filter(youth=personas.youth, kind="immediate").count() == 3
    assert Deadline.objects.filter(kind__in=DEADLINE_KINDS, youth=personas.youth).count() == 3
    assert AuditEvent.objects.filter(action="care.service_create", youth_id=personas.youth.pk).count() == 3


def test_immediate_items_owner_and_due_in_elapsed_time(personas, pinned):
    # 7 days are 168 hours (RULES.md §3), also across the start of daylight-saving time (8 March 2026):
    # 10:30 PST on 2 March is due 11:30 PDT on 9 March, not 10:30 (which would be 167 hours).
    items = immediate_interventions_ensure(youth=personas.youth, determined_at=DETERMINED, actor=personas.supervisor)
    expected_due = DETERMINED + dt.timedelta(hours=168)
    assert expected_due == dt.datetime(2026, 3, 9, 18, 30, tzinfo=UTC)
    for item in items:
        assert item.owner == personas.worker  # the assigned worker, not the actor
        assert item.due_at == expected_due
        deadline = Deadline.objects.get(kind__in=DEADLINE_KINDS, subject_type="care.serviceitem", subject_id=item.pk)
        assert deadline.due_at == expected_due
        assert deadline.owner == personas.worker
        assert deadline.done_at is None


def test_immediate_due_days_is_an_agency_setting(personas, pinned):
    personas.agency.immediate_due_days = 3
    personas.agency.save()
    items = immediate_interventions_ensure(youth=personas.youth, determined_at=DETERMINED, actor=personas.worker)
    assert items[0].due_at == dt.datetime(2026, 3, 5, 18, 30, tzinfo=UTC)


def test_owner_falls_back_to_actor_without_assignment(personas, pinned):
    youth = f.YouthFactory(agency=personas.agency)
    items = immediate_interventions_ensure(youth=youth, determined_at=DETERMINED, actor=personas.coordinator)
    assert {i.owner for i in items} == {personas.coordinator}


def test_status_changes_recorded_with_who_and_when(personas, pinned):
    items = immediate_interventions_ensure(youth=personas.youth, determined_at=DETERMINED, actor=personas.worker)
    placement = items[0]
    pinned.move_to(dt.datetime(2026, 3, 3, 20, 0, tzinfo=UTC))
    service_item_update(actor=personas.worker, item=placement, status="in_progress")
    pinned.move_to(dt.datetime(2026, 3, 4, 20, 0, tzinfo=UTC))
    service_item_update(actor=personas.supervisor, item=placement, status="completed")
    changes = list(ServiceStatusChange.objects.filter(item=placement).order_by("changed_at", "id"))
    assert [(c.from_status, c.to_status) for c in changes] == [
        ("", "needed"),
        ("needed", "in_progress"),
        ("in_progress", "completed"),
    ]
    assert changes[1].changed_by == personas.worker
    assert changes[1].changed_at == dt.datetime(2026, 3, 3, 20, 0, tzinfo=UTC)
    assert changes[2].changed_by == personas.supervisor
    placement.refresh_from_db()
    assert placement.started_on == dt.date(2026, 3, 3)
    assert placement.completed_on == dt.date(2026, 3, 4)
    deadline = Deadline.objects.get(kind__in=DEADLINE_KINDS, subject_id=placement.pk, subject_type="care.serviceitem")
    assert deadline.done_at == dt.datetime(2026, 3, 4, 20, 0, tzinfo=UTC)
    assert deadline.done_by == personas.supervisor
    audit = AuditEvent.objects.filter(action="care.service_update", object_id=str(placement.pk)).order_by("seq").last()
    assert audit.detail["from"] == "in_progress" and audit.detail["to"] == "completed"


def test_overdue_items_have_open_deadlines(personas, pinned):
    items = immediate_interventions_ensure(youth=personas.youth, determined_at=DETERMINED, actor=personas.worker)
    service_item_update(actor=personas.worker, item=items[1], status="completed")
    pinned.move_to(dt.datetime(2026, 3, 10, 0, 0, tzinfo=UTC))
    overdue = Deadline.objects.filter(
        kind__in=DEADLINE_KINDS, youth=personas.youth, status="open", due_at__lte=dt.datetime(2026, 3, 10, tzinfo=UTC)
    )
    assert sorted(overdue.values_list("subject_id", flat=True)) == sorted([items[0].pk, items[2].pk])


def test_long_term_item_with_partner_and_due_date(personas, pinned):
    org = PartnerOrganisation.objects.create(agency=personas.agency, name="Fictional Housing Trust", kind="housing")
    item = service_item_create(
        actor=personas.worker, youth=personas.youth, category="housing", partner=org, due_on=dt.date(2026, 4, 1)
    )
    assert item.status == "referred"
    assert item.due_at == dt.datetime(2026, 4, 2, 0, 0, tzinfo=UTC)  # 17:00 PDT
    assert Deadline.objects.filter(subject_id=item.pk, subject_type="care.serviceitem").exists()


def test_long_term_refuses_immediate_category_and_foreign_partner(personas, pinned):
    other_org = PartnerOrganisation.objects.create(agency=personas.other_agency, name="Elsewhere Org")
    with pytest.raises(ApplicationError) as exc:
        service_item_create(actor=personas.worker, youth=personas.youth, category="safe_placement")
    assert exc.value.field == "category"
    with pytest.raises(ApplicationError) as exc:
        service_item_create(actor=personas.worker, youth=personas.youth, category="housing", partner=other_org)
    assert exc.value.field == "partner"
    assert not ServiceItem.objects.exists()


def test_only_those_who_may_edit_the_youth_plan_services(personas, pinned):
    with pytest.raises(PermissionDenied):
        service_item_create(actor=personas.worker2, youth=personas.youth, category="housing")
    with pytest.raises(PermissionDenied):
        service_item_create(actor=personas.coordinator, youth=personas.youth, category="housing")
    assert service_item_create(actor=personas.supervisor, youth=personas.youth, category="housing").pk


def test_future_effective_date_refused(personas, pinned):
    item = service_item_create(actor=personas.worker, youth=personas.youth, category="housing")
    with pytest.raises(ApplicationError) as exc:
        service_item_update(actor=personas.worker, item=item, status="completed", effective_on=dt.date(2026, 3, 9))
    assert exc.value.field == "effective_on"
    item.refresh_from_db()
    assert item.status == "needed"


def test_partner_directory_maintenance_audited(personas):
    org = partner_create(
        actor=personas.coordinator, name="Fictional Legal Aid", kind="legal", services=["legal_services"]
    )
    partner_update(actor=personas.admin, organisation=org, is_active=False)
    events = AuditEvent.objects.filter(object_type="care.partnerorganisation", object_id=str(org.pk))
    actions = list(events.values_list("action", flat=True))
    assert sorted(actions) == ["care.partner_create", "care.partner_deactivate"]
    with pytest.raises(PermissionDenied):
        partner_create(actor=personas.worker, name="Nope")
    with pytest.raises(ApplicationError) as exc:
        partner_create(actor=personas.coordinator, name="fictional legal aid")
    assert exc.value.field == "name"
    with pytest.raises(ApplicationError) as exc:
        partner_create(actor=personas.coordinator, name="Bad Services", services=["safe_placement"])
    assert exc.value.field == "services"


def test_seed_is_idempotent_and_names_no_people(personas):
    added = partner_directory_seed(agency=personas.agency)
    assert added == 7
    assert partner_directory_seed(agency=personas.agency) == 0
    names = set(PartnerOrganisation.objects.filter(agency=personas.agency).values_list("name", flat=True))
    assert "Polaris Project" in names
    assert not any("Phelps" in n for n in names)


@pytest.mark.parametrize("status", ["declined", "not_available"])
def test_declined_or_unavailable_item_cancels_its_deadline_not_meets_it(personas, pinned, status):
    from safeharbor.deadlines.services import deadlines_sweep

    items = immediate_interventions_ensure(youth=personas.youth, determined_at=DETERMINED, actor=personas.worker)
    service_item_update(actor=personas.worker, item=items[0], status=status)
    deadline = Deadline.objects.get(kind__in=DEADLINE_KINDS, subject_type="care.serviceitem", subject_id=items[0].pk)
    assert deadline.done_at is None and deadline.done_by is None
    assert deadline.cancelled_at == dt.datetime(2026, 3, 2, 19, 0, tzinfo=UTC)
    cancel = AuditEvent.objects.get(action="deadline.cancel", object_id=str(deadline.pk))
    assert cancel.detail["reason_code"] == status
    assert not AuditEvent.objects.filter(action="deadline.meet", object_id=str(deadline.pk)).exists()
    # long after the due instant, the cancelled duty sends nothing; the others still remind
    pinned.move_to(dt.datetime(2026, 3, 12, 0, 0, tzinfo=UTC))
    deadlines_sweep()
    assert not deadline.notifications.exists()
    others = Deadline.objects.filter(kind__in=DEADLINE_KINDS, subject_id__in=[items[1].pk, items[2].pk])
    assert all(d.notifications.exists() for d in others)
