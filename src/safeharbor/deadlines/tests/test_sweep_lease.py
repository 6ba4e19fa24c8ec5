"""The sweep under a lease that expires (deadlines/sweeper.py, tasks.py), its health and the watchdog
(deadlines/health.py), and `safeharbor sweep` / `sweep --status`. Pinned clock throughout."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from huey.contrib.djhuey import HUEY

from safeharbor.core.leases import lease_acquire, lease_get, lease_renew
from safeharbor.core.testing import factories as f
from safeharbor.deadlines import sweeper, tasks
from safeharbor.deadlines.health import SWEEP_STALE, sweep_health, sweep_stale_alert
from safeharbor.deadlines.models import Notification
from safeharbor.deadlines.services import deadline_open
from safeharbor.deadlines.sweeper import SWEEP_LEASE, sweep_under_lease

NOW = datetime(2026, 3, 9, 18, 0, tzinfo=UTC)
LEASE = 180  # the default SWEEP_LEASE_SECONDS


def _overdue(personas, youth, owner):
    return deadline_open(
        agency_id=personas.agency.pk,
        kind="missing.report_ncmec",
        subject=youth,
        title="Report to NCMEC",
        due_at=NOW - timedelta(hours=2),
        owner=owner,
        youth_id=youth.pk,
    )


def _two_overdue(personas):
    return [_overdue(personas, personas.youth, personas.worker), _overdue(personas, personas.youth2, personas.worker2)]


def _reminders() -> int:
    return Notification.objects.filter(deadline__isnull=False).count()


# --- the sweep under the lease -------------------------------------------------------------------


@pytest.mark.django_db
def test_sweep_runs_releases_the_lease_and_records_its_completion(personas):
    _two_overdue(personas)
    with time_machine.travel(NOW, tick=False):
        run = sweep_under_lease(trigger="test")
    assert run.swept and run.result is not None and run.result.deadlines == 2
    assert _reminders() > 0
    row = lease_get(name=SWEEP_LEASE)
    assert row is not None
    assert (row.holder, row.acquired_at, row.last_completed_at) == ("", NOW, NOW)


@pytest.mark.django_db
def test_a_second_sweep_finding_a_live_lease_returns_at_once(personas, caplog):
    _two_overdue(personas)
    with time_machine.travel(NOW, tick=False) as clock:
        assert lease_acquire(name=SWEEP_LEASE, seconds=LEASE, holder="busy-worker") is not None
        clock.shift(LEASE - 1)
        with caplog.at_level(logging.INFO, logger="safeharbor.deadlines.sweeper"):
            run = sweep_under_lease(trigger="test")
    assert not run.swept and not run.lost
    assert run.held_by == "busy-worker"
    assert _reminders() == 0
    assert any(r.levelno == logging.INFO and "holds the lease" in r.getMessage() for r in caplog.records)
    assert lease_get(name=SWEEP_LEASE).holder == "busy-worker"


@pytest.mark.django_db
def test_the_lease_of_a_killed_sweep_runs_out_and_the_next_sweep_does_the_work(personas):
    _two_overdue(personas)
    with time_machine.travel(NOW, tick=False) as clock:
        assert lease_acquire(name=SWEEP_LEASE, seconds=LEASE, holder="killed-worker") is not None
        clock.shift(LEASE)
        run = sweep_under_lease(trigger="test")
    assert run.swept
    assert _reminders() > 0
    assert lease_get(name=SWEEP_LEASE).last_completed_at == NOW + timedelta(seconds=LEASE)


@pytest.mark.django_db
def test_a_long_sweep_renews_its_lease_as_it_goes(personas):
    _two_overdue(personas)
    seen: list[datetime] = []
    with time_machine.travel(NOW, tick=False) as clock:

        def slow(line: str) -> None:
            seen.append(lease_get(name=SWEEP_LEASE).expires_at)
            clock.shift(70)  # each step takes longer than a third of the lease

        run = sweep_under_lease(trigger="test", progress=slow)
    assert run.swept
    # Progress after: claim 1 (0 s), delivery 1 (70 s), claim 2 (140 s), delivery 2 (210 s). The lease is
    # renewed (to a full lease from then) whenever 60 s have passed since the last renewal.
    assert seen == [NOW + timedelta(seconds=at + LEASE) for at in (0, 70, 140, 210)]


@pytest.mark.django_db
def test_a_sweep_whose_lease_was_taken_over_stops_and_leaves_the_new_holder(personas, caplog):
    _two_overdue(personas)
    with time_machine.travel(NOW, tick=False) as clock:

        def stalled(line: str) -> None:
            if line.startswith("delivered"):
                clock.shift(LEASE + 1)
                assert lease_acquire(name=SWEEP_LEASE, seconds=LEASE, holder="successor") is not None

        with caplog.at_level(logging.WARNING, logger="safeharbor.deadlines.sweeper"):
            run = sweep_under_lease(trigger="test", progress=stalled)
    assert run.lost and not run.swept
    row = lease_get(name=SWEEP_LEASE)
    assert row.holder == "successor"
    assert row.last_completed_at is None
    assert any("another sweep took over" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_a_failing_sweep_releases_the_lease_without_recording_completion(personas, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(sweeper, "deadlines_sweep", broken)
    with time_machine.travel(NOW, tick=False), pytest.raises(RuntimeError):
        sweep_under_lease(trigger="test")
    row = lease_get(name=SWEEP_LEASE)
    assert (row.holder, row.last_completed_at) == ("", None)


# --- the Huey tasks ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stale_legacy_huey_lock_no_longer_stops_the_sweep(personas):
    """The regression of issue 14: a worker killed under `lock_task("deadlines-sweep")` left the key
    for good and every later sweep failed to get the lock."""
    _two_overdue(personas)
    key = f"{HUEY.name}.lock.{tasks.LEGACY_HUEY_LOCK}"
    HUEY.put_if_empty(key, "1")
    try:
        with time_machine.travel(NOW, tick=False):
            tasks.deadlines_sweep_every_minute.call_local()
        assert _reminders() > 0
    finally:
        HUEY.delete(key)


@pytest.mark.django_db
def test_worker_start_drops_the_legacy_lock_and_sweeps(personas, monkeypatch):
    _two_overdue(personas)
    monkeypatch.setattr(tasks, "_start_done", False)
    key = f"{HUEY.name}.lock.{tasks.LEGACY_HUEY_LOCK}"
    HUEY.put_if_empty(key, "1")
    with time_machine.travel(NOW, tick=False):
        tasks.deadlines_sweep_at_worker_start()
        tasks.deadlines_sweep_at_worker_start()  # a second worker thread of the same process: nothing
    assert not HUEY.storage.has_data_for_key(key)
    assert _reminders() > 0
    assert lease_get(name=SWEEP_LEASE).last_completed_at == NOW


@pytest.mark.django_db
def test_worker_start_behind_a_live_lease_schedules_a_sweep_for_when_it_runs_out(personas, monkeypatch):
    monkeypatch.setattr(tasks, "_start_done", False)
    scheduled: list[float] = []
    monkeypatch.setattr(tasks.deadlines_sweep_now, "schedule", lambda delay: scheduled.append(delay))
    with time_machine.travel(NOW, tick=False) as clock:
        assert lease_acquire(name=SWEEP_LEASE, seconds=LEASE, holder="killed-worker") is not None
        clock.shift(30)
        tasks.deadlines_sweep_at_worker_start()
    assert scheduled == [LEASE - 30 + 1]


# --- health and the watchdog ---------------------------------------------------------------------


@pytest.mark.django_db
def test_sweep_health_is_ok_until_ten_minutes_after_the_last_completed_sweep(personas):
    with time_machine.travel(NOW, tick=False):
        assert sweep_health() == (False, None, None)  # never completed
        sweep_under_lease(trigger="test")
    assert sweep_health(NOW) == (True, NOW, timedelta(0))
    assert sweep_health(NOW + timedelta(minutes=10)).ok
    stale = sweep_health(NOW + timedelta(minutes=10, seconds=1))
    assert stale == (False, NOW, timedelta(minutes=10, seconds=1))


@pytest.mark.django_db
@override_settings(SWEEP_STALE_MINUTES=3)
def test_the_stale_limit_is_a_setting(personas):
    with time_machine.travel(NOW, tick=False):
        sweep_under_lease(trigger="test")
    assert not sweep_health(NOW + timedelta(minutes=3, seconds=1)).ok


def _admins(personas):
    other_admin = f.UserFactory(username="otheradmin", agency=personas.other_agency, roles=["admin"])
    retired = f.UserFactory(username="retiredadmin", agency=personas.agency, roles=["admin"], is_active=False)
    return other_admin, retired


@pytest.mark.django_db
def test_watchdog_tells_each_active_admin_once_an_hour_and_logs_an_error(personas, caplog):
    other_admin, retired = _admins(personas)
    with time_machine.travel(NOW, tick=False):
        sweep_under_lease(trigger="test")
    stale_at = NOW + timedelta(minutes=11)
    with caplog.at_level(logging.ERROR, logger="safeharbor.deadlines.health"):
        assert sweep_stale_alert(stale_at) == 2
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert sweep_stale_alert(stale_at + timedelta(minutes=1)) == 0  # same hour: no repeat
    alerts = Notification.objects.filter(kind=SWEEP_STALE)
    assert sorted(alerts.values_list("recipient__username", flat=True)) == ["itadmin", "otheradmin"]
    assert all(a.deadline_id is None and a.link == "" for a in alerts)
    assert "reminders and escalations are not being sent" in alerts[0].message
    assert len(errors) == 1
    assert "last completed 2026-03-09T18:00:00+00:00" in errors[0].getMessage()
    # No personal data: no user or youth names in the log line.
    for word in (personas.admin.username, personas.youth.legal_last_name, other_admin.username, retired.username):
        assert word not in errors[0].getMessage()
    # Next hour, still stale: told again.
    assert sweep_stale_alert(NOW + timedelta(hours=1, minutes=1)) == 2


@pytest.mark.django_db
def test_watchdog_is_quiet_while_the_sweep_is_healthy(personas, caplog):
    _admins(personas)
    with time_machine.travel(NOW, tick=False):
        sweep_under_lease(trigger="test")
    with caplog.at_level(logging.ERROR):
        assert sweep_stale_alert(NOW + timedelta(minutes=9)) == 0
    assert not Notification.objects.filter(kind=SWEEP_STALE).exists()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.django_db
def test_watchdog_task_runs_even_while_a_sweep_holds_the_lease(personas):
    with time_machine.travel(NOW, tick=False) as clock:
        sweep_under_lease(trigger="test")
        clock.shift(60)
        hung = lease_acquire(name=SWEEP_LEASE, seconds=LEASE, holder="hung-worker")
        assert hung is not None
        for _ in range(10):  # a sweep that keeps its lease alive but never completes
            clock.shift(60)
            lease_renew(lease=hung)
        tasks.deadlines_sweep_watchdog.call_local()
    assert Notification.objects.filter(kind=SWEEP_STALE, recipient=personas.admin).exists()


@pytest.mark.django_db
def test_a_new_installation_gets_the_stale_limit_for_its_first_sweep(personas):
    started = NOW
    assert sweep_stale_alert(NOW + timedelta(minutes=10), running_since=started) == 0
    assert not Notification.objects.filter(kind=SWEEP_STALE).exists()
    assert sweep_stale_alert(NOW + timedelta(minutes=10, seconds=1), running_since=started) == 1
    message = Notification.objects.get(kind=SWEEP_STALE).message
    assert message.startswith("No deadline sweep has completed yet: ")


# --- `safeharbor sweep` ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_sweep_command_sweeps_under_the_lease(personas):
    _two_overdue(personas)
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("sweep", stdout=out)
    assert "sweep done: deadlines=2" in out.getvalue()
    assert lease_get(name=SWEEP_LEASE).last_completed_at == NOW


@pytest.mark.django_db
def test_sweep_command_skips_while_another_sweep_holds_the_lease(personas):
    _two_overdue(personas)
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        lease_acquire(name=SWEEP_LEASE, seconds=LEASE, holder="worker-host:42:abcd")
        call_command("sweep", stdout=out)
    assert "sweep skipped: another sweep holds the lease (worker-host:42:abcd" in out.getvalue()
    assert _reminders() == 0


@pytest.mark.django_db
def test_sweep_command_wait_gives_up_with_an_error(personas):
    with time_machine.travel(NOW, tick=False):
        lease_acquire(name=SWEEP_LEASE, seconds=LEASE, holder="worker-host:42:abcd")
        with pytest.raises(CommandError, match="waited 0 s"):
            call_command("sweep", "--wait", "0.01", stdout=io.StringIO())


@pytest.mark.django_db
def test_sweep_status_prints_the_last_sweep_and_exits_non_zero_when_stale(personas):
    with time_machine.travel(NOW, tick=False):
        sweep_under_lease(trigger="test")
    out = io.StringIO()
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        call_command("sweep", "--status", stdout=out)
    assert out.getvalue().splitlines() == [
        "deadline sweep: ok",
        "last completed: 2026-03-09 18:00:00 UTC (120 s ago)",
        "last started: 2026-03-09 18:00:00 UTC",
        "lease: free",
        "stale after: 10 minutes",
    ]
    out = io.StringIO()
    with time_machine.travel(NOW + timedelta(minutes=11), tick=False), pytest.raises(CommandError) as raised:
        call_command("sweep", "--status", stdout=out)
    assert raised.value.returncode == 1
    assert out.getvalue().startswith("deadline sweep: STALE\n")
    assert Notification.objects.count() == 0  # --status sweeps nothing and alerts nobody


@pytest.mark.django_db
def test_sweep_status_when_no_sweep_ever_completed(personas):
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("sweep", "--status", stdout=out)
    assert "last completed: never" in out.getvalue()
