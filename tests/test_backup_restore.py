"""Restore drill: back up a live SQLite database with `safeharbor backup`, restore it into a fresh
database with `safeharbor restore`, and check row counts and the audit chain (`safeharbor audit verify`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from safeharbor.accounts.tests.subprocess_db import env_for, fresh_copy, migrated_template, safeharbor, seed


def row_counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            name
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        ]
        return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}
    finally:
        db.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_template(tmp_path_factory.mktemp("template"))


def test_backup_then_restore_into_a_fresh_database(template: Path, tmp_path: Path) -> None:
    live = fresh_copy(template, tmp_path / "live.sqlite3")
    live_env = env_for(live, tmp_path / "live-data")
    seed(live_env, youth=12)

    backup = tmp_path / "backups" / "safeharbor.sqlite3.bak"
    made = safeharbor(live_env, "backup", str(backup))
    assert made.returncode == 0, made.stderr[-3000:]
    assert "Backed up the sqlite database" in made.stdout
    assert backup.exists()
    assert not backup.with_name(backup.name + ".partial").exists()

    fresh = tmp_path / "restored.sqlite3"  # does not exist yet: a brand-new database
    fresh_env = env_for(fresh, tmp_path / "fresh-data")
    restored = safeharbor(fresh_env, "restore", str(backup), "--noinput")
    assert restored.returncode == 0, restored.stderr[-3000:]

    before, after = row_counts(live), row_counts(fresh)
    assert before == after
    assert after["youth_youth"] == 16  # 4 personas' youth + 12 seeded
    assert after["youth_assignment"] >= 16
    assert after["audit_auditevent"] >= 24  # each seeded youth: youth.create + assignment.create

    verified = safeharbor(fresh_env, "audit", "verify", "--no-anchors")
    assert verified.returncode == 0, verified.stdout + verified.stderr

    migrate = safeharbor(fresh_env, "migrate", "--check")
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    check = sqlite3.connect(fresh)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()


def test_restore_refuses_a_damaged_backup(template: Path, tmp_path: Path) -> None:
    live = fresh_copy(template, tmp_path / "live.sqlite3")
    env = env_for(live, tmp_path / "data")
    damaged = tmp_path / "damaged.bak"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100 + b"not a database" * 50)
    result = safeharbor(env, "restore", str(damaged), "--noinput")
    assert result.returncode != 0
    counts = row_counts(live)
    assert counts["django_migrations"] > 0  # the live database was left alone


def test_restore_needs_a_backup_file(template: Path, tmp_path: Path) -> None:
    env = env_for(tmp_path / "live.sqlite3", tmp_path / "data")
    result = safeharbor(env, "restore", str(tmp_path / "missing.bak"), "--noinput")
    assert result.returncode != 0
    assert "No backup file" in result.stderr
