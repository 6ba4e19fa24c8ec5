"""A real SQLite file database driven through the `safeharbor` command in subprocesses.

Used by the backup/restore drill and the crash-safety test: they need separate processes (a restore
into a fresh file, a SIGKILL) which the in-memory pytest database cannot give.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
SAFEHARBOR = str(Path(sys.executable).with_name("safeharbor"))

# Creates the standing personas through the factories, then `count` youth through the service.
SEED = """
import sys
from conftest import make_personas
from safeharbor.youth.services import youth_create
import datetime as dt
p = make_personas()
for i in range(int(sys.argv[1])):
    youth_create(actor=p.worker, legal_first_name=f"Fictional{i}", legal_last_name="Seedling",
                 date_of_birth=dt.date(2011, 1, 1) + dt.timedelta(days=i))
print("seeded")
"""


def env_for(db_file: Path, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update(
        {
            "SAFEHARBOR_ENV": "development",
            "DEBUG": "0",
            "DATABASE_URL": f"sqlite:///{db_file}",
            "SAFEHARBOR_DATA_DIR": str(data_dir),
            "HUEY_IMMEDIATE": "1",
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "safeharbor.settings",
        }
    )
    return env


def run(args: list[str], env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)


def safeharbor(env: dict[str, str], *args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return run([SAFEHARBOR, *args], env, timeout)


def migrated_template(directory: Path) -> Path:
    """A migrated, empty database file (made once per test session directory)."""
    template = directory / "template.sqlite3"
    if not template.exists():
        env = env_for(directory / "building.sqlite3", directory / "data")
        result = safeharbor(env, "migrate", "--noinput")
        assert result.returncode == 0, result.stderr[-3000:]
        # The file DATABASE_URL points at is in WAL mode: fold the log back in before copying.
        import sqlite3

        db = sqlite3.connect(directory / "building.sqlite3")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA journal_mode=DELETE")
        db.close()
        os.replace(directory / "building.sqlite3", template)
    return template


def fresh_copy(template: Path, target: Path) -> Path:
    shutil.copyfile(template, target)
    return target


def seed(env: dict[str, str], youth: int) -> None:
    python = str(Path(sys.executable))
    result = run([python, "-c", "import django; django.setup()\n" + SEED, str(youth)], env)
    assert result.returncode == 0, result.stderr[-3000:]
