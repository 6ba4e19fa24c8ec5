from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from safeharbor.audit.models import AuditEvent
from safeharbor.care.models import PartnerOrganisation, ServiceItem
from safeharbor.care.services import immediate_interventions_ensure, service_item_update
from safeharbor.core.testing import factories as f

UTC = ZoneInfo("UTC")
NOW = dt.datetime(2026, 3, 20, 18, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _victim(personas, worker=None, determined=dt.datetime(2026, 3, 2, 18, 0, tzinfo=UTC)):
    youth = f.YouthFactory(agency=personas.agency, csec_status="suspected_victim", csec_status_at=determined)
    f.AssignmentFactory(youth=youth, worker=worker or personas.worker)
    immediate_interventions_ensure(youth=youth, determined_at=determined, actor=worker or personas.worker)
    return youth


def test_plan_page_shows_items_and_days_to_interventions(personas, login, clock):
    youth = _victim(personas)
    items = list(ServiceItem.objects.filter(youth=youth).order_by("id"))
    clock.move_to(dt.datetime(2026, 3, 6, 18, 0, tzinfo=UTC))
    service_item_update(actor=personas.worker, item=items[0], status="completed")
    client = login(personas.worker)
    response = client.get(reverse("care:plan", kwargs={"youth_id": youth.pk}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Safe placement" in body and "Physical health exam" in body
    assert response.context["timeline"].days_to_safe_placement == 4
    assert response.context["timeline"].days_to_health_exam is None


def test_plan_query_count_is_bounded(personas, login, clock, django_assert_max_num_queries):
    youth = _victim(personas)
    client = login(personas.worker)
    url = reverse("care:plan", kwargs={"youth_id": youth.pk})
    with django_assert_max_num_queries(25) as small:
        client.get(url)
    org = PartnerOrganisation.objects.create(agency=personas.agency, name="Fictional Trust")
    for category in ("housing", "child_care", "life_skills", "legal_services", "mental_health"):
        ServiceItem.objects.create(
            agency=personas.agency, youth=youth, kind="long_term", category=category, owner=personas.worker, partner=org
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_service_detail_status_change_and_partner_link(personas, login, clock):
    youth = _victim(personas)
    item = ServiceItem.objects.get(youth=youth, category="mental_health_trauma")
    org = PartnerOrganisation.objects.create(agency=personas.agency, name="Fictional Counselling", kind="mental_health")
    client = login(personas.worker)
    url = reverse("care:service_detail", kwargs={"pk": item.pk})
    response = client.post(url, {"status": "in_progress", "partner": org.pk, "notes": "First session booked."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "in_progress" and item.partner == org and item.started_on == dt.date(2026, 3, 20)
    response = client.post(url, {"status": "completed", "effective_on": "2026-04-01", "partner": org.pk})
    assert response.status_code == 400
    assert "future" in response.content.decode()


def test_open_needs_overdue_first_filters_and_bounded(personas, login, clock, django_assert_max_num_queries):
    late = _victim(personas, determined=dt.datetime(2026, 3, 2, 18, 0, tzinfo=UTC))  # due 9 March: overdue
    fresh = _victim(personas, determined=dt.datetime(2026, 3, 19, 18, 0, tzinfo=UTC))  # due 26 March
    client = login(personas.coordinator)
    url = reverse("care:open_needs")
    with django_assert_max_num_queries(20) as small:
        response = client.get(url)
    rows = response.context["rows"]
    assert [r.youth_id for r in rows[:3]] == [late.pk] * 3
    assert all(r.overdue for r in rows[:3]) and not any(r.overdue for r in rows[3:])
    assert {r.youth_id for r in rows[3:]} == {fresh.pk}
    for _ in range(4):
        _victim(personas)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
    response = client.get(url, {"category": "housing"})
    assert response.status_code == 200 and list(response.context["rows"]) == []
    assert client.get(url, {"category": "nonsense"}).status_code == 400
    item = ServiceItem.objects.filter(youth=fresh).first()
    service_item_update(actor=personas.worker, item=item, status="completed")
    response = client.get(url)
    assert item.pk not in [r.pk for r in response.context["page"].object_list]
    assert AuditEvent.objects.filter(action="care.open_needs", actor_id=personas.coordinator.pk).exists()


def test_open_needs_excludes_other_agency(personas, login, clock):
    other = f.YouthFactory(agency=personas.other_agency, csec_status="suspected_victim")
    f.AssignmentFactory(youth=other, worker=personas.other_agency_worker)
    immediate_interventions_ensure(youth=other, determined_at=NOW, actor=personas.other_agency_worker)
    response = login(personas.coordinator).get(reverse("care:open_needs"))
    assert list(response.context["rows"]) == []


def test_partner_directory_search(personas, login):
    PartnerOrganisation.objects.create(
        agency=personas.agency, name="Fictional Housing Trust", kind="housing", city="San Jose", services=["housing"]
    )
    PartnerOrganisation.objects.create(agency=personas.agency, name="Closed Org", is_active=False)
    client = login(personas.partner)
    url = reverse("care:partner_list")
    names = lambda r: [o.name for o in r.context["page"].object_list]  # noqa: E731
    assert names(client.get(url, {"service": "housing"})) == ["Fictional Housing Trust"]
    assert names(client.get(url, {"city": "san jose"})) == ["Fictional Housing Trust"]
    assert names(client.get(url, {"kind": "housing", "q": "trust"})) == ["Fictional Housing Trust"]
    assert "Closed Org" not in names(client.get(url))
    assert "Closed Org" in names(login(personas.coordinator).get(url))
    assert client.get(url, {"kind": "bogus"}).status_code == 400


def test_partner_list_query_count_is_bounded(personas, login, django_assert_max_num_queries):
    client = login(personas.worker)
    url = reverse("care:partner_list")
    with django_assert_max_num_queries(15) as small:
        client.get(url)
    for n in range(30):
        PartnerOrganisation.objects.create(agency=personas.agency, name=f"Org {n}", services=["housing"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_api_patch_status_records_change(personas, client, clock):
    youth = _victim(personas)
    item = ServiceItem.objects.get(youth=youth, category="physical_health_exam")
    client.force_login(personas.worker, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("api:care-service", kwargs={"pk": item.pk})
    response = client.patch(url, {"status": "completed"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["completed_on"] == "2026-03-20"
    response = client.patch(url, {"status": "bogus"}, content_type="application/json")
    assert response.status_code == 400
    assert client.get(reverse("api:care-youth-services", kwargs={"youth_id": youth.pk})).json()["count"] == 3
