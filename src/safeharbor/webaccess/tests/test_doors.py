"""The website-access doors (issue 15, finding 1): access request and catalogue site."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from safeharbor.audit.models import AuditEvent
from safeharbor.core.testing import factories as f
from safeharbor.webaccess import selectors
from safeharbor.webaccess.models import AccessRequest, Site
from safeharbor.webaccess.services import site_catalogue_seed


def _site(p: Any, agency: Any = None) -> Site:
    agency = agency or p.agency
    site_catalogue_seed(agency=agency)
    return Site.objects.filter(agency=agency).order_by("id").first()  # type: ignore[return-value]


def _request(p: Any) -> AccessRequest:
    return AccessRequest.objects.create(
        agency=p.agency,
        youth=p.youth,
        site=_site(p),
        requested_by=p.worker,
        requested_at=timezone.now(),
        reason="The youth mentioned ads on this site.",
    )


def _denied(action: str, pk: int, actor: Any) -> bool:
    return AuditEvent.objects.filter(action=action, outcome="denied", object_id=str(pk), actor_id=actor.pk).exists()


def test_request_door_requester_manager_coordinator(personas):
    req = _request(personas)
    for user in (personas.worker, personas.manager, personas.coordinator):
        assert selectors.request_get_for_user(user=user, pk=req.pk) == req
    rows = AuditEvent.objects.filter(action="webaccess.request_view", outcome="ok", object_id=str(req.pk))
    assert rows.count() == 3
    assert {row.youth_id for row in rows} == {personas.youth.pk}
    assert selectors.request_get_for_user(user=personas.manager, pk=req.pk, write=True) == req


@pytest.mark.parametrize("name", ["worker2", "supervisor", "other_agency_worker", "auditor"])
def test_request_door_others_are_a_404_audited(personas, name):
    req = _request(personas)
    user = getattr(personas, name)
    with pytest.raises(Http404):
        selectors.request_get_for_user(user=user, pk=req.pk)
    assert _denied("webaccess.request_view", req.pk, user)


def test_request_door_write_is_for_managers(personas):
    req = _request(personas)
    with pytest.raises(Http404):
        selectors.request_get_for_user(user=personas.coordinator, pk=req.pk, write=True)
    assert _denied("webaccess.request_edit", req.pk, personas.coordinator)
    other_manager = f.UserFactory(username="othermanager", agency=personas.other_agency, roles=["manager"])
    with pytest.raises(Http404):
        selectors.request_get_for_user(user=other_manager, pk=req.pk, write=True)
    assert _denied("webaccess.request_edit", req.pk, other_manager)


def test_site_door(personas):
    site = _site(personas)
    assert selectors.site_get_for_user(user=personas.admin, pk=site.pk, write=True) == site
    assert selectors.site_get_for_user(user=personas.worker, pk=site.pk) == site
    assert AuditEvent.objects.filter(action="webaccess.site_edit", outcome="ok", object_id=str(site.pk)).exists()
    with pytest.raises(Http404):
        selectors.site_get_for_user(user=personas.worker, pk=site.pk, write=True)
    assert _denied("webaccess.site_edit", site.pk, personas.worker)


def test_site_door_another_agencys_admin(personas, login):
    site = _site(personas)
    other_admin = f.UserFactory(username="otheradmin", agency=personas.other_agency, roles=["admin"])
    with pytest.raises(Http404):
        selectors.site_get_for_user(user=other_admin, pk=site.pk, write=True)
    assert _denied("webaccess.site_edit", site.pk, other_admin)
    client = login(other_admin)
    assert client.get(reverse("webaccess:site_edit", kwargs={"pk": site.pk})).status_code == 404


def test_site_door_inactive_only_for_admins(personas):
    site = _site(personas)
    Site.objects.filter(pk=site.pk).update(is_active=False)
    with pytest.raises(Http404):
        selectors.site_get_for_user(user=personas.worker, pk=site.pk)
    assert selectors.site_get_for_user(user=personas.admin, pk=site.pk).pk == site.pk


@pytest.mark.parametrize("door", [selectors.request_get_for_user, selectors.site_get_for_user])
def test_webaccess_doors_refuse_a_pk_that_is_not_an_int(personas, door):
    with pytest.raises(Http404):
        door(user=personas.admin, pk="abc")
