"""The shared door helper (core/doors.py): one 404 for missing and forbidden, both outcomes audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from safeharbor.agency.models import Agency
from safeharbor.audit.models import AuditEvent
from safeharbor.core.doors import NOT_HERE, get_for_user_or_404, pk_or_404


def _own_agency(user: Any) -> Any:
    return Agency.objects.filter(pk=user.agency_id)


def _door(user: Any, pk: Any, **kwargs: Any) -> Any:
    return get_for_user_or_404(
        user=user, queryset=_own_agency(user), pk=pk, action="test.open", object_type="agency.agency", **kwargs
    )


def test_permitted_row_is_returned_and_audited_ok(personas):
    agency = _door(personas.worker, str(personas.agency.pk), youth_id_of=lambda obj: None)
    assert agency == personas.agency
    event = AuditEvent.objects.get(action="test.open")
    assert (event.outcome, event.object_type, event.object_id) == ("ok", "agency.agency", str(agency.pk))
    assert event.actor_id == personas.worker.pk


def test_youth_id_of_is_written_on_the_ok_row(personas):
    _door(personas.worker, personas.agency.pk, youth_id_of=lambda obj: personas.youth.pk)
    assert AuditEvent.objects.get(action="test.open").youth_id == personas.youth.pk


def test_forbidden_and_missing_are_the_same_404_and_audited_denied(personas):
    messages = []
    for pk in (personas.other_agency.pk, 987654):
        with pytest.raises(Http404) as caught:
            _door(personas.worker, pk)
        messages.append(str(caught.value))
    assert messages == [NOT_HERE, NOT_HERE]
    denied = AuditEvent.objects.filter(action="test.open", outcome="denied").order_by("seq")
    assert [e.object_id for e in denied] == [str(personas.other_agency.pk), "987654"]
    assert {e.object_type for e in denied} == {"agency.agency"}
    assert {e.youth_id for e in denied} == {None}
    assert {e.agency_id for e in denied} == {personas.agency.pk}


@pytest.mark.parametrize("pk", ["abc", None, "1.5", "", True, object()])
def test_a_pk_that_is_not_an_int_is_a_404_and_writes_nothing(personas, pk):
    with pytest.raises(Http404):
        _door(personas.worker, pk)
    assert not AuditEvent.objects.filter(action="test.open").exists()


def test_pk_or_404():
    assert pk_or_404("12") == 12
    with pytest.raises(Http404):
        pk_or_404("x")


def test_audit_ok_false_writes_only_denials(personas):
    _door(personas.worker, personas.agency.pk, audit_ok=False)
    assert not AuditEvent.objects.filter(action="test.open").exists()
    with pytest.raises(Http404):
        _door(personas.worker, personas.other_agency.pk, audit_ok=False)
    assert AuditEvent.objects.filter(action="test.open", outcome="denied").count() == 1
