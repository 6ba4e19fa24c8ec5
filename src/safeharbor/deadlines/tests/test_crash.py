"""Crash drills of the deadline sweep: a process is killed with SIGKILL in the middle of a sweep and
started again; every due reminder has been sent exactly once (the Notification rows and the e-mail
outbox say so), and the killed process's lease did not stop the sweep for longer than its length.

1. `safeharbor sweep` killed and re-run.
2. The real task worker, started as `make run` starts it (`run_huey` with the Makefile's WORKER_FLAGS),
   with the queue on SQLite and on Redis: killed during its start-up sweep, restarted, and the
   restarted worker finishes the job once the dead worker's lease runs out (a few seconds here).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

SAFEHARBOR = str(Path(sys.executable).with_name("safeharbor"))
ROOT = Path(__file__).resolve().parents[4]
DUTIES = 8
LEASE_SECONDS = 15  # SWEEP_LEASE_SECONDS in the drills: short, so the dead holder's lease runs out soon, but
# longer than a worker start on a loaded machine, so the restart finds it still live (and schedules)
RESTART_BOUND_SECONDS = 150  # two periodic sweep periods and a half
LEGACY_LOCK = "deadlines-sweep"

# One overdue NCMEC-report duty on each of DUTIES youth, owned by a worker whose unit has a supervisor:
# four rows each (owner in-app + e-mail, supervisor escalation in-app + e-mail).
SEED = """
from datetime import timedelta
from django.utils import timezone
from safeharbor.core.testing import factories as f
from safeharbor.deadlines.services import deadline_open

agency = f.AgencyFactory(name="Crash Test County", slug="crash")
supervisor = f.UserFactory(username="crash-sup", agency=agency, roles=["supervisor"])
unit = f.UnitFactory(agency=agency, name="Crash Unit", supervisor=supervisor)
worker = f.UserFactory(username="crash-worker", agency=agency, unit=unit, roles=["worker"])
for i in range(%(duties)d):
    youth = f.YouthFactory(agency=agency)
    deadline_open(agency_id=agency.pk, kind="missing.report_ncmec", subject=youth, title="Report to NCMEC",
                  due_at=timezone.now() - timedelta(hours=2, minutes=i), owner=worker, youth_id=youth.pk)
"""


def _env(tmp_path: Path) -> dict[str, str]:
    outbox = tmp_path / "outbox"
    outbox.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST") and k != "REDIS_URL"}
    env.update(
        {
            "SAFEHARBOR_ENV": "test",
            "DJANGO_SETTINGS_MODULE": "safeharbor.deadlines.tests.crash_settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'crash.sqlite3'}",
            "SAFEHARBOR_DATA_DIR": str(tmp_path / "var"),
            "SAFEHARBOR_TEST_OUTBOX": str(outbox),
            "AUDIT_DB_APPEND_ONLY": "0",
            "SWEEP_LEASE_SECONDS": str(LEASE_SECONDS),
        }
    )
    return env


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([SAFEHARBOR, *args], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database file with the seed, made once for the module; each test copies it."""
    base = tmp_path_factory.mktemp("crash-template")
    env = _env(base)
    _run(env, "migrate", "--no-input", "-v", "0")
    _run(env, "shell", "-c", SEED % {"duties": DUTIES})
    db = sqlite3.connect(base / "crash.sqlite3")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA journal_mode=DELETE")
    db.close()
    return base / "crash.sqlite3"


def _database(seeded_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "crash.sqlite3"
    shutil.copyfile(seeded_db, target)
    return target


def _query(db_file: Path, sql: str) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(db_file, timeout=30)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def _claimed_duties(db_file: Path) -> int:
    return _query(
        db_file, "SELECT COUNT(DISTINCT deadline_id) FROM deadlines_notification WHERE deadline_id IS NOT NULL"
    )[0][0]


def _lease(db_file: Path) -> dict[str, Any] | None:
    rows = _query(
        db_file,
        "SELECT holder, expires_at, last_completed_at FROM core_lease WHERE name = 'deadlines-sweep'",
    )
    if not rows:
        return None
    holder, expires_at, completed = rows[0]
    return {"holder": holder, "expires_at": _instant(expires_at), "completed": _instant(completed)}


def _instant(raw: str | None) -> datetime | None:
    if raw is None:
        return None
    value = datetime.fromisoformat(raw)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _reminders(db_file: Path) -> dict[str, Any]:
    rows = _query(
        db_file,
        "SELECT id, deadline_id, recipient_id, channel, kind, sent_at FROM deadlines_notification "
        "WHERE deadline_id IS NOT NULL",
    )
    return {
        "rows": len(rows),
        "keys": max(Counter(r[1:5] for r in rows).values()) if rows else 0,
        "unsent": sum(1 for r in rows if r[5] is None),
        "email_ids": sorted(r[0] for r in rows if r[3] == "email"),
    }


def _assert_each_reminder_sent_once(db_file: Path, outbox: Path) -> None:
    final = _reminders(db_file)
    assert final["rows"] == DUTIES * 4
    assert final["keys"] == 1
    assert final["unsent"] == 0
    assert len(final["email_ids"]) == DUTIES * 2
    message_ids: list[str] = []
    for path in sorted(outbox.iterdir()):
        message_ids += re.findall(r"^Message-ID: <notification-(\d+)@", path.read_text(), flags=re.MULTILINE)
    counts = Counter(int(i) for i in message_ids)
    assert sorted(counts) == final["email_ids"]
    assert set(counts.values()) == {1}, "an e-mail was sent twice"


# --- 1. `safeharbor sweep` -------------------------------------------------------------------------


def test_sigkill_mid_sweep_then_restart_sends_each_reminder_once(seeded_db: Path, tmp_path: Path) -> None:
    env = _env(tmp_path)
    db_file = _database(seeded_db, tmp_path)

    # First sweep: slowed down between duties, killed after the third has been delivered.
    slow = dict(env, SAFEHARBOR_SWEEP_TEST_PAUSE="1")
    proc = subprocess.Popen([SAFEHARBOR, "sweep", "-v", "2"], env=slow, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    delivered = 0
    try:
        for line in proc.stdout:
            if line.startswith("delivered "):
                delivered += 1
                if delivered == 3:
                    break
    finally:
        proc.send_signal(signal.SIGKILL)
        killed_at = datetime.now(UTC)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert delivered == 3

    partial = _reminders(db_file)
    assert 0 < partial["rows"] < DUTIES * 4  # the sweep was cut short
    lease = _lease(db_file)
    assert lease is not None and lease["holder"] and lease["expires_at"] > killed_at  # the dead sweep's lease
    assert lease["completed"] is None

    # A plain re-run finds the dead sweep's lease live and does nothing; with --wait it takes the lease
    # over when it runs out, and finishes the work.
    assert "sweep skipped: another sweep holds the lease" in _run(env, "sweep")
    assert "sweep done" in _run(env, "sweep", "--wait", str(LEASE_SECONDS * 3))
    _run(env, "sweep")  # and a further run changes nothing

    _assert_each_reminder_sent_once(db_file, tmp_path / "outbox")
    assert "deadline sweep: ok" in _run(env, "sweep", "--status")


# --- 2. the task worker, as `make run` starts it ----------------------------------------------------


def _worker_flags() -> list[str]:
    match = re.search(r"^WORKER_FLAGS\s*:?=\s*(.+)$", (ROOT / "Makefile").read_text(), flags=re.MULTILINE)
    assert match, "the Makefile defines WORKER_FLAGS for `make run`"
    flags = match.group(1).split()
    assert "--flush-locks" in flags
    return flags


def _redis_url() -> str:
    url = "redis://127.0.0.1:6379/13"  # a database number nothing else in the project uses
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception as exc:
        pytest.skip(f"Redis is not reachable at {url} ({exc.__class__.__name__}); CI starts one")
    return url


@pytest.fixture(params=["sqlite", "redis"])
def queue(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The task queue's environment: Huey on SQLite (the default without REDIS_URL) or on Redis, under a
    queue name of this test's own."""
    name = f"shdrill{secrets.token_hex(4)}"
    if request.param == "sqlite":
        yield {"HUEY_IMMEDIATE": "0", "SAFEHARBOR_TEST_HUEY_NAME": name}
        return
    url = _redis_url()
    yield {"REDIS_URL": url, "SAFEHARBOR_TEST_HUEY_NAME": name}
    import redis

    conn = redis.Redis.from_url(url)
    keys = list(conn.scan_iter(f"huey.*{name}*"))
    if keys:
        conn.delete(*keys)


def _huey(env: dict[str, str]) -> Any:
    """The worker's queue, opened from this process (to plant and look for the legacy lock)."""
    from huey import RedisHuey, SqliteHuey

    name = env["SAFEHARBOR_TEST_HUEY_NAME"]
    if env.get("REDIS_URL"):
        return RedisHuey(name, url=env["REDIS_URL"])
    return SqliteHuey(name, filename=str(Path(env["SAFEHARBOR_DATA_DIR"]) / "huey.sqlite3"))


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [SAFEHARBOR, "run_huey", *_worker_flags()],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=30)


def _wait_for(condition: Any, *, seconds: float, proc: subprocess.Popen[bytes], log: Path, what: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():
            return time.monotonic() - started
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    pytest.fail(f"{what} within {seconds:.0f} s (worker exit: {proc.poll()}); worker log:\n{log.read_text()[-4000:]}")


def test_worker_killed_mid_sweep_then_restarted_sends_each_reminder_once(
    seeded_db: Path, tmp_path: Path, queue: dict[str, str]
) -> None:
    env = {**_env(tmp_path), **queue}
    db_file = _database(seeded_db, tmp_path)
    log = tmp_path / "worker.log"

    # The worker sweeps at start, slowed down between duties; kill it once three duties are claimed.
    first = _start_worker(dict(env, SAFEHARBOR_SWEEP_TEST_PAUSE="1"), log)
    try:
        _wait_for(lambda: _claimed_duties(db_file) >= 3, seconds=60, proc=first, log=log, what="3 duties claimed")
    finally:
        _stop(first)
        killed_at = datetime.now(UTC)
    assert first.returncode == -signal.SIGKILL
    assert 3 <= _claimed_duties(db_file) < DUTIES, "killed in the middle of the sweep"
    lease = _lease(db_file)
    assert lease is not None and lease["holder"], "the killed worker still holds the sweep lease"
    assert lease["expires_at"] > killed_at and lease["completed"] is None

    # An old release's Huey lock left behind by a killed worker: the restart must clear it.
    huey = _huey(env)
    lock_key = f"{huey.name}.lock.{LEGACY_LOCK}"
    huey.put_if_empty(lock_key, "1")

    second = _start_worker(env, log)
    try:
        took = _wait_for(
            lambda: (_lease(db_file) or {}).get("completed") is not None,
            seconds=RESTART_BOUND_SECONDS,
            proc=second,
            log=log,
            what="a completed sweep after the restart",
        )
    finally:
        _stop(second, signal.SIGTERM)
    # Issue 14: every due reminder within two sweep periods of the restart (the periodic sweep runs each
    # minute). The start-up sweep usually does it in seconds, once the dead worker's lease runs out; the
    # bound is the issue's, so a slow start on a loaded CI machine (Django import, xdist neighbours) is
    # not a failure while a sweep that waits for the lock of a dead process still is.
    assert took < 2 * 60, f"the restarted worker took {took:.1f} s"
    _assert_each_reminder_sent_once(db_file, tmp_path / "outbox")
    assert not huey.storage.has_data_for_key(lock_key)
    text = log.read_text()
    assert "scheduled in" in text  # start-up found the live lease and scheduled a sweep for its expiry
    print(json.dumps({"queue": queue.get("REDIS_URL", "sqlite"), "restart_to_completed_s": round(took, 1)}))
