"""The screening doors (issue 15, finding 1): a screening through the youth's door, and an indicator
definition of the agency's catalogue."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404
from django.urls import reverse

from safeharbor.audit.models import AuditEvent
from safeharbor.core.testing import factories as f
from safeharbor.screening import selectors
from safeharbor.screening.services import indicator_catalogue_ensure, screening_start


def _denied(action: str, pk: int, actor: Any) -> bool:
    return AuditEvent.objects.filter(action=action, outcome="denied", object_id=str(pk), actor_id=actor.pk).exists()


def test_screening_door_read_and_write(personas):
    screening = screening_start(actor=personas.worker, youth=personas.youth)
    read = selectors.screening_get_for_user(user=personas.manager, pk=screening.pk)
    assert read == screening and read.youth == personas.youth
    assert selectors.screening_get_for_user(user=personas.worker, pk=screening.pk, write=True) == screening
    assert AuditEvent.objects.filter(action="screening.view", outcome="ok", youth_id=personas.youth.pk).exists()
    assert AuditEvent.objects.filter(action="screening.edit", outcome="ok", youth_id=personas.youth.pk).exists()


@pytest.mark.parametrize("name", ["worker2", "other_unit_worker", "other_agency_worker", "partner"])
def test_screening_door_others_are_a_404_audited(personas, name):
    screening = screening_start(actor=personas.worker, youth=personas.youth)
    user = getattr(personas, name)
    with pytest.raises(Http404):
        selectors.screening_get_for_user(user=user, pk=screening.pk)
    assert _denied("screening.view", screening.pk, user)


def test_screening_door_write_needs_the_youth_write_scope(personas):
    screening = screening_start(actor=personas.worker, youth=personas.youth)
    with pytest.raises(Http404):
        selectors.screening_get_for_user(user=personas.manager, pk=screening.pk, write=True)
    assert _denied("screening.edit", screening.pk, personas.manager)


def test_screening_page_of_another_agency_is_a_404_audited(personas, login):
    screening = screening_start(actor=personas.worker, youth=personas.youth)
    client = login(personas.other_agency_worker)
    assert client.get(reverse("screening:detail", kwargs={"pk": screening.pk})).status_code == 404
    assert _denied("screening.view", screening.pk, personas.other_agency_worker)


def test_indicator_door(personas):
    definition = indicator_catalogue_ensure(agency=personas.agency)[0]
    assert selectors.indicator_get_for_user(user=personas.admin, pk=definition.pk, write=True) == definition
    assert selectors.indicator_get_for_user(user=personas.worker, pk=definition.pk) == definition
    assert AuditEvent.objects.filter(action="screening.indicator_edit", outcome="ok").exists()
    with pytest.raises(Http404):
        selectors.indicator_get_for_user(user=personas.worker, pk=definition.pk, write=True)
    assert _denied("screening.indicator_edit", definition.pk, personas.worker)


def test_indicator_door_another_agencys_admin(personas):
    definition = indicator_catalogue_ensure(agency=personas.agency)[0]
    other_admin = f.UserFactory(username="otheradmin", agency=personas.other_agency, roles=["admin"])
    with pytest.raises(Http404):
        selectors.indicator_get_for_user(user=other_admin, pk=definition.pk, write=True)
    assert _denied("screening.indicator_edit", definition.pk, other_admin)


@pytest.mark.parametrize("door", [selectors.screening_get_for_user, selectors.indicator_get_for_user])
def test_screening_doors_refuse_a_pk_that_is_not_an_int(personas, door):
    with pytest.raises(Http404):
        door(user=personas.admin, pk="abc")
