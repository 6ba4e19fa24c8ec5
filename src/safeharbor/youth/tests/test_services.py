from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404

from safeharbor.audit.models import AuditEvent
from safeharbor.core.errors import ApplicationError, StaleEditError
from safeharbor.deadlines.models import Notification
from safeharbor.youth import services
from safeharbor.youth.models import Assignment, NameKey, Placement, Youth
from safeharbor.youth.search import duplicate_candidates, youth_search
from safeharbor.youth.selectors import youth_get_for_user

pytestmark = pytest.mark.django_db


def _create(p: Any, **extra: Any) -> Youth:
    fields = {"legal_first_name": "Wren", "legal_last_name": "Calloway", "date_of_birth": dt.date(2011, 2, 3)}
    fields.update(extra)
    return services.youth_create(actor=p.worker, **fields)


def test_create_assigns_the_creating_worker_and_indexes_names(personas):
    youth = _create(personas)
    assignment = Assignment.objects.get(youth=youth)
    assert assignment.worker == personas.worker and assignment.end is None
    assert NameKey.objects.filter(youth=youth, source="legal").exists()
    assert AuditEvent.objects.filter(action="youth.create", youth_id=youth.pk).count() == 1


def test_create_is_atomic_when_the_assignment_fails(personas):
    before = Youth.objects.count()
    with pytest.raises(ApplicationError):
        services.youth_create(
            actor=personas.supervisor, worker=personas.other_unit_worker, legal_first_name="A", legal_last_name="B"
        )
    assert Youth.objects.count() == before


def test_supervisor_creates_for_a_worker_of_their_unit(personas):
    youth = services.youth_create(
        actor=personas.supervisor, worker=personas.worker2, legal_first_name="Ivy", legal_last_name="Marsh"
    )
    assert Assignment.objects.get(youth=youth).worker == personas.worker2


def test_partner_cannot_create(personas):
    with pytest.raises(PermissionDenied):
        services.youth_create(actor=personas.partner, legal_first_name="A", legal_last_name="B")


def test_stale_edit_is_refused_and_changes_nothing(personas):
    youth = _create(personas)
    services.youth_update(actor=personas.worker, youth=youth, version=1, preferred_name="Birdie")
    with pytest.raises(StaleEditError):
        services.youth_update(actor=personas.worker, youth=youth, version=1, preferred_name="Robin")
    youth.refresh_from_db()
    assert youth.preferred_name == "Birdie" and youth.version == 2


def test_update_reindexes_names(personas):
    youth = _create(personas)
    services.youth_update(actor=personas.worker, youth=youth, version=1, preferred_name="Birdie")
    assert [h.youth_id for h in youth_search(user=personas.worker, query="Birdie Calloway")] == [youth.pk]


def test_alias_add_and_remove_keep_the_search_in_step(personas):
    youth = _create(personas)
    alias = services.alias_add(actor=personas.worker, youth=youth, name="Sparrow", kind="street")
    assert [h.youth_id for h in youth_search(user=personas.worker, query="Sparrow")] == [youth.pk]
    with pytest.raises(ApplicationError):
        services.alias_add(actor=personas.worker, youth=youth, name="sparrow", kind="aka")
    services.alias_remove(actor=personas.worker, youth=youth, alias_id=alias.pk)
    assert youth_search(user=personas.worker, query="Sparrow") == []
    assert AuditEvent.objects.filter(action__in=["alias.create", "alias.delete"], youth_id=youth.pk).count() == 2


def test_alias_add_refused_to_other_worker(personas):
    with pytest.raises(PermissionDenied):
        services.alias_add(actor=personas.worker2, youth=personas.youth, name="X", kind="aka")


def test_placement_in_a_group_home_needs_a_facility_and_creates_it_by_name(personas):
    youth = _create(personas)
    with pytest.raises(ApplicationError) as err:
        services.placement_add(
            actor=personas.worker, youth=youth, placement_type="group_home", start=dt.date(2025, 3, 1)
        )
    assert err.value.field == "facility_name"
    first = services.placement_add(
        actor=personas.worker,
        youth=youth,
        placement_type="group_home",
        start=dt.date(2025, 3, 1),
        facility_name="Cedar House",
    )
    assert first.facility is not None and first.facility.name == "Cedar House"
    second = services.placement_add(
        actor=personas.worker,
        youth=youth,
        placement_type="shelter",
        start=dt.date(2025, 5, 1),
        facility_name="cedar house",
    )
    first.refresh_from_db()
    assert first.end == dt.date(2025, 4, 30)
    assert second.facility_id == first.facility_id


def test_placement_end_validates_dates(personas):
    youth = _create(personas)
    placement = services.placement_add(
        actor=personas.worker, youth=youth, placement_type="relative", start=dt.date(2025, 3, 1)
    )
    with pytest.raises(ApplicationError):
        services.placement_end(actor=personas.worker, youth=youth, placement_id=placement.pk, end=dt.date(2025, 2, 1))
    services.placement_end(actor=personas.worker, youth=youth, placement_id=placement.pk, end=dt.date(2025, 4, 1))
    assert Placement.objects.get(pk=placement.pk).end == dt.date(2025, 4, 1)
    with pytest.raises(ApplicationError):
        services.placement_end(actor=personas.worker, youth=youth, placement_id=placement.pk, end=dt.date(2025, 5, 1))


@time_machine.travel(dt.datetime(2026, 3, 10, 18, 0, tzinfo=dt.UTC), tick=False)
def test_reassign_ends_the_current_assignment_and_moves_access(personas):
    assignment = services.youth_reassign(actor=personas.supervisor, youth=personas.youth, worker=personas.worker2)
    assert assignment.start == dt.date(2026, 3, 10)
    old = Assignment.objects.get(youth=personas.youth, worker=personas.worker)
    assert old.end == dt.date(2026, 3, 9)
    with pytest.raises(Http404):
        youth_get_for_user(user=personas.worker, pk=personas.youth.pk)
    assert youth_get_for_user(user=personas.worker2, pk=personas.youth.pk) == personas.youth


def test_reassign_refuses_a_worker_of_another_unit_and_non_supervisors(personas):
    with pytest.raises(ApplicationError):
        services.youth_reassign(actor=personas.supervisor, youth=personas.youth, worker=personas.other_unit_worker)
    with pytest.raises(PermissionDenied):
        services.youth_reassign(actor=personas.worker, youth=personas.youth, worker=personas.worker2)


def test_break_glass_grants_24_hours_audited_and_tells_the_supervisor_once(personas):
    start = dt.datetime(2026, 3, 10, 18, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        with pytest.raises(Http404):
            youth_get_for_user(user=personas.other_unit_worker, pk=personas.youth.pk)
        grant = services.break_glass_open(
            actor=personas.other_unit_worker,
            youth=personas.youth,
            reason="Youth at the shelter tonight, need contacts.",
        )
        assert grant.expires_at == start + dt.timedelta(hours=24)
        assert youth_get_for_user(user=personas.other_unit_worker, pk=personas.youth.pk) == personas.youth
        assert AuditEvent.objects.filter(action="youth.break_glass", youth_id=personas.youth.pk).count() == 1
        notes = Notification.objects.filter(kind="break_glass")
        assert [n.recipient for n in notes] == [personas.supervisor]
    with time_machine.travel(start + dt.timedelta(hours=23, minutes=59), tick=False):
        assert youth_get_for_user(user=personas.other_unit_worker, pk=personas.youth.pk) == personas.youth
    with time_machine.travel(start + dt.timedelta(hours=24, seconds=1), tick=False), pytest.raises(Http404):
        youth_get_for_user(user=personas.other_unit_worker, pk=personas.youth.pk)


def test_break_glass_refuses_non_workers_short_reasons_and_other_agencies(personas):
    with pytest.raises(PermissionDenied):
        services.break_glass_open(actor=personas.supervisor, youth=personas.youth2, reason="x" * 30)
    with pytest.raises(PermissionDenied):
        services.break_glass_open(actor=personas.coordinator, youth=personas.youth2, reason="x" * 30)
    with pytest.raises(ApplicationError):
        services.break_glass_open(actor=personas.worker, youth=personas.youth2, reason="because")
    with pytest.raises(PermissionDenied):
        services.break_glass_open(actor=personas.worker, youth=personas.other_agency_youth, reason="x" * 30)


def test_search_finds_only_visible_youth_but_duplicates_see_the_agency(personas):
    youth = _create(personas, legal_first_name="Alexandra", legal_last_name="Marchetti")
    assert [h.youth_id for h in youth_search(user=personas.worker, query="Alex Marchetti")] == [youth.pk]
    assert youth_search(user=personas.worker2, query="Alex Marchetti") == []
    assert [h.youth_id for h in duplicate_candidates(agency_id=personas.agency.pk, query="Marchetti Alexandra")] == [
        youth.pk
    ]
    assert duplicate_candidates(agency_id=personas.other_agency.pk, query="Alexandra Marchetti") == []
