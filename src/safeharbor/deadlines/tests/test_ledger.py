"""The duty ledger: `safeharbor duties export` (JSON Lines) and `GET /api/v1/duties/` (issue 13)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from safeharbor.audit.models import AuditEvent
from safeharbor.core.testing import factories as f
from safeharbor.deadlines import ledger
from safeharbor.deadlines.models import Deadline
from safeharbor.deadlines.services import deadline_cancel, deadline_meet, deadline_open, deadlines_sweep

pytestmark = pytest.mark.django_db

URL = "/api/v1/duties/"
LA = ZoneInfo("America/Los_Angeles")
T0 = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
KEYS = {
    "id",
    "kind",
    "youth_id",
    "subject",
    "arose_at",
    "due_at",
    "owner_id",
    "status",
    "done_at",
    "recorded_at",
    "done_by_id",
    "cancelled_at",
    "cancel_reason",
    "reminders",
    "escalations",
}
OPTIONAL_KEYS = {"on_time"}


def _duty(
    p: Any,
    *,
    kind: str = "test.duty",
    subject: Any = None,
    owner: Any = None,
    youth: Any = None,
    arose_at: datetime = T0 - timedelta(hours=22),
    due_at: datetime | None = None,
    agency: Any = None,
) -> Deadline:
    youth = youth or p.youth
    return deadline_open(
        agency_id=(agency or p.agency).pk,
        kind=kind,
        subject=subject or youth,
        title="A duty",
        due_at=due_at or arose_at + timedelta(hours=24),
        owner=owner or p.worker,
        youth_id=youth.pk,
        arose_at=arose_at,
    )


def _export(*args: str) -> list[dict[str, Any]]:
    out = StringIO()
    call_command("duties", "export", *args, stdout=out)
    text = out.getvalue()
    assert text == "" or text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


# --- The row --------------------------------------------------------------------------------------


def test_instants_are_utc_with_a_z():
    assert ledger.instant(datetime(2026, 11, 2, 8, 30, tzinfo=UTC)) == "2026-11-02T08:30:00Z"
    assert ledger.instant(datetime(2026, 11, 2, 0, 30, tzinfo=LA)) == "2026-11-02T08:30:00Z"
    assert ledger.instant(datetime(2026, 11, 2, 8, 30, 5, 250000, tzinfo=UTC)) == "2026-11-02T08:30:05.250000Z"
    assert ledger.instant(None) is None


def test_subject_labels_map_models_to_short_names():
    assert ledger.subject_label("missing.missingepisode", 12) == "missing.episode:12"
    assert ledger.subject_label("screening.screening", 3) == "screening.screening:3"
    assert ledger.subject_label("youth.youth", 4) == "youth.youth:4"
    assert ledger.subject_label("care.serviceitem", 5) == "care.service_item:5"
    assert ledger.subject_label("mdt.actionitem", 6) == "mdt.action_item:6"
    assert ledger.subject_label("other.thing", 7) == "other.thing:7"


def test_export_shape_after_a_sweep(personas):
    p = personas
    due_at = T0 + timedelta(hours=2)
    duty = _duty(p, due_at=due_at)
    with time_machine.travel(T0, tick=False):
        deadlines_sweep()  # due soon: the owner, in the app and by e-mail
    overdue_at = due_at + timedelta(hours=1, minutes=5)
    with time_machine.travel(overdue_at, tick=False):
        deadlines_sweep()  # overdue: the owner again, and the supervisor is told
        deadlines_sweep()  # a re-run adds nothing
    met = _duty(p, kind="test.met", arose_at=T0 - timedelta(hours=3), due_at=T0 + timedelta(hours=21))
    cancelled = _duty(p, kind="test.cancelled", arose_at=T0 - timedelta(hours=2))
    with time_machine.travel(overdue_at + timedelta(minutes=10), tick=False):
        deadline_meet(kind="test.met", subject=p.youth, actor=p.worker, done_at=T0 + timedelta(hours=1))
        deadline_cancel(kind="test.cancelled", subject=p.youth, actor=p.worker, reason_code="declined")

    out = StringIO()
    call_command("duties", "export", "--agency", "fictional", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    rows = [json.loads(line) for line in lines]
    for row in rows:
        assert KEYS <= set(row) <= KEYS | OPTIONAL_KEYS
    assert [r["id"] for r in rows] == [duty.pk, met.pk, cancelled.pk]  # by arose_at
    first = rows[0]
    assert first == {
        "id": duty.pk,
        "kind": "test.duty",
        "youth_id": p.youth.pk,
        "subject": f"youth.youth:{p.youth.pk}",
        "arose_at": "2026-11-01T10:30:00Z",
        "due_at": "2026-11-02T10:30:00Z",
        "owner_id": p.worker.pk,
        "status": "open",
        "on_time": None,
        "done_at": None,
        "recorded_at": None,
        "done_by_id": None,
        "cancelled_at": None,
        "cancel_reason": None,
        "reminders": [
            {"kind": "due_soon", "channel": "app", "recipient_id": p.worker.pk, "sent_at": "2026-11-02T08:30:00Z"},
            {"kind": "due_soon", "channel": "email", "recipient_id": p.worker.pk, "sent_at": "2026-11-02T08:30:00Z"},
            {"kind": "overdue", "channel": "app", "recipient_id": p.worker.pk, "sent_at": "2026-11-02T11:35:00Z"},
            {"kind": "overdue", "channel": "email", "recipient_id": p.worker.pk, "sent_at": "2026-11-02T11:35:00Z"},
        ],
        # The supervisor's in-app and e-mail rows are one escalation.
        "escalations": [{"recipient_id": p.supervisor.pk, "at": "2026-11-02T11:35:00Z"}],
    }
    assert rows[1]["status"] == "met"
    assert rows[1]["done_at"] == "2026-11-02T09:30:00Z"
    assert rows[1]["recorded_at"] == "2026-11-02T11:45:00Z"
    assert rows[1]["done_by_id"] == p.worker.pk
    assert rows[1]["on_time"] is True
    assert rows[2]["status"] == "cancelled"
    assert rows[2]["cancelled_at"] == "2026-11-02T11:45:00Z"
    assert rows[2]["cancel_reason"] == "declined"
    assert rows[2]["on_time"] is None

    event = AuditEvent.objects.filter(action="deadline.ledger_export").get()
    assert event.actor_id is None
    assert event.agency_id == p.agency.pk
    assert event.outcome == "ok"
    assert event.detail == {"count": 3, "from": None, "to": None}


def test_export_of_a_reported_episode_names_the_episode(personas):
    from safeharbor.missing.services import episode_report

    p = personas
    with time_machine.travel(T0, tick=False):
        episode = episode_report(
            actor=p.worker, youth=p.youth, episode_type="ran_away", discovered_at=T0 - timedelta(hours=1)
        )
    rows = _export("--agency", "fictional")
    reports = [r for r in rows if r["kind"] == "missing.report_law_enforcement"]
    assert len(reports) == 1
    assert reports[0]["subject"] == f"missing.episode:{episode.pk}"
    assert reports[0]["arose_at"] == "2026-11-02T07:30:00Z"
    assert reports[0]["due_at"] == "2026-11-03T07:30:00Z"
    assert all(r["subject"] == f"missing.episode:{episode.pk}" for r in rows)


def test_export_keeps_to_its_agency(personas):
    p = personas
    _duty(p)
    _duty(p, youth=p.other_agency_youth, owner=p.other_agency_worker, agency=p.other_agency)
    assert [r["youth_id"] for r in _export("--agency", "fictional")] == [p.youth.pk]
    assert [r["youth_id"] for r in _export("--agency", "other")] == [p.other_agency_youth.pk]


def test_range_is_local_days_of_the_agency_inclusive(personas):
    p = personas
    cases = {
        "before": datetime(2025, 12, 31, 23, 59, tzinfo=LA),
        "first": datetime(2026, 1, 1, 0, 0, tzinfo=LA),
        "last": datetime(2026, 1, 31, 23, 30, tzinfo=LA),  # 2026-02-01T07:30Z: still the 31st locally
        "after": datetime(2026, 2, 1, 0, 0, tzinfo=LA),
    }
    ids = {name: _duty(p, kind=f"test.{name}", arose_at=at).pk for name, at in cases.items()}
    rows = _export("--agency", "fictional", "--from", "2026-01-01", "--to", "2026-01-31")
    assert [r["id"] for r in rows] == [ids["first"], ids["last"]]
    assert rows[1]["arose_at"] == "2026-02-01T07:30:00Z"
    assert [r["id"] for r in _export("--agency", "fictional", "--from", "2026-02-01")] == [ids["after"]]
    assert [r["id"] for r in _export("--agency", "fictional", "--to", "2025-12-31")] == [ids["before"]]
    event = AuditEvent.objects.filter(action="deadline.ledger_export").order_by("seq").first()
    assert event is not None
    assert event.detail == {"count": 2, "from": "2026-01-01", "to": "2026-01-31"}


def test_call_command_with_keyword_options(personas):
    p = personas
    duty = _duty(p, arose_at=datetime(2026, 1, 31, 23, 30, tzinfo=LA))
    out = StringIO()
    call_command("duties", "export", agency="fictional", date_from="2026-01-31", date_to="2026-01-31", stdout=out)
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == [duty.pk]


def test_unknown_agency_is_an_error(personas):
    out = StringIO()
    with pytest.raises(CommandError, match="no agency with the slug 'nowhere'"):
        call_command("duties", "export", "--agency", "nowhere", stdout=out)
    assert out.getvalue() == ""
    assert not AuditEvent.objects.filter(action="deadline.ledger_export").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--from", "2026-13-01"],
        ["--to", "31/01/2026"],
        ["--from", "20260101"],
        ["--from", "2026-02-01", "--to", "2026-01-31"],
    ],
    ids=["bad month", "bad format", "basic format", "from after to"],
)
def test_bad_dates_are_errors(personas, args):
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("duties", "export", "--agency", "fictional", *args, stdout=out)
    assert out.getvalue() == ""


def test_missing_agency_or_subcommand_is_an_error(personas):
    with pytest.raises(CommandError):
        call_command("duties", "export", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("duties", stdout=StringIO())


def test_rows_come_in_chunks_with_two_queries_each(personas, django_assert_num_queries):
    p = personas
    # Two duties share an arose_at: the keyset on (arose_at, id) neither skips nor repeats one.
    same = T0 - timedelta(hours=5)
    made = [
        _duty(p, kind=f"test.chunk{i}", arose_at=same if i in (1, 2) else T0 - timedelta(hours=10 - i))
        for i in range(5)
    ]
    expected = [d.pk for d in sorted(made, key=lambda d: (d.arose_at, d.pk))]
    # 5 duties, chunks of 2: chunks of 2, 2, 1 -> 3 x (duties + notifications).
    with django_assert_num_queries(6):
        rows = list(ledger.ledger_rows(agency=p.agency, chunk_size=2))
    assert [r["id"] for r in rows] == expected
    with django_assert_num_queries(1):
        assert list(ledger.ledger_rows(agency=p.other_agency)) == []


def test_ledger_rows_filters(personas):
    p = personas
    a = _duty(p, kind="test.a")
    b = _duty(p, kind="test.b", youth=p.youth2, owner=p.worker2)
    assert [r["id"] for r in ledger.ledger_rows(agency=p.agency, kind="test.b")] == [b.pk]
    assert [r["id"] for r in ledger.ledger_rows(agency=p.agency, youth_id=p.youth.pk)] == [a.pk]
    assert [r["id"] for r in ledger.ledger_rows(agency=p.agency, owner_id=p.worker2.pk)] == [b.pk]
    assert [r["id"] for r in ledger.ledger_rows(agency=p.agency, status="met")] == []
    assert [r["id"] for r in ledger.ledger_rows(agency=p.agency, date_from=date(2026, 11, 1))] == [a.pk, b.pk]


# --- The API --------------------------------------------------------------------------------------


@pytest.fixture
def unit_duties(personas) -> dict[str, Deadline]:
    """One duty of each shape a scope must decide on."""
    p = personas
    return {
        # owned by a worker of Unit North, about their youth
        "north": _duty(p, kind="test.north"),
        # owned by the coordinator (no unit), about a youth of Unit North
        "north_youth": _duty(p, kind="test.north_youth", youth=p.youth2, owner=p.coordinator),
        # owned by a worker of Unit South
        "south": _duty(p, kind="test.south", youth=p.other_unit_youth, owner=p.other_unit_worker),
        # owned by the coordinator, about no unit's youth... of Unit South
        "south_youth": _duty(p, kind="test.south_youth", youth=p.other_unit_youth, owner=p.coordinator),
        "other_agency": _duty(
            p, kind="test.other", youth=p.other_agency_youth, owner=p.other_agency_worker, agency=p.other_agency
        ),
    }


def _ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_supervisor_sees_their_units_duties_only(personas, login, unit_duties):
    d = unit_duties
    assert _ids(login(personas.supervisor).get(URL)) == {d["north"].pk, d["north_youth"].pk}
    assert _ids(login(personas.other_unit_supervisor).get(URL)) == {d["south"].pk, d["south_youth"].pk}


def test_manager_sees_the_units_they_manage_only(personas, login, unit_duties):
    d = unit_duties
    assert _ids(login(personas.manager).get(URL)) == {d["north"].pk, d["north_youth"].pk}


def test_auditor_sees_the_whole_agency_and_no_other(personas, login, unit_duties):
    d = unit_duties
    expected = {d["north"].pk, d["north_youth"].pk, d["south"].pk, d["south_youth"].pk}
    assert _ids(login(personas.auditor).get(URL)) == expected
    other_auditor = f.UserFactory(username="otherauditor", agency=personas.other_agency, roles=["auditor"])
    assert _ids(login(other_auditor).get(URL)) == {d["other_agency"].pk}
    # Naming this agency's youth or owner from the other agency finds nothing.
    assert _ids(login(other_auditor).get(URL, {"youth": personas.youth.pk})) == set()
    assert _ids(login(other_auditor).get(URL, {"owner": personas.worker.pk})) == set()


@pytest.mark.parametrize("persona", ["worker", "coordinator", "partner", "admin", "other_agency_worker"])
def test_others_are_refused_and_the_refusal_is_audited(personas, login, persona):
    response = login(getattr(personas, persona)).get(URL)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="deadline.ledger_read", outcome="denied").count() == 1


def test_anonymous_is_refused(personas, client):
    assert client.get(URL).status_code in (401, 403)


def test_page_envelope_row_shape_and_audit(personas, login, unit_duties):
    response = login(personas.auditor).get(URL)
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 4
    row = body["results"][0]
    assert KEYS <= set(row) <= KEYS | OPTIONAL_KEYS
    assert row["subject"].startswith("youth.youth:")
    assert row["arose_at"].endswith("Z")
    exported = {r["id"]: r for r in ledger.ledger_rows(agency=personas.agency)}
    assert all(r == exported[r["id"]] for r in body["results"])
    event = AuditEvent.objects.filter(action="deadline.ledger_read", outcome="ok").get()
    assert event.actor_id == personas.auditor.pk
    assert event.agency_id == personas.agency.pk
    assert event.detail["count"] == 4
    assert event.detail["page"] == 1


def test_filters(personas, login, unit_duties):
    p, d = personas, unit_duties
    client = login(p.auditor)
    assert _ids(client.get(URL, {"youth": p.other_unit_youth.pk})) == {d["south"].pk, d["south_youth"].pk}
    assert _ids(client.get(URL, {"kind": "test.north"})) == {d["north"].pk}
    assert _ids(client.get(URL, {"owner": p.coordinator.pk})) == {d["north_youth"].pk, d["south_youth"].pk}
    deadline_meet(kind="test.south", subject=p.other_unit_youth, actor=p.other_unit_worker)
    assert _ids(client.get(URL, {"status": "met"})) == {d["south"].pk}
    assert _ids(client.get(URL, {"status": "open", "owner": p.coordinator.pk, "youth": p.youth2.pk})) == {
        d["north_youth"].pk
    }
    assert _ids(client.get(URL, {"youth": "", "kind": ""})) == {
        row.pk for name, row in d.items() if name != "other_agency"
    }


def test_date_filters_are_local_days(personas, login):
    p = personas
    last = _duty(p, kind="test.last", arose_at=datetime(2026, 1, 31, 23, 30, tzinfo=LA))
    _duty(p, kind="test.after", arose_at=datetime(2026, 2, 1, 0, 0, tzinfo=LA))
    first = _duty(p, kind="test.first", arose_at=datetime(2026, 1, 1, 0, 0, tzinfo=LA))
    response = login(p.auditor).get(URL, {"from": "2026-01-01", "to": "2026-01-31"})
    assert [row["id"] for row in response.json()["results"]] == [first.pk, last.pk]
    event = AuditEvent.objects.filter(action="deadline.ledger_read").get()
    assert event.detail["from"] == "2026-01-01"
    assert event.detail["to"] == "2026-01-31"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"youth": "abc"}, "youth"),
        ({"youth": "0"}, "youth"),
        ({"youth": str(2**70)}, "youth"),
        ({"owner": "-3"}, "owner"),
        ({"owner": "1.5"}, "owner"),
        ({"status": "done"}, "status"),
        ({"kind": "no.such_kind"}, "kind"),
        ({"kind": "x" * 61}, "kind"),
        ({"from": "2026-02-30"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2026-02-01", "to": "2026-01-31"}, "to"),
    ],
)
def test_bad_filters_are_400_with_a_field_message(personas, login, params, field):
    response = login(personas.supervisor).get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert field in body
    assert body[field] and all(isinstance(message, str) and message for message in body[field])
    assert not AuditEvent.objects.filter(action="deadline.ledger_read", outcome="ok").exists()


def _queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _many(p: Any, start: int, end: int) -> None:
    for i in range(start, end):
        owner = p.worker if i % 2 else p.worker2
        youth = p.youth if i % 2 else p.youth2
        _duty(
            p,
            kind=f"test.many{i}",
            owner=owner,
            youth=youth,
            due_at=T0 + timedelta(hours=1),
            arose_at=T0 - timedelta(minutes=i),
        )


@pytest.mark.parametrize("persona", ["supervisor", "manager", "auditor"])
def test_reads_run_a_bounded_number_of_queries(personas, login, django_assert_max_num_queries, persona):
    p = personas
    client = login(getattr(p, persona))
    _many(p, 0, 5)
    with time_machine.travel(T0 + timedelta(hours=3)):
        deadlines_sweep()  # every duty has reminders and an escalation
    few = _queries(client)
    _many(p, 5, 50)
    with time_machine.travel(T0 + timedelta(hours=3)):
        deadlines_sweep()
    with django_assert_max_num_queries(few):
        response = client.get(URL)
    assert response.json()["count"] == 50
    assert len(response.json()["results"]) == 25
    assert all(row["escalations"] for row in response.json()["results"])
    assert _queries(client) == few


def test_openapi_schema_documents_the_ledger():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/duties/"]["get"]
    assert {param["name"] for param in operation["parameters"]} >= {
        "youth",
        "kind",
        "status",
        "owner",
        "from",
        "to",
        "page",
    }
    assert {"200", "400", "401", "403"} <= set(operation["responses"])
    row = schema["components"]["schemas"]["DutyLedgerRow"]["properties"]
    assert set(row) == KEYS | OPTIONAL_KEYS
    assert row["arose_at"]["format"] == "date-time"
