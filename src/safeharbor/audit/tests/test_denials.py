"""Access denials are audited: 403s by the middleware, the record door's 404s by the door itself."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from safeharbor.audit.middleware import AccessDenialAuditMiddleware
from safeharbor.audit.models import AuditEvent
from safeharbor.audit.services import audit_record
from safeharbor.youth.selectors import youth_get_for_user

pytestmark = pytest.mark.django_db


def _denials() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(outcome="denied").order_by("seq"))


def test_a_403_page_is_audited_without_the_query_string(personas, login):
    client = login(personas.worker)
    response = client.get(reverse("audit:search"), {"actor": "somebody-secret", "youth": 7})
    assert response.status_code == 403
    [event] = _denials()
    assert event.action == "access.denied"
    assert event.actor_id == personas.worker.pk and event.agency_id == personas.agency.pk
    assert event.detail == {"view": "audit:search", "method": "GET", "status": 403}
    assert "secret" not in str(event.detail) and "?" not in str(event.detail)


@pytest.mark.parametrize("persona", ["worker", "supervisor", "coordinator", "manager", "partner", "admin"])
def test_every_refused_role_is_audited_on_the_export(personas, login, persona):
    response = login(getattr(personas, persona)).get(reverse("audit:export"))
    assert response.status_code == 403
    [event] = _denials()
    assert event.actor_id == getattr(personas, persona).pk and event.detail["view"] == "audit:export"


def test_the_door_404_is_audited_once(personas, login):
    with pytest.raises(Http404):
        youth_get_for_user(user=personas.worker, pk=personas.other_unit_youth.pk)
    [event] = _denials()
    assert event.action == "youth.view" and event.object_id == str(personas.other_unit_youth.pk)


def test_a_denial_already_audited_in_the_request_is_not_audited_twice(personas):
    def view(request: Any) -> HttpResponse:
        audit_record(actor=request.user, action="youth.edit", outcome="denied")
        return HttpResponse(status=403)

    request = RequestFactory().get("/somewhere?q=x")
    request.user = personas.worker
    assert AccessDenialAuditMiddleware(view)(request).status_code == 403
    assert [e.action for e in _denials()] == ["youth.edit"]


def test_a_raised_permission_denied_is_audited(personas, settings):
    from django.core.handlers.exception import convert_exception_to_response

    def view(request: Any) -> HttpResponse:
        raise PermissionDenied

    request = RequestFactory().get("/somewhere?q=x")
    request.user = personas.partner
    response = AccessDenialAuditMiddleware(convert_exception_to_response(view))(request)
    assert response.status_code == 403
    [event] = _denials()
    assert event.action == "access.denied" and event.actor_id == personas.partner.pk


def test_allowed_requests_write_no_denial(personas, login):
    assert login(personas.auditor).get(reverse("audit:search")).status_code == 200
    assert _denials() == []
