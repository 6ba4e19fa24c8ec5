"""`safeharbor restore PATH`: put a backup made by `safeharbor backup` back as the database.

Stop the application and the Huey worker first: nothing may write while the database is replaced.
SQLite: the backup file is checked (PRAGMA integrity_check), then copied into the configured database
with the online backup API, which goes through SQLite's own locking and journal (no stale -wal file
can be left next to a copied file). The database file may be missing or empty (a fresh database).
PostgreSQL: `pg_restore --clean --if-exists --no-owner` into the configured database (which must exist).
Afterwards run `safeharbor migrate` (a no-op for a backup of the same version) and `safeharbor audit verify`.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from safeharbor.core.management.commands._dbtools import pg_tool, sqlite_integrity, target


class Command(BaseCommand):
    help = "Restore the database from a backup made by `safeharbor backup` (stop the app first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="backup file")
        parser.add_argument("--database", default="default", help="database alias (default: default)")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="do not ask for confirmation"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"].expanduser().resolve()
        if not path.is_file():
            raise CommandError(f"No backup file at {path}")
        alias = options["database"]
        db = target(alias)
        if options["interactive"]:
            answer = input(f"This replaces everything in the {db.vendor} database {db.settings['NAME']}. Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        connections[alias].close()
        if db.vendor == "sqlite":
            self._sqlite(path, db.sqlite_path)
        else:
            command = [
                pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--exit-on-error",
                *db.pg_args(),
                str(path),
            ]
            result = subprocess.run(command, env=db.pg_env(), capture_output=True, text=True, check=False)  # noqa: S603
            if result.returncode != 0:
                raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        self.stdout.write(f"Restored the {db.vendor} database from {path}.")

    def _sqlite(self, backup: Path, live: Path) -> None:
        verdict = sqlite_integrity(backup)
        if verdict != "ok":
            raise CommandError(f"The backup failed its integrity check: {verdict}")
        live.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        dest = sqlite3.connect(live, timeout=20)
        try:
            source.backup(dest)
            dest.commit()
            check = dest.execute("PRAGMA integrity_check").fetchone()
        finally:
            dest.close()
            source.close()
        if not check or check[0] != "ok":
            raise CommandError(f"The restored database failed its integrity check: {check}")
