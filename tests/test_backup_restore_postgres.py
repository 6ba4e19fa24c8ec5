"""Restore drill on PostgreSQL: `safeharbor backup` (pg_dump) of a live database, `safeharbor restore`
(pg_restore) into a brand-new database, then row counts, `audit verify` and `migrate --check`.

Runs in the PostgreSQL leg of the suite (DATABASE_URL points at a PostgreSQL server); it makes two
throwaway databases on that server and drops them at the end. The append-only audit triggers are on,
as in production, so the drill also proves a restore recreates them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import dj_database_url
import psycopg
import pytest
from psycopg import sql

from safeharbor.accounts.tests.subprocess_db import env_for, safeharbor, seed

URL = os.environ.get("DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not URL.startswith(("postgres://", "postgresql://")),
    reason="the PostgreSQL drill runs when DATABASE_URL is PostgreSQL",
)


def _server() -> dict[str, str]:
    parsed = dj_database_url.parse(URL)
    return {
        "host": str(parsed.get("HOST") or "127.0.0.1"),
        "port": str(parsed.get("PORT") or 5432),
        "user": str(parsed.get("USER") or "postgres"),
        "password": str(parsed.get("PASSWORD") or ""),
    }


def _connect(dbname: str) -> psycopg.Connection[tuple[object, ...]]:
    s = _server()
    return psycopg.connect(
        host=s["host"], port=s["port"], user=s["user"], password=s["password"] or None, dbname=dbname, autocommit=True
    )


def _url(dbname: str) -> str:
    s = _server()
    auth = s["user"] + (f":{s['password']}" if s["password"] else "")
    return f"postgres://{auth}@{s['host']}:{s['port']}/{dbname}"


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    suffix = uuid.uuid4().hex[:10]
    live, fresh = f"sh_drill_live_{suffix}", f"sh_drill_fresh_{suffix}"
    with _connect("postgres") as admin:
        for name in (live, fresh):
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield live, fresh
    finally:
        with _connect("postgres") as admin:
            for name in (live, fresh):
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _row_counts(dbname: str) -> dict[str, int]:
    with _connect(dbname) as db:
        tables = [
            str(row[0])
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        counts: dict[str, int] = {}
        for table in tables:
            row = db.execute(sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(table))).fetchone()
            counts[table] = int(str(row[0])) if row else 0
        return counts


def _triggers(dbname: str) -> set[str]:
    with _connect(dbname) as db:
        rows = db.execute(
            "SELECT tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relname = 'audit_auditevent' AND NOT t.tgisinternal"
        ).fetchall()
    return {str(row[0]) for row in rows}


def _env(dbname: str, data_dir: Path) -> dict[str, str]:
    env = env_for(data_dir / "unused.sqlite3", data_dir)
    env["DATABASE_URL"] = _url(dbname)
    env["AUDIT_DB_APPEND_ONLY"] = "1"
    return env


def test_pg_backup_then_restore_into_a_fresh_database(databases: tuple[str, str], tmp_path: Path) -> None:
    live, fresh = databases
    live_env = _env(live, tmp_path / "live-data")
    migrated = safeharbor(live_env, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    seed(live_env, youth=8)

    backup = tmp_path / "backups" / "safeharbor.dump"
    made = safeharbor(live_env, "backup", str(backup))
    assert made.returncode == 0, made.stderr[-3000:]
    assert "Backed up the postgresql database" in made.stdout
    assert backup.stat().st_size > 0
    assert not backup.with_name(backup.name + ".partial").exists()

    fresh_env = _env(fresh, tmp_path / "fresh-data")
    restored = safeharbor(fresh_env, "restore", str(backup), "--noinput")
    assert restored.returncode == 0, restored.stderr[-3000:]

    before, after = _row_counts(live), _row_counts(fresh)
    assert before == after
    assert after["youth_youth"] == 12  # 4 personas' youth + 8 seeded
    assert after["audit_auditevent"] >= 16  # each seeded youth: youth.create + assignment.create
    assert _triggers(fresh) == _triggers(live) != set()  # the append-only guard came back too

    verified = safeharbor(fresh_env, "audit", "verify", "--no-anchors")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    migrate = safeharbor(fresh_env, "migrate", "--check")
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr


def test_pg_restore_of_a_damaged_dump_fails_and_says_so(databases: tuple[str, str], tmp_path: Path) -> None:
    _live, fresh = databases
    damaged = tmp_path / "damaged.dump"
    damaged.write_bytes(b"PGDMP" + b"\x00" * 64 + b"not a dump" * 20)
    result = safeharbor(_env(fresh, tmp_path / "data"), "restore", str(damaged), "--noinput")
    assert result.returncode != 0
    assert "pg_restore failed" in result.stderr
