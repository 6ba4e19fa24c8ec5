"""Leases that expire (core/leases.py), on a pinned clock."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection

from safeharbor.core.leases import (
    LeaseLost,
    lease_acquire,
    lease_get,
    lease_is_live,
    lease_release,
    lease_renew,
    lease_renewer,
)
from safeharbor.core.models import Lease

T0 = datetime(2026, 3, 9, 18, 0, tzinfo=UTC)
TTL = 180


@pytest.mark.django_db
def test_free_lease_is_taken_and_a_live_one_blocks_another_holder():
    with time_machine.travel(T0, tick=False) as clock:
        mine = lease_acquire(name="job", seconds=TTL, holder="a")
        assert mine is not None
        row = Lease.objects.get(name="job")
        assert (row.holder, row.acquired_at, row.expires_at) == ("a", T0, T0 + timedelta(seconds=TTL))
        assert lease_is_live(row)
        clock.shift(TTL - 1)
        assert lease_acquire(name="job", seconds=TTL, holder="b") is None
        assert Lease.objects.get(name="job").holder == "a"


@pytest.mark.django_db
def test_expired_lease_is_taken_over_without_its_dead_holder():
    with time_machine.travel(T0, tick=False) as clock:
        assert lease_acquire(name="job", seconds=TTL, holder="killed") is not None
        clock.shift(TTL)  # the holder never renewed nor released: it was killed
        taken = lease_acquire(name="job", seconds=TTL, holder="next")
        assert taken is not None
        row = Lease.objects.get(name="job")
        assert (row.holder, row.acquired_at) == ("next", T0 + timedelta(seconds=TTL))


@pytest.mark.django_db
def test_a_lease_already_ours_is_taken_again():
    with time_machine.travel(T0, tick=False):
        assert lease_acquire(name="job", seconds=TTL, holder="a") is not None
        assert lease_acquire(name="job", seconds=TTL, holder="a") is not None


@pytest.mark.django_db
def test_renew_extends_the_lease_from_now():
    with time_machine.travel(T0, tick=False) as clock:
        lease = lease_acquire(name="job", seconds=TTL, holder="a")
        assert lease is not None
        clock.shift(100)
        lease_renew(lease=lease)
        assert Lease.objects.get(name="job").expires_at == T0 + timedelta(seconds=100 + TTL)
        clock.shift(TTL - 1)  # past the first expiry, within the renewed one
        assert lease_acquire(name="job", seconds=TTL, holder="b") is None
        clock.shift(1)
        assert lease_acquire(name="job", seconds=TTL, holder="b") is not None


@pytest.mark.django_db
def test_renew_of_a_lease_taken_over_raises_lease_lost():
    with time_machine.travel(T0, tick=False) as clock:
        lease = lease_acquire(name="job", seconds=TTL, holder="slow")
        assert lease is not None
        clock.shift(TTL + 1)
        assert lease_acquire(name="job", seconds=TTL, holder="other") is not None
        with pytest.raises(LeaseLost):
            lease_renew(lease=lease)
        assert Lease.objects.get(name="job").holder == "other"


@pytest.mark.django_db
def test_an_expired_lease_nobody_took_is_still_renewed():
    with time_machine.travel(T0, tick=False) as clock:
        lease = lease_acquire(name="job", seconds=TTL, holder="a")
        assert lease is not None
        clock.shift(TTL + 30)
        lease_renew(lease=lease)
        assert Lease.objects.get(name="job").expires_at == T0 + timedelta(seconds=2 * TTL + 30)


@pytest.mark.django_db
def test_renewer_writes_at_most_once_per_period():
    with time_machine.travel(T0, tick=False) as clock:
        lease = lease_acquire(name="job", seconds=TTL, holder="a")
        assert lease is not None
        renew = lease_renewer(lease=lease, every_seconds=60)
        clock.shift(59)
        renew()
        assert Lease.objects.get(name="job").expires_at == T0 + timedelta(seconds=TTL)
        clock.shift(1)
        renew()
        assert Lease.objects.get(name="job").expires_at == T0 + timedelta(seconds=60 + TTL)
        clock.shift(30)
        renew()
        assert Lease.objects.get(name="job").expires_at == T0 + timedelta(seconds=60 + TTL)


@pytest.mark.django_db
def test_release_frees_the_lease_at_once_and_records_completion():
    with time_machine.travel(T0, tick=False) as clock:
        lease = lease_acquire(name="job", seconds=TTL, holder="a")
        assert lease is not None
        clock.shift(5)
        assert lease_release(lease=lease, completed=True) is True
        row = Lease.objects.get(name="job")
        assert (row.holder, row.last_completed_at) == ("", T0 + timedelta(seconds=5))
        assert not lease_is_live(row)
        assert lease_acquire(name="job", seconds=TTL, holder="b") is not None


@pytest.mark.django_db
def test_release_after_failure_frees_without_recording_completion():
    with time_machine.travel(T0, tick=False):
        lease = lease_acquire(name="job", seconds=TTL, holder="a")
        assert lease is not None
        lease_release(lease=lease, completed=False)
        row = Lease.objects.get(name="job")
        assert (row.holder, row.last_completed_at) == ("", None)


@pytest.mark.django_db
def test_release_of_a_lease_taken_over_leaves_the_new_holder_in_place():
    with time_machine.travel(T0, tick=False) as clock:
        lease = lease_acquire(name="job", seconds=TTL, holder="slow")
        assert lease is not None
        clock.shift(TTL)
        assert lease_acquire(name="job", seconds=TTL, holder="other") is not None
        assert lease_release(lease=lease, completed=True) is False
        row = Lease.objects.get(name="job")
        assert row.holder == "other"
        assert row.expires_at == T0 + timedelta(seconds=2 * TTL)
        assert row.last_completed_at == T0 + timedelta(seconds=TTL)  # its work did finish


@pytest.mark.django_db
def test_leases_of_different_names_are_independent():
    assert lease_acquire(name="one", seconds=TTL, holder="a") is not None
    assert lease_acquire(name="two", seconds=TTL, holder="b") is not None
    assert lease_get(name="three") is None


def test_a_lease_lasts_at_least_one_second():
    with pytest.raises(ValueError):
        lease_acquire(name="job", seconds=0)


@pytest.mark.django_db(transaction=True)
def test_of_many_concurrent_contenders_exactly_one_wins():
    """Threads with their own connections race for a lease that does not exist yet (row created by the
    first insert; the rest ignore the conflict): one conditional UPDATE wins.

    Runs on PostgreSQL (the CI leg) and on a file SQLite database: the in-memory shared-cache database
    of the SQLite test run answers a contended table with "database table is locked" at once, without
    the busy timeout a real SQLite file (WAL) waits on, so it cannot host this race."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("the in-memory shared-cache SQLite test database cannot host a multi-connection race")
    contenders = 6
    barrier = threading.Barrier(contenders)
    won: list[str] = []
    errors: list[BaseException] = []

    def contend(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            if lease_acquire(name="race", seconds=TTL, holder=f"h{i}") is not None:
                won.append(f"h{i}")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=contend, args=(i,)) for i in range(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(won) == 1
    assert Lease.objects.get(name="race").holder == won[0]


@pytest.mark.django_db
def test_run_under_lease_runs_once_skips_while_held_and_survives_a_dead_holder():
    from safeharbor.core.leases import lease_acquire, run_under_lease

    calls: list[int] = []
    assert run_under_lease(name="job", seconds=60, job=lambda: calls.append(1))
    assert Lease.objects.get(name="job").last_completed_at is not None
    dead = lease_acquire(name="job", seconds=60, holder="dead-host:1:x")
    assert dead is not None
    assert not run_under_lease(name="job", seconds=60, job=lambda: calls.append(2))
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=61)):
        assert run_under_lease(name="job", seconds=60, job=lambda: calls.append(3))
    assert calls == [1, 3]


@pytest.mark.django_db
def test_the_other_periodic_tasks_hold_no_huey_lock():
    import inspect

    from safeharbor.webaccess import tasks as webaccess_tasks
    from safeharbor.youth import tasks as youth_tasks

    for module in (youth_tasks, webaccess_tasks):
        assert "lock_task" not in inspect.getsource(module)
