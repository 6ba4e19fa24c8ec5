"""Issue 14 items 10 and 11 (care): plan dates are bounded, and a refused write is audited as refused.

- A due date of 9999-12-31 overflowed in `rules.due_at_for_date` (a 500): dates more than 100 years from
  today are now a field message, on the page and in the API.
- A refused service write left an audit row `care.service_create` / `care.service_update` with outcome
  "ok" (the record door's row, under the write's name): the door now audits `care.plan_edit`, and the
  write's own action is "ok" only when the service wrote it, else "failed" or "denied".
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from safeharbor import permissions
from safeharbor.audit.models import AuditEvent
from safeharbor.care import rules
from safeharbor.care.models import ServiceItem

UTC = ZoneInfo("UTC")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 3, 20, 18, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def item(personas: Any) -> ServiceItem:
    return ServiceItem.objects.create(
        agency=personas.agency, youth=personas.youth, kind="long_term", category="housing", owner=personas.worker
    )


def _rows(action: str) -> list[tuple[str, dict[str, Any]]]:
    return [(e.outcome, e.detail) for e in AuditEvent.objects.filter(action=action).order_by("seq")]


def test_date_in_range_is_within_100_years():
    today = dt.date(2026, 3, 20)
    assert rules.date_in_range(value=dt.date(2126, 3, 19), today=today)
    assert rules.date_in_range(value=dt.date(1926, 3, 21), today=today)
    assert not rules.date_in_range(value=dt.date(9999, 12, 31), today=today)
    assert not rules.date_in_range(value=dt.date(1, 1, 1), today=today)


@pytest.mark.parametrize("due_on", ["9999-12-31", "2127-01-01"])
def test_api_due_date_far_ahead_is_a_field_error_not_a_500(personas, login, due_on):
    client = login(personas.worker)
    client.raise_request_exception = False
    url = reverse("api:care-youth-services", kwargs={"youth_id": personas.youth.pk})
    response = client.post(url, {"category": "housing", "due_on": due_on}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"due_on": [rules.DATE_RANGE_MESSAGE]}
    assert not ServiceItem.objects.filter(youth=personas.youth).exists()
    assert _rows("care.service_create") == [("failed", {"fields": ["due_on"]})]


def test_page_due_date_far_ahead_is_a_field_error_not_a_500(personas, login):
    client = login(personas.worker)
    client.raise_request_exception = False
    url = reverse("care:service_add", kwargs={"youth_id": personas.youth.pk})
    response = client.post(url, {"category": "housing", "due_on": "9999-12-31"})
    assert response.status_code == 400
    assert rules.DATE_RANGE_MESSAGE in response.content.decode()
    assert not ServiceItem.objects.filter(youth=personas.youth).exists()


def test_effective_date_far_back_is_a_field_error(personas, login, item):
    client = login(personas.worker)
    client.raise_request_exception = False
    url = reverse("api:care-service", kwargs={"pk": item.pk})
    response = client.patch(url, {"status": "completed", "effective_on": "0001-01-01"}, content_type="application/json")
    assert response.status_code == 400 and response.json() == {"effective_on": [rules.DATE_RANGE_MESSAGE]}
    page = login(personas.worker).post(
        reverse("care:service_detail", kwargs={"pk": item.pk}), {"status": "completed", "effective_on": "0001-01-01"}
    )
    assert page.status_code == 400 and rules.DATE_RANGE_MESSAGE in page.content.decode()
    item.refresh_from_db()
    assert item.status == "needed"


def test_a_due_date_within_range_still_works(personas, login):
    client = login(personas.worker)
    url = reverse("api:care-youth-services", kwargs={"youth_id": personas.youth.pk})
    response = client.post(url, {"category": "housing", "due_on": "2026-04-01"}, content_type="application/json")
    assert response.status_code == 201
    # One "ok" row for the write (the service's), and the door's access row under its own name.
    assert _rows("care.service_create") == [("ok", {"kind": "long_term", "category": "housing", "partner_id": None})]
    assert [e.outcome for e in AuditEvent.objects.filter(action="care.plan_edit")] == ["ok"]


def test_a_write_the_service_refuses_is_audited_as_failed_never_ok(personas, login):
    client = login(personas.worker)
    api = reverse("api:care-youth-services", kwargs={"youth_id": personas.youth.pk})
    response = client.post(api, {"category": "housing", "due_on": "2026-03-01"}, content_type="application/json")
    assert response.status_code == 400 and "past" in response.json()["due_on"][0]
    page = reverse("care:service_add", kwargs={"youth_id": personas.youth.pk})
    response = client.post(page, {"category": "housing", "due_on": "2026-03-01"})
    assert response.status_code == 400
    response = client.post(page, {"category": "no-such-category"})
    assert response.status_code == 400
    assert not ServiceItem.objects.exists()
    assert _rows("care.service_create") == [
        ("failed", {"fields": ["due_on"]}),
        ("failed", {"fields": ["due_on"]}),
        ("failed", {"fields": ["category"]}),
    ]


def test_an_update_the_service_refuses_is_audited_as_failed(personas, login, item):
    client = login(personas.worker)
    api = reverse("api:care-service", kwargs={"pk": item.pk})
    response = client.patch(api, {"status": "completed", "effective_on": "2026-04-01"}, content_type="application/json")
    assert response.status_code == 400
    response = client.patch(api, {"status": "bogus"}, content_type="application/json")
    assert response.status_code == 400
    page = reverse("care:service_detail", kwargs={"pk": item.pk})
    response = client.post(page, {"status": "completed", "effective_on": "2026-04-01"})
    assert response.status_code == 400
    assert _rows("care.service_update") == [
        ("failed", {"fields": ["effective_on"]}),
        ("failed", {"fields": ["status"]}),
        ("failed", {"fields": ["effective_on"]}),
    ]
    event = AuditEvent.objects.filter(action="care.service_update").first()
    assert event is not None and event.object_type == "care.serviceitem" and event.object_id == str(item.pk)
    item.refresh_from_db()
    assert item.status == "needed"


def test_a_write_the_service_denies_is_audited_as_denied_once(personas, login, item, monkeypatch):
    """The door lets the worker in; the service's own check says no (a 403): one "denied" row, no "ok"."""
    monkeypatch.setattr(permissions, "can_plan_services", lambda user, youth: False)
    client = login(personas.worker)
    api = reverse("api:care-youth-services", kwargs={"youth_id": personas.youth.pk})
    assert client.post(api, {"category": "housing"}, content_type="application/json").status_code == 403
    api = reverse("api:care-service", kwargs={"pk": item.pk})
    assert client.patch(api, {"notes": "x"}, content_type="application/json").status_code == 403
    page = reverse("care:service_add", kwargs={"youth_id": personas.youth.pk})
    assert client.post(page, {"category": "housing"}).status_code == 403
    assert _rows("care.service_create") == [("denied", {"fields": []}), ("denied", {"fields": []})]
    assert _rows("care.service_update") == [("denied", {"fields": []})]
    assert not AuditEvent.objects.filter(action="access.denied").exists()  # not audited twice
