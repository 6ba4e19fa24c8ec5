"""The care doors (issue 15, finding 1): partner organisation and service item. The service item has
one door, used by the pages and the API alike."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from safeharbor.audit.models import AuditEvent
from safeharbor.care import selectors
from safeharbor.care.models import ServiceItem
from safeharbor.core.testing import factories as f


def _item(p: Any, youth: Any = None, owner: Any = None) -> ServiceItem:
    youth = youth or p.youth
    return ServiceItem.objects.create(
        agency_id=youth.agency_id, youth=youth, kind="long_term", category="housing", owner=owner or p.worker
    )


def _denied(action: str, pk: int, actor: Any) -> bool:
    return AuditEvent.objects.filter(action=action, outcome="denied", object_id=str(pk), actor_id=actor.pk).exists()


# --- Partner organisation ---------------------------------------------------------------------


def test_partner_door_opens_the_agencys_entry(personas):
    org_id = personas.partner.partner_organisation_id
    assert selectors.partner_get_for_user(user=personas.worker, pk=org_id).pk == org_id
    assert selectors.partner_get_for_user(user=personas.coordinator, pk=org_id, write=True).pk == org_id
    assert AuditEvent.objects.filter(action="care.partner_view", outcome="ok", object_id=str(org_id)).exists()
    assert AuditEvent.objects.filter(action="care.partner_edit", outcome="ok", object_id=str(org_id)).exists()


def test_partner_door_another_agency_is_a_404_audited(personas):
    org_id = personas.partner.partner_organisation_id
    with pytest.raises(Http404):
        selectors.partner_get_for_user(user=personas.other_agency_worker, pk=org_id)
    assert _denied("care.partner_view", org_id, personas.other_agency_worker)


def test_partner_door_write_only_for_those_who_maintain_it(personas):
    org_id = personas.partner.partner_organisation_id
    with pytest.raises(Http404):
        selectors.partner_get_for_user(user=personas.worker, pk=org_id, write=True)
    assert _denied("care.partner_edit", org_id, personas.worker)


def test_partner_door_inactive_entry_only_for_maintainers(personas):
    org = f.PartnerOrganisationFactory(agency=personas.agency, name="Closed Fictional Clinic", is_active=False)
    with pytest.raises(Http404):
        selectors.partner_get_for_user(user=personas.worker, pk=org.pk)
    assert selectors.partner_get_for_user(user=personas.admin, pk=org.pk) == org


# --- Service item -----------------------------------------------------------------------------


def test_service_item_door_read_and_write(personas):
    item = _item(personas)
    read = selectors.service_item_get_for_user(user=personas.manager, pk=item.pk)
    assert read == item and read.youth == personas.youth
    write = selectors.service_item_get_for_user(user=personas.worker, pk=str(item.pk), write=True)
    assert write == item
    # The opening is audited by the youth's door, under the service actions.
    assert AuditEvent.objects.filter(action="care.service_view", outcome="ok", youth_id=personas.youth.pk).exists()
    assert AuditEvent.objects.filter(action="care.plan_edit", outcome="ok", youth_id=personas.youth.pk).exists()


@pytest.mark.parametrize("name", ["worker2", "other_unit_worker", "other_agency_worker"])
def test_service_item_door_others_are_a_404_audited(personas, name):
    item = _item(personas)
    user = getattr(personas, name)
    with pytest.raises(Http404):
        selectors.service_item_get_for_user(user=user, pk=item.pk)
    assert _denied("care.service_view", item.pk, user)


def test_service_item_door_write_needs_the_youth_write_scope(personas):
    item = _item(personas)
    with pytest.raises(Http404):
        selectors.service_item_get_for_user(user=personas.manager, pk=item.pk, write=True)
    assert _denied("care.plan_edit", item.pk, personas.manager)


@pytest.mark.parametrize("name", ["partner", "auditor", "admin"])
def test_service_item_door_checks_caseload_pages(personas, name):
    item = _item(personas)
    with pytest.raises(PermissionDenied):
        selectors.service_item_get_for_user(user=getattr(personas, name), pk=item.pk)


def test_service_item_door_refuses_a_pk_that_is_not_an_int(personas):
    with pytest.raises(Http404):
        selectors.service_item_get_for_user(user=personas.worker, pk="abc")


def test_page_and_api_share_the_door(personas, login):
    """Another agency's item is the same audited 404 on the page and in the API."""
    item = _item(personas, youth=personas.other_agency_youth, owner=personas.other_agency_worker)
    client = login(personas.worker)
    assert client.get(reverse("care:service_detail", kwargs={"pk": item.pk})).status_code == 404
    assert client.get(reverse("api:care-service", kwargs={"pk": item.pk})).status_code == 404
    assert AuditEvent.objects.filter(action="care.service_view", outcome="denied", object_id=str(item.pk)).count() == 2
