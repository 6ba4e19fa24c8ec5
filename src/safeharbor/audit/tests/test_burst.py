"""Burst alert: one user reading more than the agency's threshold of distinct youth within an hour."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from safeharbor.audit.models import AuditEvent
from safeharbor.core.testing import factories as f
from safeharbor.deadlines.models import Notification
from safeharbor.youth.selectors import youth_get_for_user

pytestmark = pytest.mark.django_db

START = datetime(2026, 4, 7, 15, 5, tzinfo=UTC)


@pytest.fixture
def caseload(personas: Any) -> list[Any]:
    """60 youth on the worker's caseload."""
    youth = []
    for _ in range(60):
        y = f.YouthFactory(agency=personas.agency)
        f.AssignmentFactory(youth=y, worker=personas.worker, start=dt.date(2025, 1, 1))
        youth.append(y)
    return youth


@pytest.fixture
def second_auditor(personas: Any) -> Any:
    return f.UserFactory(username="auditor2", agency=personas.agency, roles=["auditor"])


def _read(user: Any, youth: list[Any]) -> None:
    for y in youth:
        youth_get_for_user(user=user, pk=y.pk)


def _alerts() -> list[Notification]:
    return list(Notification.objects.filter(kind="audit.burst_alert").order_by("recipient_id"))


def test_51_distinct_youth_in_an_hour_alert_every_auditor_once(personas, caseload, second_auditor):
    with time_machine.travel(START, tick=False) as clock:
        _read(personas.worker, caseload[:50])
        assert _alerts() == []
        clock.shift(timedelta(minutes=30))
        _read(personas.worker, caseload[50:51])
    alerts = _alerts()
    assert sorted(n.recipient_id for n in alerts) == sorted([personas.auditor.pk, second_auditor.pk])
    for alert in alerts:
        assert "worker" in alert.message
        assert personas.youth.legal_last_name not in alert.message
        assert alert.link.startswith("/audit/")
    events = AuditEvent.objects.filter(action="audit.burst_alert")
    assert events.count() == 1
    event = events.get()
    assert event.object_id == str(personas.worker.pk) and event.agency_id == personas.agency.pk
    assert event.detail["distinct_youth"] == 51 and event.detail["threshold"] == 50


def test_50_distinct_youth_do_not_alert(personas, caseload, second_auditor):
    with time_machine.travel(START, tick=False):
        _read(personas.worker, caseload[:50])
        # Re-reading the same youth does not add distinct youth.
        _read(personas.worker, caseload[:10])
    assert _alerts() == []
    assert not AuditEvent.objects.filter(action="audit.burst_alert").exists()


def test_reads_spread_over_more_than_an_hour_do_not_alert(personas, caseload):
    with time_machine.travel(START, tick=False) as clock:
        _read(personas.worker, caseload[:30])
        clock.shift(timedelta(minutes=61))
        _read(personas.worker, caseload[30:60])
    assert _alerts() == []


def test_a_second_burst_in_the_same_hour_window_does_not_duplicate(personas, caseload, second_auditor):
    with time_machine.travel(START, tick=False) as clock:
        _read(personas.worker, caseload[:51])
        clock.shift(timedelta(minutes=20))
        _read(personas.worker, caseload[51:60])
    assert len(_alerts()) == 2
    assert AuditEvent.objects.filter(action="audit.burst_alert").count() == 1


def test_the_agency_threshold_applies(personas, caseload):
    personas.agency.burst_threshold = 5
    personas.agency.save()
    personas.worker.refresh_from_db()
    with time_machine.travel(START, tick=False):
        _read(personas.worker, caseload[:6])
    assert [n.recipient_id for n in _alerts()] == [personas.auditor.pk]


def test_denied_reads_do_not_count(personas, caseload):
    personas.agency.burst_threshold = 1
    personas.agency.save()
    personas.worker2.refresh_from_db()
    with time_machine.travel(START, tick=False):
        for y in caseload[:5]:
            with pytest.raises(Exception):  # noqa: B017 - the door's 404
                youth_get_for_user(user=personas.worker2, pk=y.pk)
    assert _alerts() == []
