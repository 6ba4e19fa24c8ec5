"""The compliance report (issue 16 item 3): its JSON contract, agreement with the duty ledger on a
seeded data set, on time by `done_at`, the reader's scope, and a bounded number of queries."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from safeharbor.deadlines.ledger import ledger_rows
from safeharbor.deadlines.services import deadline_cancel, deadline_meet, deadline_open
from safeharbor.missing import services as missing
from safeharbor.reports.compliance import FIGURES, compliance_by_kind, on_time_rate

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 5, 4, 16, 0, tzinfo=UTC)  # 09:00 in Los Angeles


def _report(p: Any, youth: Any, at: datetime, actor: Any = None) -> Any:
    with time_machine.travel(at, tick=False):
        return missing.episode_report(actor=actor or p.worker, youth=youth, episode_type="ran_away", discovered_at=at)


def _record(p: Any, episode: Any, kind: str, made_at: datetime, typed_at: datetime) -> None:
    with time_machine.travel(typed_at, tick=False):
        missing.episode_record_report(
            actor=p.worker, episode=episode, kind=kind, made_at=made_at, made_to="Desk", reference_number="R-1"
        )


def _seed(p: Any) -> None:
    """Three episodes of three youth of one unit: law enforcement reported on time (typed in late) and
    NCMEC late for two of them; the third episode's duties all open."""
    from safeharbor.core.testing import factories as f

    third = f.YouthFactory(agency=p.agency)
    f.AssignmentFactory(youth=third, worker=p.worker, start=date(2026, 1, 1))
    for offset, (youth, actor) in enumerate([(p.youth, p.worker), (p.youth2, p.worker2), (third, p.worker)]):
        at = T0 + timedelta(days=offset)
        episode = _report(p, youth, at, actor)
        if offset == 1:
            continue
        _record(p, episode, "law_enforcement", at + timedelta(hours=23), at + timedelta(hours=30))
        _record(p, episode, "ncmec", at + timedelta(hours=25), at + timedelta(hours=25, minutes=5))


def _run(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_cli_prints_the_contract_shape(personas):
    _seed(personas)
    with time_machine.travel(T0 + timedelta(days=10), tick=False):
        report = _run("compliance", "--agency", personas.agency.slug, "--from", "2026-05-01", "--to", "2026-05-31")
    assert set(report) == {"agency", "from", "to", "duties"}
    assert (report["agency"], report["from"], report["to"]) == (personas.agency.slug, "2026-05-01", "2026-05-31")
    assert "missing.report_law_enforcement" in report["duties"]
    for figures in report["duties"].values():
        assert list(figures) == list(FIGURES)
    le = report["duties"]["missing.report_law_enforcement"]
    assert (le["arose"], le["met_on_time"], le["met_late"], le["open_overdue"]) == (3, 2, 0, 1)
    assert le["on_time_rate"] == round(2 / 3, 4)
    assert le["median_hours_to_done"] == 23.0
    ncmec = report["duties"]["missing.report_ncmec"]
    assert (ncmec["met_on_time"], ncmec["met_late"]) == (0, 2)


def test_the_report_agrees_with_the_duty_ledger(personas):
    _seed(personas)
    with time_machine.travel(T0 + timedelta(days=1, hours=2), tick=False):
        deadline_cancel(
            kind="missing.icwa_inquiry",
            subject=missing.MissingEpisode.objects.order_by("id").first(),
            actor=personas.worker,
            reason_code="test_only",
        )
    now = T0 + timedelta(days=1, hours=12)  # some duties overdue, some not yet due
    report = compliance_by_kind(agency=personas.agency, date_from=date(2026, 5, 1), date_to=date(2026, 5, 31), now=now)
    expected: dict[str, Counter[str]] = {}
    for row in ledger_rows(agency=personas.agency, date_from=date(2026, 5, 1), date_to=date(2026, 5, 31)):
        counts = expected.setdefault(row["kind"], Counter())
        counts["arose"] += 1
        if row["status"] == "met":
            counts["met_on_time" if row["done_at"] <= row["due_at"] else "met_late"] += 1
        elif row["status"] == "open":
            due = datetime.fromisoformat(row["due_at"].replace("Z", "+00:00"))
            counts["open_overdue" if due < now else "open_not_due"] += 1
        else:
            counts[row["status"]] += 1
    assert set(report) == set(expected)
    for kind, counts in expected.items():
        for figure in (
            "arose",
            "met_on_time",
            "met_late",
            "open_overdue",
            "open_not_due",
            "cancelled",
            "not_applicable",
        ):
            assert report[kind][figure] == counts[figure], (kind, figure)


def test_a_duty_met_in_the_grace_hour_is_late_and_the_rate_ignores_cancelled_and_inapplicable():
    assert on_time_rate(met_on_time=3, arose=6, cancelled=1, not_applicable=1) == 0.75
    assert on_time_rate(met_on_time=0, arose=2, cancelled=2, not_applicable=0) is None


def test_the_range_is_days_of_the_agency_and_out_of_range_duties_are_left_out(personas):
    late_evening = datetime(2026, 6, 1, 6, 30, tzinfo=UTC)  # 23:30 on 31 May in Los Angeles
    _report(personas, personas.youth, late_evening)
    with time_machine.travel(late_evening + timedelta(days=3), tick=False):
        may = _run("compliance", "--agency", personas.agency.slug, "--from", "2026-05-31", "--to", "2026-05-31")
        june = _run("compliance", "--agency", personas.agency.slug, "--from", "2026-06-01", "--to", "2026-06-30")
    assert may["duties"]["missing.report_ncmec"]["arose"] == 1
    assert june["duties"] == {}


def test_bad_arguments_are_errors(personas):
    with pytest.raises(CommandError):
        _run("compliance", "--agency", "no-such-county", "--from", "2026-01-01", "--to", "2026-01-31")
    with pytest.raises(CommandError):
        _run("compliance", "--agency", personas.agency.slug, "--from", "2026-02-01", "--to", "2026-01-31")


def test_the_api_serves_the_same_json_within_the_readers_scope(personas, login):
    _seed(personas)
    url = reverse("api:reports-compliance") + "?from=2026-05-01&to=2026-05-31"
    with time_machine.travel(T0 + timedelta(days=10), tick=False):
        auditor = login(personas.auditor).get(url)
        cli = _run("compliance", "--agency", personas.agency.slug, "--from", "2026-05-01", "--to", "2026-05-31")
        other = login(personas.other_unit_supervisor).get(url)
        bad = login(personas.supervisor).get(reverse("api:reports-compliance") + "?from=2026-13-01")
        worker = login(personas.worker).get(url)
    assert auditor.status_code == 200 and auditor.json() == cli
    assert other.status_code == 200 and other.json()["duties"] == {}  # no duty of the other unit
    assert bad.status_code == 400 and "from" in bad.json()
    assert worker.status_code == 403


def test_the_report_runs_a_fixed_number_of_queries(personas, django_assert_max_num_queries):
    def measure() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            compliance_by_kind(agency=personas.agency, date_from=None, date_to=None, now=T0 + timedelta(days=30))
        return len(captured.captured_queries)

    _report(personas, personas.youth, T0)
    few = measure()
    for i in range(12):
        with time_machine.travel(T0, tick=False):
            duty = deadline_open(
                agency_id=personas.agency.pk,
                kind=f"test.k{i}",
                subject=personas.youth2,
                title="A test duty",
                due_at=T0 + timedelta(hours=1),
                owner=personas.worker,
                youth_id=personas.youth2.pk,
                arose_at=T0,
            )
            deadline_meet(kind=duty.kind, subject=personas.youth2, actor=personas.worker)
    assert measure() == few
