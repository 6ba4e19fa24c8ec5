"""Auditor pages: search, pagination, CSV export; every read of the log is itself audited."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeharbor.audit.models import AuditEvent
from safeharbor.audit.panels import auditor_panel
from safeharbor.audit.services import audit_record
from safeharbor.audit.tests.helpers import bulk_events
from safeharbor.audit.verify import chain_verify
from safeharbor.core.exports import spreadsheet_safe

pytestmark = pytest.mark.django_db


def _search(client: Any, **params: Any) -> Any:
    return client.get(reverse("audit:search"), params)


def _last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-seq").first()


def test_search_is_audited_with_filter_codes_not_values(personas, login):
    client = login(personas.auditor)
    response = _search(client, actor="worker", youth=personas.youth.pk, outcome="ok")
    assert response.status_code == 200
    event = _last("audit.search")
    assert event.actor_id == personas.auditor.pk
    assert event.detail == {"filters": ["actor", "outcome", "youth"]}
    assert "worker" not in str(event.detail) and str(personas.youth.pk) not in str(event.detail)
    assert event.youth_id is None


def test_every_page_view_is_audited(personas, login):
    bulk_events(120, agency_id=personas.agency.pk)
    client = login(personas.auditor)
    for page in (1, 2, 3):
        assert client.get(reverse("audit:search"), {"page": page}).status_code == 200
    assert AuditEvent.objects.filter(action="audit.search", actor_id=personas.auditor.pk).count() == 3
    assert chain_verify(check_anchors=False).ok  # the generated events are dated long before any export


def test_filters(personas, login):
    audit_record(actor=personas.worker, action="youth.view", obj=personas.youth)
    audit_record(actor=personas.worker2, action="youth.view", obj=personas.youth2)
    audit_record(actor=personas.worker, action="youth.edit", obj=personas.youth)
    audit_record(actor=personas.worker, action="access.denied", outcome="denied")
    audit_record(actor=personas.other_agency_worker, action="youth.view", obj=personas.other_agency_youth)
    client = login(personas.auditor)

    def seqs(**params: Any) -> set[str]:
        response = _search(client, **params)
        assert response.status_code == 200
        return {
            e.action + ":" + str(e.actor_id) for e in response.context["page"].object_list if e.action != "audit.search"
        }

    assert seqs(actor="worker") == {
        f"youth.view:{personas.worker.pk}",
        f"youth.edit:{personas.worker.pk}",
        f"access.denied:{personas.worker.pk}",
    }
    assert seqs(actor="WORKER2") == {f"youth.view:{personas.worker2.pk}"}
    assert seqs(youth=personas.youth.pk) == {f"youth.view:{personas.worker.pk}", f"youth.edit:{personas.worker.pk}"}
    assert seqs(action="youth.view") == {f"youth.view:{personas.worker.pk}", f"youth.view:{personas.worker2.pk}"}
    assert seqs(action="youth.") == {
        f"youth.view:{personas.worker.pk}",
        f"youth.view:{personas.worker2.pk}",
        f"youth.edit:{personas.worker.pk}",
    }
    assert seqs(outcome="denied") == {f"access.denied:{personas.worker.pk}"}
    # Another agency's events are never shown.
    assert seqs(actor="otherworker") == set()


def test_date_range_uses_the_agency_calendar(personas, login):
    # 07:30 UTC on 1 March is 23:30 on 28 February in Los Angeles.
    bulk_events(1, at=datetime(2026, 3, 1, 7, 30, tzinfo=UTC), agency_id=personas.agency.pk, action="late.evening")
    bulk_events(1, at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC), agency_id=personas.agency.pk, action="early.morning")
    client = login(personas.auditor)

    def actions(**params: Any) -> set[str]:
        page = _search(client, **params).context["page"]
        return {e.action for e in page.object_list if e.action != "audit.search"}

    assert actions(date_from="2026-02-28", date_to="2026-02-28") == {"late.evening"}
    assert actions(date_from="2026-03-01", date_to="2026-03-01") == {"early.morning"}


@pytest.mark.parametrize(
    "params, field",
    [
        ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_to"),
        ({"youth": "abc"}, "youth"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"action": "DROP TABLE;"}, "action"),
        ({"outcome": "maybe"}, "outcome"),
    ],
)
def test_bad_filters_are_a_400_with_a_field_message(personas, login, params, field):
    client = login(personas.auditor)
    response = _search(client, **params)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert b"usa-error-message" in response.content
    event = _last("audit.search")
    assert event.outcome == "failed"
    assert event.detail == {"filters": sorted(params)} or set(event.detail["filters"]) <= {*params, "youth"}
    export = client.get(reverse("audit:export"), params)
    assert export.status_code == 400


def test_search_runs_the_same_number_of_queries_with_10_and_500_events(personas, login):
    client = login(personas.auditor)
    bulk_events(
        10, agency_id=personas.agency.pk, actor_id=personas.worker.pk, action="youth.view", youth_id=personas.youth.pk
    )
    client.get(reverse("audit:search"))  # warm caches (user, agency)
    with CaptureQueriesContext(connection) as small:
        assert _search(client).status_code == 200
    bulk_events(
        490,
        agency_id=personas.agency.pk,
        actor_id=personas.worker2.pk,
        action="youth.view",
        youth_id=personas.youth2.pk,
    )
    with CaptureQueriesContext(connection) as large:
        response = _search(client, page=3)
        assert response.status_code == 200
    assert len(response.context["page"].object_list) == 50
    assert len(small.captured_queries) == len(large.captured_queries)


def test_page_shows_actor_names_and_youth_ids_never_youth_names(personas, login):
    audit_record(actor=personas.worker, action="youth.view", obj=personas.youth)
    response = _search(login(personas.auditor), action="youth.view")
    text = response.content.decode()
    assert personas.worker.last_name in text and "worker" in text
    assert f"<td>{personas.youth.pk}</td>" in text
    assert personas.youth.legal_last_name not in text
    assert personas.youth.legal_first_name not in text


def _csv(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_export_streams_csv_of_the_filtered_events_and_is_audited(personas, login):
    audit_record(actor=personas.worker, action="youth.view", obj=personas.youth)
    audit_record(actor=personas.worker2, action="youth.view", obj=personas.youth2)
    client = login(personas.auditor)
    response = client.get(reverse("audit:export"), {"actor": "worker2"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:3] == ["seq", "time", "actor_username"]
    assert [(r[2], r[4], r[8]) for r in rows[1:]] == [("worker2", "youth.view", str(personas.youth2.pk))]
    event = _last("audit.export")
    assert event.actor_id == personas.auditor.pk and event.detail == {"filters": ["actor"]}
    assert personas.youth2.legal_last_name not in str(rows)


def test_export_is_safe_against_spreadsheet_formulas(personas, login):
    personas.worker.first_name = '=HYPERLINK("http://example.test")'
    personas.worker.last_name = "+1"
    personas.worker.save()
    audit_record(actor=personas.worker, action="youth.view", obj=personas.youth)
    rows = _csv(login(personas.auditor).get(reverse("audit:export"), {"action": "youth.view"}))
    name_cell = rows[1][3]
    assert name_cell.startswith("'=")
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_spreadsheet_safe_prefixes_formula_starts(value):
    assert spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["youth.view", "42", "", None, "a=b"])
def test_spreadsheet_safe_leaves_plain_cells(value):
    assert spreadsheet_safe(value) == ("" if value is None else value)


def test_export_query_count_does_not_grow(personas, login):
    client = login(personas.auditor)
    bulk_events(5, agency_id=personas.agency.pk, actor_id=personas.worker.pk)
    with CaptureQueriesContext(connection) as small:
        _csv(client.get(reverse("audit:export")))
    bulk_events(300, agency_id=personas.agency.pk, actor_id=personas.worker.pk)
    with CaptureQueriesContext(connection) as large:
        rows = _csv(client.get(reverse("audit:export")))
    assert len(rows) > 300
    assert len(small.captured_queries) == len(large.captured_queries)


def _panel_request(rf: Any, user: Any) -> Any:
    request = rf.get("/")
    request.user = user
    return request


def test_auditor_home_panel_counts_denials_and_burst_alerts(personas, rf):
    audit_record(actor=personas.worker, action="access.denied", outcome="denied")
    audit_record(actor=personas.worker, action="youth.view", outcome="denied", object_type="youth.youth", object_id=9)
    audit_record(
        actor=None,
        action="audit.burst_alert",
        agency_id=personas.agency.pk,
        object_type="accounts.user",
        object_id=personas.worker.pk,
    )
    bulk_events(3, at=datetime(2020, 1, 1, tzinfo=UTC), agency_id=personas.agency.pk, outcome="denied")  # long ago
    panel = auditor_panel(_panel_request(rf, personas.auditor))
    assert panel is not None
    assert panel["denials"] == 2 and panel["burst_alerts"] == 1
    html = render_to_string(panel["template"], {"panel": panel})
    assert "2 access denials" in html and "1 burst alert" in html
    assert "outcome=denied" in panel["denials_url"]


def test_home_panel_is_only_for_auditors(personas, rf):
    for persona in ("worker", "supervisor", "coordinator", "manager", "partner", "admin"):
        assert auditor_panel(_panel_request(rf, getattr(personas, persona))) is None, persona
