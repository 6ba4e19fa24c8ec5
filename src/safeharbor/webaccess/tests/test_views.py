from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from safeharbor.audit.models import AuditEvent
from safeharbor.core.testing import factories as f
from safeharbor.webaccess.models import AccessRequest, ResearchSession, Site
from safeharbor.webaccess.services import (
    access_request_create,
    access_request_decide,
    research_session_record,
    site_catalogue_seed,
)

UTC = ZoneInfo("UTC")
NOW = dt.datetime(2026, 5, 4, 17, 0, tzinfo=UTC)


@pytest.fixture
def setup(personas):
    site_catalogue_seed(agency=personas.agency)
    with time_machine.travel(NOW, tick=False) as traveller:
        yield personas, {s.domain: s for s in Site.objects.filter(agency=personas.agency)}, traveller


def _csv(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_request_then_decision_through_pages(setup, login, client):
    personas, sites, _ = setup
    login(personas.worker)
    url = reverse("webaccess:request_create", kwargs={"youth_id": personas.youth.pk})
    response = client.post(url, {"site": sites["craigslist.com"].pk, "reason": "Youth said ads were posted."})
    assert response.status_code == 302
    req = AccessRequest.objects.get()
    login(personas.manager)
    response = client.post(reverse("webaccess:request_decide", kwargs={"pk": req.pk}), {"decision": "approve"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == "approved" and req.decided_by == personas.manager
    login(personas.worker)
    home = client.get(reverse("webaccess:home"))
    assert [a.pk for a in home.context["approvals"]] == [req.pk]


def test_open_site_cannot_be_requested_and_field_message_shown(setup, login):
    personas, sites, _ = setup
    client = login(personas.worker)
    url = reverse("webaccess:request_create", kwargs={"youth_id": personas.youth.pk})
    # Open sites are not offered in the request form at all.
    response = client.post(url, {"site": sites["facebook.com"].pk, "reason": "Looking for contacts."})
    assert response.status_code == 400
    assert not AccessRequest.objects.exists()


def test_research_refused_with_field_message_for_other_youth(setup, login):
    personas, sites, _ = setup
    req = access_request_create(
        actor=personas.worker, youth=personas.youth, site=sites["backpage.com"], reason="Youth said ads were posted."
    )
    access_request_decide(actor=personas.manager, access_request=req, approve=True, comment="")
    second = f.YouthFactory(agency=personas.agency)
    f.AssignmentFactory(youth=second, worker=personas.worker)
    client = login(personas.worker)
    data = {"site": sites["backpage.com"].pk, "performed_at": "2026-05-04T10:00", "looked_for": "Ads"}
    response = client.post(reverse("webaccess:research", kwargs={"youth_id": second.pk}), data)
    assert response.status_code == 400
    assert "needs management approval" in response.content.decode()
    response = client.post(reverse("webaccess:research", kwargs={"youth_id": personas.youth.pk}), data)
    assert response.status_code == 302
    session = ResearchSession.objects.get()
    assert session.youth == personas.youth and session.access_request == req
    # 10:00 in Los Angeles (PDT) is 17:00 UTC.
    assert session.performed_at == dt.datetime(2026, 5, 4, 17, 0, tzinfo=UTC)


def test_self_decision_refused_on_the_page(setup, login):
    personas, sites, _ = setup
    both = f.UserFactory(agency=personas.agency, unit=personas.unit, roles=["worker", "manager"])
    f.AssignmentFactory(youth=personas.youth, worker=both)
    req = access_request_create(
        actor=both, youth=personas.youth, site=sites["backpage.com"], reason="Ads seen by youth."
    )
    client = login(both)
    response = client.post(reverse("webaccess:request_decide", kwargs={"pk": req.pk}), {"decision": "approve"})
    assert response.status_code == 400
    assert "cannot decide your own request" in response.content.decode()
    assert AccessRequest.objects.get(pk=req.pk).status == "pending"
    queue = client.get(reverse("webaccess:queue"))
    assert req.pk not in [r.pk for r in queue.context["page"].object_list]


def _activity(personas, sites, n):
    for i in range(n):
        youth = f.YouthFactory(agency=personas.agency)
        f.AssignmentFactory(youth=youth, worker=personas.worker)
        req = access_request_create(
            actor=personas.worker, youth=youth, site=sites["backpage.com"], reason="Youth said ads were posted."
        )
        access_request_decide(actor=personas.manager, access_request=req, approve=i % 2 == 0, comment="Noted.")
        research_session_record(
            actor=personas.worker,
            youth=youth,
            site=sites["facebook.com"],
            performed_at=NOW - dt.timedelta(hours=1),
            looked_for="Public posts",
        )


def test_usage_review_is_bounded_audited_and_filters(setup, login, django_assert_max_num_queries):
    personas, sites, _ = setup
    _activity(personas, sites, 2)
    client = login(personas.auditor)
    url = reverse("webaccess:review")
    with django_assert_max_num_queries(25) as small:
        response = client.get(url)
    assert response.context["requests_page"].paginator.count == 2
    assert response.context["sessions_page"].paginator.count == 2
    _activity(personas, sites, 6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
    youth_id = ResearchSession.objects.order_by("id").first().youth_id
    response = client.get(url, {"youth": youth_id, "worker": personas.worker.pk, "date_from": "2026-05-04"})
    assert response.context["sessions_page"].paginator.count == 1
    assert client.get(url, {"date_from": "2026-05-05", "date_to": "2026-05-01"}).status_code == 400
    events = AuditEvent.objects.filter(action="webaccess.review", actor_id=personas.auditor.pk)
    assert events.count() == 4
    assert "Public posts" not in str(list(events.values_list("detail", flat=True)))


def test_usage_export_is_formula_safe_and_audited(setup, login):
    personas, sites, traveller = setup
    sneaky = f.UserFactory(
        agency=personas.agency, unit=personas.unit, roles=["worker"], first_name="=HYPERLINK(1)", last_name="x"
    )
    f.AssignmentFactory(youth=personas.youth, worker=sneaky)
    req = access_request_create(actor=sneaky, youth=personas.youth, site=sites["myspace.com"], reason="Old profile.")
    access_request_decide(actor=personas.manager, access_request=req, approve=True, comment="")
    research_session_record(
        actor=sneaky, youth=personas.youth, site=sites["myspace.com"], performed_at=NOW, looked_for="Profile"
    )
    traveller.move_to(NOW + dt.timedelta(days=30))
    client = login(personas.manager)
    response = client.get(reverse("webaccess:review_export"))
    assert response.status_code == 200
    rows = _csv(response)
    assert rows[0][0] == "event"
    events = [row[0] for row in rows[1:]]
    assert events == ["request", "approved", "lapsed", "research"]
    assert all(row[3] == "'=HYPERLINK(1) x" for row in rows[1:])
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert "Old profile" not in str(rows)
    assert AuditEvent.objects.filter(action="webaccess.export", actor_id=personas.manager.pk).count() == 1


def test_research_page_bounded(setup, login, django_assert_max_num_queries):
    personas, sites, _ = setup
    client = login(personas.worker)
    url = reverse("webaccess:research", kwargs={"youth_id": personas.youth.pk})
    research_session_record(
        actor=personas.worker, youth=personas.youth, site=sites["facebook.com"], performed_at=NOW, looked_for="x"
    )
    with django_assert_max_num_queries(25) as small:
        client.get(url)
    for _ in range(5):
        research_session_record(
            actor=personas.worker, youth=personas.youth, site=sites["facebook.com"], performed_at=NOW, looked_for="x"
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
